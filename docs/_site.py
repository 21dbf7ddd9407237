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


def _record(results_dir, name):
    """The comparison record ``name`` of ``results_dir``, or None if absent."""
    from sklearn_charcnn.compare import Comparison

    data = _load(Path(results_dir) / f"{name}.json")
    return None if data is None else Comparison.from_dict(data)


def _rows(record):
    """Per-model rows of a comparison record, as dicts (empty without one)."""
    if record is None:
        return []
    return [
        {
            "model": row.name,
            "accuracy": row.accuracy,
            "fit_s": row.fit_s,
            "n_train": row.n_train,
            "n_test": row.n_test,
            "epochs": row.params.get("epochs_run"),
            "training_rows": row.params.get("training_rows"),
        }
        for row in record.models
    ]


_TFIDF_NAMES = {"tfidf-word": "words", "tfidf-char": "character n-grams"}


def _compare_substitutions(cnn, tfidf_rows, record, augmentation):
    """Return ``{name: text}`` for the front page, or raise KeyError/TypeError."""
    machine = record.machine
    best = max(tfidf_rows, key=lambda row: row["accuracy"])
    by_name = {row["model"]: row for row in tfidf_rows}
    gap = best["accuracy"] - cnn["accuracy"]
    wall = record.wall_s
    subs = {
        "ag_n_train": f"{cnn['n_train']:,}",
        "ag_n_test": f"{cnn['n_test']:,}",
        "ag_cnn_acc": f"{cnn['accuracy']:.1%}",
        "ag_word_acc": f"{by_name['tfidf-word']['accuracy']:.1%}",
        "ag_char_acc": f"{by_name['tfidf-char']['accuracy']:.1%}",
        "ag_best_tfidf": _TFIDF_NAMES.get(best["model"], best["model"]),
        "ag_gap_points": f"{100 * abs(gap):.0f}",
        "ag_cnn_vs_tfidf": "less accurate than" if gap > 0 else "more accurate than",
        "ag_cnn_fit_s": f"{cnn['fit_s']:.0f} s",
        "ag_word_fit_s": f"{by_name['tfidf-word']['fit_s']:.0f} s",
        "ag_best_fit_s": f"{best['fit_s']:.0f} s",
        "ag_wall_min": f"{wall / 60:.0f} minutes",
        "ag_cores": f"{machine['cpu_count']} CPU cores",
        "ag_gpu": f"GPU: {machine['gpu']}" if machine.get("gpu") else "no GPU",
        "ag_torch": machine["torch"],
        "ag_epochs": str(cnn["epochs"]),
        "ag_epoch_s": f"{cnn['fit_s'] / cnn['epochs']:.0f} s",
    }
    ratio = cnn["fit_s"] / best["fit_s"]
    subs["ag_fit_compare"] = (
        f"takes about {ratio:.0f} times longer to fit"
        if ratio >= 1.5
        else f"fits {1 / ratio:.0f} times faster"
        if ratio <= 1 / 1.5
        else "takes about as long to fit"
    )
    if augmentation:
        copies = augmentation[0]
        subs["ag_copies_acc"] = f"{copies['accuracy']:.1%}"
        rows = copies.get("training_rows") or copies["n_train"]
        subs["ag_copies_rows"] = f"{rows:,}"
        copies_gap = 100 * (best["accuracy"] - copies["accuracy"])
        subs["ag_copies_vs_tfidf"] = (
            f"still {copies_gap:.0f} points below TF-IDF"
            if copies_gap >= 0.5
            else f"{-copies_gap:.0f} points above TF-IDF"
            if copies_gap <= -0.5
            else "level with TF-IDF"
        )
    return subs


def _compare_table(record):
    """The record's table, laid out as the ``compare`` command prints it."""
    return ".. code-block:: text\n\n" + "".join(
        f"   {line}\n" for line in record.table().splitlines()
    )


_SUBSTITUTIONS = (
    "ag_n_train",
    "ag_n_test",
    "ag_cnn_acc",
    "ag_word_acc",
    "ag_char_acc",
    "ag_best_tfidf",
    "ag_gap_points",
    "ag_cnn_vs_tfidf",
    "ag_cnn_fit_s",
    "ag_word_fit_s",
    "ag_best_fit_s",
    "ag_fit_compare",
    "ag_wall_min",
    "ag_cores",
    "ag_gpu",
    "ag_torch",
    "ag_epochs",
    "ag_epoch_s",
    "ag_copies_acc",
    "ag_copies_rows",
    "ag_copies_vs_tfidf",
    "ag_vote_acc",
    "ag_vote_k",
    "ag_vote_min",
    "ag_vote_members",
    "ag_vote_vs_tfidf",
    "ag_vote_command",
)


