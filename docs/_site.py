"""Pieces of the documentation computed at build time (imported by conf.py).

- ``write_getting_started``: the front page's expected output, table and
  figures, read from the ``compare`` run recorded in
  ``benchmarks/results/accuracy_ag.json`` (and the augmentation result), so
  that no number on the front page is typed by hand.
- ``resolve_public_alias``: lets ``sklearn_charcnn.augmenter.augment_dataset``
  and ``sklearn_charcnn.augment_dataset`` both resolve, whichever path a page
  or a docstring uses.
"""

import json
from pathlib import Path


def _load(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_if_changed(path, text):
    path.parent.mkdir(exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _normalize_compare(data):
    """Return a recorded compare run in one shape, whichever schema wrote it.

    Records of ``sklearn_charcnn.compare.Comparison`` (with a ``schema`` key)
    list ``models`` and carry the printed ``table``; older records list
    ``results`` rows. Either way the result has ``results`` rows (``model``,
    ``accuracy``, ``macro_f1``, ``fit_s``, ``predict_s``, ``device``,
    ``epochs``), ``n_train``, ``n_test``, ``wall_s``, ``machine`` and the
    ``table`` text (None when the record has none).
    """
    if "schema" in data:
        rows = [
            {
                "model": row["name"],
                "accuracy": row["accuracy"],
                "macro_f1": row["macro_f1"],
                "fit_s": row["fit_s"],
                "predict_s": row["predict_s"],
                "device": row["device"],
                "n_train": row["n_train"],
                "n_test": row["n_test"],
                "epochs": (row.get("params") or {}).get("epochs_run"),
            }
            for row in data["models"]
        ]
        table = data.get("table")
    else:
        rows = [
            {**row, "epochs": (row.get("net") or {}).get("epochs_run")}
            for row in data["results"]
        ]
        table = None
    first = rows[0]
    return {
        "results": rows,
        "n_train": data.get("n_train", first.get("n_train")),
        "n_test": data.get("n_test", first.get("n_test")),
        "wall_s": data["wall_s"],
        "machine": data["machine"],
        "table": table,
    }


def _compare_substitutions(data, augmentation):
    """Return ``{name: text}`` for the front page, or raise KeyError/TypeError."""
    rows = {row["model"]: row for row in data["results"]}
    cnn, word, char = rows["char-cnn"], rows["tfidf-word"], rows["tfidf-char"]
    best_tfidf = max(word["accuracy"], char["accuracy"])
    machine = data["machine"]
    subs = {
        "ag_n_train": f"{data['n_train']:,}",
        "ag_n_test": f"{data['n_test']:,}",
        "ag_cnn_acc": f"{cnn['accuracy']:.1%}",
        "ag_word_acc": f"{word['accuracy']:.1%}",
        "ag_char_acc": f"{char['accuracy']:.1%}",
        "ag_gap_points": f"{100 * (best_tfidf - cnn['accuracy']):.0f}",
        "ag_cnn_vs_tfidf": (
            "less accurate than" if cnn["accuracy"] < best_tfidf else "as accurate as"
        ),
        "ag_cnn_fit_s": f"{cnn['fit_s']:.0f} s",
        "ag_word_fit_s": f"{word['fit_s']:.1f} s",
        "ag_fit_ratio": f"{cnn['fit_s'] / word['fit_s']:.0f}",
        "ag_wall_min": f"{data['wall_s'] / 60:.0f} minutes",
        "ag_cores": f"{machine['cpu_count']} CPU cores",
        "ag_gpu": f"GPU: {machine['gpu']}" if machine.get("gpu") else "no GPU",
        "ag_torch": machine["torch"],
    }
    if augmentation is not None:
        copies = augmentation["variants"]["copies"]
        subs["ag_copies_acc"] = f"{copies['accuracy']:.1%}"
        subs["ag_copies_rows"] = f"{copies['n_train_rows']:,}"
        subs["ag_copies_fit_s"] = f"{copies['fit_s']:.0f} s"
        gap = 100 * (best_tfidf - copies["accuracy"])
        subs["ag_copies_vs_tfidf"] = (
            f"still {gap:.0f} points below TF-IDF"
            if gap >= 0.5
            else f"{-gap:.0f} points above TF-IDF"
            if gap <= -0.5
            else "level with TF-IDF"
        )
    return subs


def _compare_table(data):
    """The recorded run's table, laid out as the ``compare`` command prints it."""
    if data.get("table"):
        lines = data["table"].rstrip("\n").splitlines()
        return ".. code-block:: text\n\n" + "".join(f"   {line}\n" for line in lines)
    header = ("model", "accuracy", "macro-F1", "fit s", "predict s", "device")
    rows = [
        (
            row["model"],
            f"{row['accuracy']:.4f}",
            f"{row['macro_f1']:.4f}",
            f"{row['fit_s']:.1f}",
            f"{row['predict_s']:.2f}",
            row["device"],
        )
        for row in data["results"]
    ]
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(6)]

    def render(cells):
        left = {0, 5}  # names left-aligned, numbers right-aligned
        return "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [render(header), render(["-" * width for width in widths])]
    lines += [render(cells) for cells in rows]
    return ".. code-block:: text\n\n" + "".join(f"   {line}\n" for line in lines)


def write_getting_started(results_dir, generated_dir):
    """Write generated/getting_started_*.inc and return ``rst_prolog`` text.

    Every number of the front page is a substitution defined here from the
    recorded ``compare`` run; if the file is missing or reshaped, each
    substitution says so instead of showing a stale figure.
    """
    results_dir, generated_dir = Path(results_dir), Path(generated_dir)
    data = _load(results_dir / "accuracy_ag.json")
    augmentation = _load(results_dir / "augmentation_ag.json")
    names = [
        "ag_n_train",
        "ag_n_test",
        "ag_cnn_acc",
        "ag_word_acc",
        "ag_char_acc",
        "ag_gap_points",
        "ag_cnn_vs_tfidf",
        "ag_cnn_fit_s",
        "ag_word_fit_s",
        "ag_fit_ratio",
        "ag_wall_min",
        "ag_cores",
        "ag_gpu",
        "ag_torch",
        "ag_copies_acc",
        "ag_copies_rows",
        "ag_copies_fit_s",
        "ag_copies_vs_tfidf",
    ]
    missing = "(not recorded in benchmarks/results)"
    subs = dict.fromkeys(names, missing)
    table = f"*No compare run is recorded in* ``benchmarks/results/accuracy_ag.json`` {missing}.\n"
    try:
        data = _normalize_compare(data)
        subs.update(_compare_substitutions(data, augmentation))
        table = _compare_table(data)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        data = None
    _write_if_changed(generated_dir / "getting_started_table.inc", table)
    subs.update(_faq_substitutions(results_dir, data, missing))
    return "\n".join(f".. |{name}| replace:: {text}" for name, text in subs.items())


def _faq_substitutions(results_dir, compare, missing):
    """Figures quoted by the FAQ: recorded results and the embedded corpus."""
    subs = {}
    try:
        rows = {row["model"]: row for row in compare["results"]}
        cnn = rows["char-cnn"]
        subs["ag_epoch_s"] = f"{cnn['fit_s'] / cnn['epochs']:.0f} s"
        subs["ag_epochs"] = str(cnn["epochs"])
    except (KeyError, TypeError, ZeroDivisionError):
        subs["ag_epoch_s"] = subs["ag_epochs"] = missing
    no_bn = _load(results_dir / "classifier_ag_no_batch_norm.json")
    try:
        subs["nobn_acc"] = f"{no_bn['accuracy']:.1%}"
        subs["nobn_epochs"] = str(no_bn["epochs_run"])
    except (KeyError, TypeError):
        subs["nobn_acc"] = subs["nobn_epochs"] = missing
    speed = _load(results_dir / "classifier_speed_cpu.json")
    try:
        est = speed["results"]["estimator"]
        subs["cpu_train_per_s"] = f"{est['train_samples_per_s']:,.0f}"
        subs["cpu_predict_per_s"] = f"{est['predict_samples_per_s']:,.0f}"
        subs["cpu_speed_length"] = str(speed["settings"]["max_length"])
    except (KeyError, TypeError):
        subs["cpu_train_per_s"] = subs["cpu_predict_per_s"] = missing
        subs["cpu_speed_length"] = missing
    # Lengths of the embedded AG News articles, computed from the data itself.
    import numpy as np

    from sklearn_charcnn.datasets import load_ag_news

    lengths = np.array([len(doc) for doc in load_ag_news().data])
    subs["ag_len_median"] = f"{np.median(lengths):.0f}"
    subs["ag_len_p90"] = f"{np.percentile(lengths, 90):.0f}"
    subs["ag_len_max"] = f"{lengths.max():,}"
    for cut in (256, 1014):
        subs[f"ag_within_{cut}"] = f"{np.mean(lengths <= cut):.0%}"
    return subs


def resolve_public_alias(app, env, node, contnode):
    """Resolve ``sklearn_charcnn.<module>.<name>`` as ``sklearn_charcnn.<name>``.

    The package re-exports its public names (``__all__``); the API reference
    documents them at that short path. References written with the defining
    module's path (as docstrings and examples often do) are sent there.
    """
    import sklearn_charcnn

    target = node.get("reftarget", "")
    if node.get("refdomain") != "py":
        return None
    # A dotted path into the package, or a bare name (a module docstring
    # saying :func:`augment_dataset`).
    if "." in target and not target.startswith("sklearn_charcnn."):
        return None
    name = target.rsplit(".", 1)[-1]
    if name not in sklearn_charcnn.__all__ or target == f"sklearn_charcnn.{name}":
        return None
    domain = env.domains["py"]
    return domain.resolve_xref(
        env,
        node.get("refdoc"),
        app.builder,
        node.get("reftype"),
        f"sklearn_charcnn.{name}",
        node,
        contnode,
    )


def fix_viewcode_backlinks(app, exception):
    """Repair the links of ``sphinx.ext.viewcode``'s highlighted sources.

    ``sphinx.ext.viewcode`` writes every backlink of a module with the path of
    the first object it met from that module, so when a module holds both
    re-exported names (documented as ``sklearn_charcnn.ThesaurusAugmenter``)
    and names documented in the module (``sklearn_charcnn.augmenter.
    ThesaurusSampler``), half of its links name an anchor that does not exist.
    Rewrite each such anchor to the object's anchor on the page it points to.
    """
    import re

    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    link = re.compile(r'href="([^"#]*generated/[^"#]+\.html)#(sklearn_charcnn\.[^"]+)"')
    ids_of = {}

    def page_ids(path):
        if path not in ids_of:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            ids_of[path] = set(re.findall(r'id="([^"]+)"', text))
        return ids_of[path]

    for source_page in (outdir / "_modules").rglob("*.html"):
        text = source_page.read_text(encoding="utf-8")

        def repair(match, source_page=source_page):
            href, anchor = match.groups()
            ids = page_ids((source_page.parent / href).resolve())
            if anchor in ids:
                return match.group(0)
            # sklearn_charcnn[.module].Name[.member] -> Name[.member]
            rest = re.sub(r"^sklearn_charcnn\.(?:[a-z_]+\.)*", "", anchor)
            for candidate in sorted(ids):
                if candidate.startswith("sklearn_charcnn.") and (
                    re.sub(r"^sklearn_charcnn\.(?:[a-z_]+\.)*", "", candidate) == rest
                ):
                    return f'href="{href}#{candidate}"'
            return match.group(0)

        fixed = link.sub(repair, text)
        if source_page.name == "index.html" and source_page.parent.name == "_modules":
            # The overview also lists modules whose source Sphinx failed to
            # parse (its own parser rejects, e.g., ``**`` inside a dict in a
            # decorator) and wrote no page for: drop those entries.
            fixed = re.sub(
                r'<li><a href="([^"]+)">[^<]*</a></li>\n?',
                lambda m, folder=source_page.parent: (
                    m.group(0) if (folder / m.group(1)).exists() else ""
                ),
                fixed,
            )
        if fixed != text:
            source_page.write_text(fixed, encoding="utf-8")


class GalleryOrder:
    """Order of the gallery: the basic pipeline first, then the rest by name.

    sphinx-gallery instantiates this with the folder and sorts the example
    files with the instance as key (``within_subsection_order``).
    """

    FIRST = ("plot_pipeline.py", "plot_learning_curves.py", "plot_grid_search.py")

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in self.FIRST:
            return (self.FIRST.index(name), name)
        return (len(self.FIRST), name)

    def __repr__(self):
        return f"<{type(self).__name__}: {', '.join(self.FIRST)}, then by name>"


# The order of the modules in the API reference; modules not listed follow,
# by name.
_MODULE_ORDER = (
    "quantizer",
    "augmenter",
    "thesaurus",
    "classifier",
    "network",
    "datasets",
    "plotting",
    "compare",
    "inspection",
    "export",
    "parallel",
    "cli",
)
_TEMPLATES = {
    "class": "autosummary/class.rst",
    "function": "autosummary/function.rst",
    "data": "autosummary/data.rst",
}


def _kind(obj):
    import inspect

    if inspect.isclass(obj):
        return "class"
    if inspect.isroutine(obj):
        return "function"
    return "data"


def _write_stub(generated_dir, module, name, kind):
    """Write generated/<module>.<name>.rst from the autosummary template.

    autosummary only writes stub pages for the entries it finds in source
    files, not in included ones, so the reference writes its own stubs, from
    the same templates (docs/_templates/autosummary).
    """
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "_templates"),
        keep_trailing_newline=True,
    )
    environment.filters["escape"] = lambda text: text.replace("_", r"\_").replace(
        "*", r"\*"
    )
    environment.filters["underline"] = lambda text, line="=": (
        f"{text}\n{line * len(text)}"
    )
    text = environment.get_template(_TEMPLATES[kind]).render(
        module=module, objname=name, fullname=f"{module}.{name}"
    )
    _write_if_changed(generated_dir / f"{module}.{name}.rst", text)


