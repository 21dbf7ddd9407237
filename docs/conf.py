"""Sphinx configuration for the sklearn-charcnn documentation.

Build from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: cross-references to other projects' sites
(intersphinx) are off unless ``SKLEARN_CHARCNN_DOCS_INTERSPHINX=1`` is set.
The example gallery is executed during the build; set
``SKLEARN_CHARCNN_DOCS_PLOT_GALLERY=0`` to skip running it while writing.
"""

import os
import re
import sys
import warnings
from datetime import date
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent

# Document the checkout this file belongs to, installed or not.
sys.path.insert(0, str(REPO_ROOT))

import sklearn_charcnn  # noqa: E402

# -- Project -----------------------------------------------------------------

project = "sklearn-charcnn"
author = "sklearn-charcnn developers"
copyright = f"{date.today().year}, {author}"
release = sklearn_charcnn.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # sphinx-gallery writes these; they are not pages of their own.
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
    "sg_execution_times.rst",
]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc -----------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# Let numpydoc write the member tables; autosummary would list every
# inherited sklearn method a second time.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False

# -- intersphinx: off by default, so the build never touches the network -----

intersphinx_mapping = {}
if os.environ.get("SKLEARN_CHARCNN_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable", None),
        "torch": ("https://docs.pytorch.org/docs/stable", None),
    }

# -- sphinx-gallery -----------------------------------------------------------

# Examples are plain scripts: keep them quiet and headless.
os.environ.setdefault("MPLBACKEND", "agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)

sphinx_gallery_conf = {
    "examples_dirs": [str(REPO_ROOT / "examples")],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "plot_gallery": os.environ.get("SKLEARN_CHARCNN_DOCS_PLOT_GALLERY", "True"),
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_charcnn",),
    "backreferences_dir": "generated",
    # Link names in example code to the local API pages only (no network).
    "reference_url": {"sklearn_charcnn": None},
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "show_memory": False,
}

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-charcnn {release}"
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False


# -- The ``compare`` command's help, for the user guide ----------------------


def _write_compare_help():
    """Write ``compare --help`` to generated/compare_help.txt (never stale)."""
    import contextlib
    import io

    from sklearn_charcnn.cli import main

    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"  # argparse wraps at the terminal width
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            main(["compare", "--help"])
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    target = DOCS_DIR / "generated" / "compare_help.txt"
    target.parent.mkdir(exist_ok=True)
    text = buffer.getvalue()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


_write_compare_help()


# -- The training recipes, for the user guide (read from the code) -------------

_INIT_NAMES = {
    "default": "PyTorch's default for the convolutions and linear layers "
    "(uniform, scaled by the fan-in); output layer N(0, 0.01), zero biases",
    "kaiming": "He (Kaiming) normal for the ReLU layers, Xavier-normal output "
    "layer, zero biases",
    "paper": "Gaussian N(0, 0.05) small / N(0, 0.02) large, zero biases",
}


def _describe_recipe(recipe):
    init = _INIT_NAMES.get(recipe["init"], f"``{recipe['init']}``")
    optimizer = recipe["optimizer"].__name__
    extras = ", ".join(
        f"{key.replace('_', ' ')} {value:g}"
        for key, value in recipe.get("optimizer_kwargs", {}).items()
    )
    schedule = {
        "warmup-cosine": "linear warm-up over the first "
        f"{recipe.get('warmup_fraction', 0):.0%} of the steps, then cosine decay "
        "to zero",
        "paper-halving": "halved every 3 epochs, 10 times",
    }.get(recipe["schedule"], f"``{recipe['schedule']}``")
    smoothing = recipe.get("label_smoothing") or 0
    patience = recipe["early_stopping"]
    return {
        "initialisation": init,
        "optimizer (``optimizer``)": optimizer + (f", {extras}" if extras else ""),
        "learning rate (``lr``)": f"{recipe['lr']:g}, {schedule}",
        "minibatch (``batch_size``)": str(recipe["batch_size"]),
        "epochs (``max_epochs``)": str(recipe["max_epochs"]),
        "loss": "cross-entropy"
        + (f", label smoothing {smoothing:g}" if smoothing else ""),
        "early stopping (``early_stopping``)": (
            f"patience {patience} epochs on validation accuracy, best epoch "
            "restored"
            if patience
            else "off"
        ),
    }


def _write_recipes_table():
    """Write generated/recipes_table.inc from ``classifier.RECIPES``."""
    from sklearn_charcnn.classifier import RECIPES

    names = list(RECIPES)
    described = {name: _describe_recipe(RECIPES[name]) for name in names}
    lines = [".. list-table::", "   :header-rows: 1", "", "   * -"]
    lines += [f'     - ``recipe="{name}"``' for name in names]
    for row in described[names[0]]:
        lines.append(f"   * - {row}")
        lines += [f"     - {described[name][row]}" for name in names]
    target = DOCS_DIR / "generated" / "recipes_table.inc"
    target.parent.mkdir(exist_ok=True)
    text = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


_write_recipes_table()


# -- Members inherited from scikit-learn and torch ------------------------------

# Inherited methods whose docstrings read well on their own. Everything else
# that a class inherits from scikit-learn (metadata-routing helpers,
# set_output) or from torch.nn.Module (dozens of methods) is left to those
# projects' documentation.
_KEEP_INHERITED = {"fit_transform", "get_params", "set_params", "score"}


def _skip_foreign_members(app, what, name, obj, skip, options):
    if skip:
        return None
    # Properties and cached properties carry their module on the getter.
    target = getattr(obj, "fget", None) or getattr(obj, "func", None) or obj
    module = getattr(target, "__module__", None) or ""
    if module.startswith("sklearn_charcnn"):
        return None
    if module.startswith("sklearn.") and name in _KEEP_INHERITED:
        return None
    return True


_REF_ROLE = re.compile(r":ref:`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _unlink_foreign_refs(app, what, name, obj, options, lines):
    """Turn :ref: roles of scikit-learn's docstrings into plain text.

    Their labels live in scikit-learn's documentation, not in this one.
    """
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("sklearn."):
        lines[:] = [_REF_ROLE.sub(lambda m: m.group(1), line) for line in lines]


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
    app.connect("autodoc-process-docstring", _unlink_foreign_refs)