def write_getting_started(results_dir, generated_dir):
    """Write generated/getting_started_table.inc and return ``rst_prolog`` text.

    Every number of the front page and the FAQ is a substitution defined here
    from the recorded results: the char-CNN and the tuned TF-IDF baselines of
    the ``compare`` run in ``accuracy_ag.json``. If a file is missing or
    reshaped, each substitution says so instead of showing a stale figure.
    """
    results_dir, generated_dir = Path(results_dir), Path(generated_dir)
    missing = "(not recorded in benchmarks/results)"
    subs = dict.fromkeys(_SUBSTITUTIONS, missing)
    table = f"*No result is recorded in* ``benchmarks/results/accuracy_ag.json`` {missing}.\n"
    try:
        record = _record(results_dir, "accuracy_ag")
        rows = _rows(record)
        cnn_rows = [row for row in rows if row["model"] == "char-cnn"]
        tfidf_rows = [row for row in rows if row["model"] in _TFIDF_NAMES]
        copies = _rows(_record(results_dir, "augmentation_ag_copies"))
        subs.update(_compare_substitutions(cnn_rows[0], tfidf_rows, record, copies))
        table = _compare_table(record)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        pass
    _write_if_changed(generated_dir / "getting_started_table.inc", table)
    subs.update(_faq_substitutions(results_dir, missing))
    subs.update(_ensemble_substitutions(results_dir))
    return "\n".join(f".. |{name}| replace:: {text}" for name, text in subs.items())


def _ensemble_substitutions(results_dir):
    """The vote of augmented char-CNNs (``accuracy_ag_ensemble.json``).

    Empty if the record is missing or reshaped: the ``ag_vote_*`` names of
    :data:`_SUBSTITUTIONS` then keep the "not recorded" text.
    """
    from sklearn_charcnn.compare.stats import format_p_value

    try:
        record = _record(results_dir, "accuracy_ag_ensemble")
        vote, tfidf = record["char-cnn"], record["tfidf-word"]
        members = [m["accuracy"] for m in vote.folds[0]["members"]]
        [test] = [t for t in record.paired_tests if t.reference == "tfidf-word"]
        gap = 100 * (tfidf.accuracy - vote.accuracy)
        side = "below" if gap > 0 else "above"
        p_text = format_p_value(test.p_value, sentence=True)
        return {
            "ag_vote_acc": f"{vote.accuracy:.1%}",
            "ag_vote_k": str(len(members)),
            "ag_vote_min": f"{record.wall_s / 60:.0f} minutes",
            "ag_vote_members": f"{min(members):.1%} to {max(members):.1%}",
            "ag_vote_vs_tfidf": f"{abs(gap):.1f} points {side} the tuned word "
            f"TF-IDF model's {tfidf.accuracy:.1%} (McNemar {p_text})",
            "ag_vote_command": "``"
            + record.command.replace("sklearn-charcnn", "python -m sklearn_charcnn", 1)
            + "``",
        }
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return {}


def _faq_substitutions(results_dir, missing):
    """Figures quoted by the FAQ: recorded results and the embedded corpus."""
    subs = {}
    try:
        no_bn = _rows(_record(results_dir, "classifier_ag_no_batch_norm"))[0]
        subs["nobn_acc"] = f"{no_bn['accuracy']:.1%}"
        subs["nobn_epochs"] = str(no_bn["epochs"])
    except (KeyError, TypeError, IndexError):
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
    "distributed",
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


def _with_submodules(modules):
    """The public modules, each package followed by its public submodules.

    A submodule is listed only for the names its package does not re-export
    (``sklearn_charcnn.compare.stats``, say).
    """
    import importlib
    import pkgutil

    listed = []
    for short in modules:
        listed.append(short)
        module = importlib.import_module(f"sklearn_charcnn.{short}")
        exported = set(getattr(module, "__all__", []))
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            if info.name.startswith("_"):
                continue
            name = f"{short}.{info.name}"
            submodule = importlib.import_module(f"sklearn_charcnn.{name}")
            if set(getattr(submodule, "__all__", [])) - exported:
                listed.append(name)
    return listed


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
    for short in _with_submodules(modules):
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


def write_compare_figure(results_dir, generated_dir):
    """Draw the front page's figure from the same records as its table.

    The ``compare`` command's ``compare.png`` for the recorded run
    (``accuracy_ag.json``), written to generated/compare_ag_news.png
    and placed by generated/getting_started_figure.inc; without the records
    (or matplotlib), the include says so instead.
    """
    results_dir, generated_dir = Path(results_dir), Path(generated_dir)
    include = generated_dir / "getting_started_figure.inc"
    try:
        import matplotlib

        matplotlib.use("agg")
        from sklearn_charcnn.compare import Comparison
        from sklearn_charcnn.plotting import plot_comparison_figure

        comparison = Comparison.from_dict(_load(results_dir / "accuracy_ag.json"))
        figure = plot_comparison_figure(comparison)
        generated_dir.mkdir(exist_ok=True)
        figure.savefig(generated_dir / "compare_ag_news.png", dpi=100)
    except (ImportError, KeyError, TypeError, ValueError, AttributeError) as exc:
        _write_if_changed(
            include, f"*The figure could not be drawn from the records* ({exc}).\n"
        )
        return
    _write_if_changed(
        include,
        ".. image:: /generated/compare_ag_news.png\n"
        "   :alt: The char-CNN's validation and test accuracy per epoch, under\n"
        "         the dashed lines of the TF-IDF baselines; beside it, each\n"
        "         model's test accuracy with its 95% interval.\n",
    )