def _autosummary(names, objects, module, generated_dir):
    lines = []
    for name in names:
        _write_stub(generated_dir, module, name, _kind(objects[name]))
    for kind in ("class", "function", "data"):
        chosen = [name for name in names if _kind(objects[name]) == kind]
        if chosen:
            lines += [
                ".. autosummary::",
                "   :toctree: generated/",
                f"   :template: {_TEMPLATES[kind]}",
                "",
            ]
            lines += [f"   {name}" for name in chosen] + [""]
    return lines


def write_api_reference(generated_dir):
    """Write generated/api_reference.inc: every public name, by module.

    The lists come from each public module's ``__all__``, so a name added to
    the package appears in the reference without editing ``api.rst``. Names
    the package re-exports (``from sklearn_charcnn import ...``) are
    documented once, at that short path.
    """
    import importlib
    import pkgutil

    import sklearn_charcnn

    top_names = [name for name in sklearn_charcnn.__all__ if name != "__version__"]
    top = {name: getattr(sklearn_charcnn, name) for name in top_names}
    lines = [
        "Imported from the package",
        "=========================",
        "",
        ".. currentmodule:: sklearn_charcnn",
        "",
        "``from sklearn_charcnn import ...``; each is also reachable in the "
        "module that defines it, listed below.",
        "",
    ]
    lines += _autosummary(top_names, top, "sklearn_charcnn", generated_dir)
    modules = sorted(
        (
            info.name
            for info in pkgutil.iter_modules(sklearn_charcnn.__path__)
            if not info.name.startswith("_")
        ),
        key=lambda name: (
            _MODULE_ORDER.index(name) if name in _MODULE_ORDER else len(_MODULE_ORDER),
            name,
        ),
    )
    for short in modules:
        modname = f"sklearn_charcnn.{short}"
        module = importlib.import_module(modname)
        names = [
            name for name in getattr(module, "__all__", []) if name != "__version__"
        ]
        objects = {name: getattr(module, name) for name in names}
        shared = [name for name in names if top.get(name) is objects[name]]
        own = [name for name in names if name not in shared]
        title = f"``{modname}``"
        lines += [
            title,
            "=" * len(title),
            "",
            f".. automodule:: {modname}",
            "   :no-members:",
            "   :no-inherited-members:",
            "",
            f".. currentmodule:: {modname}",
            "",
        ]
        if shared:
            listed = ", ".join(f":obj:`~sklearn_charcnn.{name}`" for name in shared)
            lines += [
                f"Also defined here, and listed with the package above: {listed}.",
                "",
            ]
        lines += _autosummary(own, objects, modname, generated_dir)
    _write_if_changed(generated_dir / "api_reference.inc", "\n".join(lines) + "\n")
