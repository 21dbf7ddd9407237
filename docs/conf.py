"""Sphinx configuration for the sklearn-charcnn documentation.

Build from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: cross-references to other projects' sites
(intersphinx) are off unless ``SKLEARN_CHARCNN_DOCS_INTERSPHINX=1`` is set.
The example gallery is executed during the build; set
``SKLEARN_CHARCNN_DOCS_PLOT_GALLERY=0`` to skip running it while writing.
"""

import os
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


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
