"""Sphinx configuration for the sklearn-charcnn documentation.

Build from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: cross-references to scikit-learn, skorch,
PyTorch, NumPy and Python resolve through inventories kept in
``docs/_inventories``, and the maths is typeset by a copy of MathJax in
``docs/_static/mathjax``. The example gallery is executed during the build;
set ``SKLEARN_CHARCNN_DOCS_PLOT_GALLERY=0`` to skip running it while writing.
``python docs/check_site.py`` then checks the built site's local links.
"""

import os
import re
import sys
import warnings
from datetime import date
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent

# Document the checkout this file belongs to, installed or not; docs/ holds
# _site.py, the helpers of this configuration.
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(DOCS_DIR))

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
    "sphinx.ext.intersphinx",
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
    "auto_examples/sg_execution_times.rst",
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

# -- intersphinx: inventories shipped in docs/_inventories, no network -------

# The real objects.inv files of these projects cannot be fetched at build
# time, so docs/_inventories holds small ones, written by
# docs/_inventories/make_inventories.py with sphobjinv, that list only the
# names these pages refer to, each pointing at its page on the project's
# public site. A reference missing from them renders as plain text; add the
# name to make_inventories.py and rerun it.
_INVENTORIES = DOCS_DIR / "_inventories"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", str(_INVENTORIES / "python.inv")),
    "numpy": ("https://numpy.org/doc/stable", str(_INVENTORIES / "numpy.inv")),
    "sklearn": ("https://scikit-learn.org/stable", str(_INVENTORIES / "sklearn.inv")),
    "skorch": (
        "https://skorch.readthedocs.io/en/stable",
        str(_INVENTORIES / "skorch.inv"),
    ),
    "torch": ("https://docs.pytorch.org/docs/stable", str(_INVENTORIES / "torch.inv")),
}
intersphinx_timeout = 1

# -- maths: a local MathJax, no CDN -------------------------------------------

# docs/_static/mathjax/tex-svg.js is MathJax 3.2.2's single-file TeX-to-SVG
# component (from the npm package ``mathjax``, Apache-2.0, its LICENSE beside
# it); it needs no font files and no network.
mathjax_path = "mathjax/tex-svg.js"

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
    # The basic pipeline example first (docs/_site.py).
    "within_subsection_order": "_site.GalleryOrder",
    "doc_module": ("sklearn_charcnn",),
    "backreferences_dir": "generated",
    # Link names in example code to the local API pages only (no network).
    "reference_url": {"sklearn_charcnn": None},
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "show_memory": False,
    # Its page would load jQuery and DataTables from a CDN.
    "write_computation_times": False,
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
html_static_path = ["_static"]
html_css_files = ["custom.css"]


# -- The commands' help, for the user guide -----------------------------------


def _write_help(command):
    """Write ``COMMAND --help`` to generated/COMMAND_help.txt (never stale)."""
    import contextlib
    import io

    from sklearn_charcnn.cli import main

    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"  # argparse wraps at the terminal width
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            main([command, "--help"])
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    target = DOCS_DIR / "generated" / f"{command}_help.txt"
    target.parent.mkdir(exist_ok=True)
    text = buffer.getvalue()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


for _command in ("compare", "fit", "predict"):
    _write_help(_command)


# -- The training recipes, for the user guide (read from the code) -------------

_INIT_NAMES = {
    "default": "PyTorch's default for the convolutions and linear layers "
    "(uniform, scaled by the fan-in); output layer N(0, 0.01), zero biases",
    "paper": "Gaussian N(0, 0.05) small / N(0, 0.02) large, zero biases",
}


