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
        "loss": "cross-entropy"
        + (f", label smoothing {smoothing:g}" if smoothing else ""),
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


# -- Measured figures, for the user guide (read from benchmarks/results) -------

# The user guide quotes benchmark results only through these snippets, so a
# figure is always the one recorded in the JSON file it names, and a missing
# or reshaped file yields a pointer to the README instead of a stale number.

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
_NOT_RECORDED = "No result is recorded in ``benchmarks/results/{}`` yet; see the "
_NOT_RECORDED += "benchmark table in the README."


def _load_result(name):
    import json

    try:
        return json.loads((RESULTS_DIR / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _threads(data):
    machine = data.get("machine", {})
    threads = data.get("torch_threads") or machine.get("torch_threads")
    return f"{threads} thread{'s' if threads != 1 else ''}" if threads else "CPU"


def _where(data, device):
    if device == "cpu":
        return f"{_threads(data)} of a CPU"
    return data.get("machine", {}).get("gpu") or device


def _classifier_speed(name, data):
    settings, results = data["settings"], data["results"]
    est, plain = results["estimator"], results["plain"]
    device = data.get("device", settings.get("device", "?"))
    return (
        f"``benchmarks/results/{name}`` ({_where(data, device)}; "
        f"{settings['size']} "
        f"network, ``max_length={settings['max_length']}``, "
        f"{settings['n_samples']:,} documents, minibatches of "
        f"{settings['batch_size']}): {est['train_samples_per_s']:,.0f} training "
        f"samples per second for the estimator against "
        f"{plain['train_samples_per_s']:,.0f} for the plain loop (ratio "
        f"{data['fit_ratio_estimator_over_plain']:.2f}), and "
        f"{est['predict_samples_per_s']:,.0f} against "
        f"{plain['predict_samples_per_s']:,.0f} samples per second for "
        f"prediction (ratio {data['predict_ratio_estimator_over_plain']:.2f})."
    )


def _classifier_ag(name, data):
    settings = data["settings"]
    return (
        f"What the default reaches on that split is recorded in "
        f"``benchmarks/results/{name}``: with "
        f"``max_length={settings['max_length']}``, "
        f"{settings['params']['max_epochs']} epochs and every other setting at "
        f"its default, {data['accuracy']:.1%} test accuracy on the "
        f"{settings['n_test']:,} held-out documents, against "
        f"{data['tfidf_lr_accuracy']:.1%} for TF-IDF + LogisticRegression in "
        f"the same run; training took {data['fit_s']:.0f} s on "
        f"{_where(data, data['device'])}. The paper found TF-IDF models "
        "strong on data sets of up to several hundred thousand documents; with "
        "a few thousand, they are hard to beat."
    )


def _augmenter_speed(name, data):
    full = data["full"]
    return (
        f"The recorded result of ``benchmarks/bench_augmenter.py``, "
        f"``benchmarks/results/{name}``: augmenting the {full['n_docs']:,} "
        f"IMDB training reviews ({full['input_mb']:.1f} MB) with WordNet takes "
        f"{full['cold_cache']['seconds']:.1f} s on one core with an empty "
        f"synonym cache and {full['warm_cache']['seconds']:.1f} s with a warm "
        f"one, after {data['wordnet_load_seconds']:.1f} s to load WordNet."
    )


def _quantizer_speed(name, data):
    run = next(r for r in data["runs"] if r["max_length"] == 1014)
    results = run["results"]
    return (
        f"Its recorded result, ``benchmarks/results/{name}``, on "
        f"{data['data']}, {run['input_mb']:.2f} MB of text, with "
        f"``max_length=1014`` on {_threads(data)}: {results['charquantizer']['input_mb_per_s']:,.0f} MB "
        f"of input text per second, "
        f"{results['naive_loop']['charquantizer_speedup']:.1f} times the naive "
        f"loop and {results['keras_style']['charquantizer_speedup']:.1f} times "
        "the Keras-style approach. The machine is recorded in the same file."
    )


_AUGMENTATION_VARIANTS = {
    "none": "without augmentation",
    "pipeline": "with ``ThesaurusAugmenter`` in the pipeline",
    "copies": "with augmented copies from ``augment_dataset``",
}


def _augmentation_ag(name, data):
    settings, variants = data["settings"], data["variants"]
    if not variants:
        raise ValueError("no variant recorded")
    parts = [
        f"{row['accuracy']:.1%} {_AUGMENTATION_VARIANTS.get(key, key)} "
        f"({row['n_train_rows']:,} training rows)"
        for key, row in variants.items()
    ]
    return (
        f"On AG News, ``benchmarks/results/{name}`` records the char-CNN's test "
        f"accuracy ({data['data']}; ``max_length={settings['max_length']}``, "
        f"{settings['max_epochs']} epochs, ``p = {settings['p']}``, "
        f"``q = {settings['q']}``): " + "; ".join(parts) + "."
    )


def _write_benchmark_snippets():
    """Write generated/bench_*.inc, one paragraph per benchmark result."""
    import glob

    snippets = {
        "bench_quantizer.inc": [("quantizer_speed.json", _quantizer_speed)],
        "bench_augmenter.inc": [("augmenter_speed.json", _augmenter_speed)],
        "bench_augmentation_ag.inc": [("augmentation_ag.json", _augmentation_ag)],
        "bench_classifier_ag.inc": [("classifier_ag_defaults.json", _classifier_ag)],
        "bench_classifier_speed.inc": [
            (Path(path).name, _classifier_speed)
            for path in sorted(glob.glob(str(RESULTS_DIR / "classifier_speed_*.json")))
        ]
        or [("classifier_speed_cpu.json", _classifier_speed)],
    }
    for target, sources in snippets.items():
        paragraphs = []
        for name, render in sources:
            data = _load_result(name)
            try:
                paragraphs.append(render(name, data))
            except (TypeError, KeyError, StopIteration, ValueError):
                paragraphs.append(_NOT_RECORDED.format(name))
        path = DOCS_DIR / "generated" / target
        path.parent.mkdir(exist_ok=True)
        text = "\n\n".join(paragraphs) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


_write_benchmark_snippets()


# -- The front page's figures, from the recorded compare run --------------------

from _site import (  # noqa: E402
    fix_viewcode_backlinks,
    resolve_public_alias,
    write_api_reference,
    write_getting_started,
)

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