def _describe_recipe(recipe):
    init = _INIT_NAMES.get(recipe["init"], f"``{recipe['init']}``")
    optimizer = recipe["optimizer"].__name__
    extras = ", ".join(
        # A flag reads as its name ("fused"), a number with its value.
        key.replace("_", " ") if value is True else f"{key.replace('_', ' ')} {value:g}"
        for key, value in recipe.get("optimizer_kwargs", {}).items()
    )
    schedule = str(recipe["schedule"])  # each schedule says what it does
    smoothing = recipe.get("label_smoothing") or 0
    patience = recipe["early_stopping"]
    return {
        "initialisation": init,
        "batch normalisation (``batch_norm``)": (
            "after every convolution during training, folded into the "
            "convolutions when fit ends"
            if recipe["batch_norm"]
            else "off"
        ),
        "optimizer (``optimizer``)": optimizer + (f", {extras}" if extras else ""),
        "learning rate (``lr``)": f"{recipe['lr']:g}, {schedule}",
        "minibatch (``batch_size``)": str(recipe["batch_size"]),
        "epochs (``max_epochs``)": str(recipe["max_epochs"]),
        "loss (``label_smoothing``)": "cross-entropy"
        + (
            f", label smoothing {smoothing:g} (none for multi-label targets)"
            if smoothing
            else ""
        ),
        "early stopping (``early_stopping``)": (
            f"patience {patience} epochs on validation accuracy, best epoch restored"
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


# -- Measured figures: the results page and the user guide's snippets --------

# Every figure comes from benchmarks/results/*.json through the renderer that
# also writes the README's headline and benchmarks/README.md (render_results.py): it
# prints what each result carries (its model rows, question, summary and
# command) and knows no benchmark by name. results.rst is the whole set; each
# generated/bench_*.inc is the summary of the results a user-guide page cites.

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"

# Which results each user-guide snippet cites.
_SNIPPETS = {
    "bench_quantizer.inc": ["quantizer_speed"],
    "bench_augmenter.inc": ["augmenter_speed"],
    "bench_augmentation_ag.inc": sorted(
        path.stem for path in RESULTS_DIR.glob("augmentation_ag_*.json")
    ),
    "bench_classifier_ag.inc": ["classifier_ag_defaults", "accuracy_ag_tfidf"],
    "bench_long_documents.inc": [
        "long_documents_imdb",
        "long_documents_imdb_first_1014",
        "long_documents_imdb_n5000",
    ],
    "bench_goemotions_settings.inc": ["goemotions_settings"],
    "bench_classifier_speed.inc": sorted(
        path.stem for path in RESULTS_DIR.glob("classifier_speed_*.json")
    ),
}


def _write_if_changed(path, text):
    path.parent.mkdir(exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _write_results():
    """Write results.rst and generated/bench_*.inc from benchmarks/results."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "render_results", REPO_ROOT / "benchmarks" / "render_results.py"
    )
    renderer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renderer)
    payloads = renderer.load_results(RESULTS_DIR)
    title = "Measured results"
    page = [
        ".. _results:",
        "",
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        ".. This page is generated by docs/conf.py from benchmarks/results;",
        "   edit the benchmarks or their results, not this file.",
        "",
        "Every figure below is read from a result file in ``benchmarks/results/``,",
        "written by the benchmark named with it, with the machine it ran on.",
        "``python benchmarks/render_results.py --readme README.md --benchmarks-readme",
        "benchmarks/README.md`` renders the same results into ``benchmarks/README.md``",
        "and the headline record into the README.",
        "",
        renderer.render(payloads, "rst"),
    ]
    _write_if_changed(DOCS_DIR / "results.rst", "\n".join(page))
    for target, names in _SNIPPETS.items():
        _write_if_changed(
            DOCS_DIR / "generated" / target, renderer.snippet(payloads, names)
        )


_write_results()


# -- The front page's figures, from the recorded compare run --------------------

from _site import (  # noqa: E402
    fix_viewcode_backlinks,
    resolve_public_alias,
    write_api_reference,
    write_compare_figure,
    write_getting_started,
)

write_compare_figure(REPO_ROOT / "benchmarks" / "results", DOCS_DIR / "generated")
write_api_reference(DOCS_DIR / "generated")

rst_prolog = write_getting_started(
    REPO_ROOT / "benchmarks" / "results", DOCS_DIR / "generated"
)


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
    app.connect("missing-reference", resolve_public_alias)
    app.connect("build-finished", fix_viewcode_backlinks)
