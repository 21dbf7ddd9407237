"""Render benchmarks/results/*.json: the README headline, every record, the docs page, a plot.

Comparison records (the ``compare`` command's schema) are read by
:func:`sklearn_charcnn.compare.load_records` and laid out by the record's
own renderer: :meth:`~sklearn_charcnn.compare.Comparison.table` for one
record, :meth:`~sklearn_charcnn.compare.Comparison.rows` through
:func:`~sklearn_charcnn.compare.format_table` for the table of every model
row. Every other result is listed by its envelope (see ``_common.py``): its
question, summary lines and command. Nothing here knows one benchmark from
another, except that the README's headline is :data:`HEADLINE` and the
targets are :data:`TARGETS`.

- ``headline(results)``: the README block, the headline record's table
  and its verdict; ``--readme README.md``;
- ``render(results, "markdown")``: every record, the block of
  ``benchmarks/README.md``; ``--benchmarks-readme benchmarks/README.md``;
- ``render(results, "rst")``: the documentation's results page (built by
  ``docs/conf.py`` with this module);
- ``targets(results)``: the list of :data:`TARGETS`, each read from its
  record, met or not (in the README block and the results page);
- ``snippet(results, names)``: the paragraph of the named results that a
  user-guide page includes;
- ``results/accuracy.png``: every model row's accuracy and interval (records
  of one label per document).

Records of several labels per document get their own table of model rows,
with the record's multi-label columns (macro-F1 and its interval first).

Each ``--...readme`` option replaces what stands between the lines
``<!-- results:start -->`` and ``<!-- results:end -->`` in that file.

Run: ``python benchmarks/render_results.py [--readme README.md]
[--benchmarks-readme benchmarks/README.md] [--no-plot]``
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from sklearn_charcnn.compare import Comparison, format_table, load_records

RESULTS_DIR = Path(__file__).resolve().parent / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"
BLOCK = re.compile(rf"^{re.escape(START)}\n.*?^{re.escape(END)}$", re.M | re.S)
HEADLINE = "accuracy_ag"
"""The record whose table heads the README."""
LINKS = (
    "Every record, with the command and the machine that produced it: "
    "[benchmarks/README.md](benchmarks/README.md) and the documentation's "
    "[results page](docs/results.rst)."
)
TARGETS = (
    # (record, what is measured, how to read it from the record, the target)
    (
        "accuracy_goemotions",
        "GoEmotions, 28 labels: char-CNN test macro-F1",
        lambda record: _model(record, "char-cnn").scores["macro_f1"],
        0.46,
    ),
    (
        "long_documents_imdb",
        "IMDB, whole reviews in windows of 512: char-CNN test accuracy",
        lambda record: record["variants"]["windows-512"]["accuracy"]["mean"][
            "accuracy"
        ],
        0.85,
    ),
)
"""The targets set for the package, each read from the record that measures it."""
HEADER = ["result", "train / test", *Comparison.COLUMNS]
MULTILABEL_HEADER = ["result", "train / test", *Comparison.MULTILABEL_COLUMNS]


def load_results(folder: Path = RESULTS_DIR) -> dict:
    """Read every result of ``folder``, by file name, in name order.

    Comparison records become :class:`~sklearn_charcnn.compare.Comparison`
    objects; any other result stays the dict of its JSON file.
    """
    folder = Path(folder)
    results = dict(load_records(folder))
    for path in folder.glob("*.json"):
        if path.stem not in results:
            results[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return dict(sorted(results.items()))


def _envelope(result) -> tuple[str, list[str], str | None, dict]:
    """A result's question, summary lines, command and machine."""
    if isinstance(result, Comparison):
        return result.question, result.summary_lines(), result.command, result.machine
    return (
        result.get("question", ""),
        list(result.get("summary") or []),
        result.get("command"),
        result.get("machine", {}),
    )


def _code(text: str, fmt: str) -> str:
    return f"``{text}``" if fmt == "rst" else f"`{text}`"


def _machine(machine: dict) -> str:
    parts = [machine.get("gpu") or f"{machine.get('cpu_count', '?')} CPU cores"]
    if machine.get("torch"):
        parts.append(f"torch {machine['torch']}")
    return ", ".join(parts)


def model_table(results: dict, fmt: str = "markdown", *, multilabel=False) -> str:
    """One row per model of every comparison record, as its record writes it.

    With ``multilabel``, the records of several labels per document (their
    own columns); without, the others.
    """
    rows = []
    for name, record in results.items():
        if not isinstance(record, Comparison) or record.multilabel != multilabel:
            continue
        for model, cells in zip(record.models, record.rows(), strict=True):
            split = f"{model.n_train:,} / {model.n_test:,}"
            rows.append([name, split, *cells[: len(record.columns)]])
    header = MULTILABEL_HEADER if multilabel else HEADER
    left = {0, 1, 2, 4, len(header) - 1}
    return format_table(header, rows, fmt, left=left) if rows else ""


def _result_lines(name: str, result, fmt: str) -> list[str]:
    question, summary, command, machine = _envelope(result)
    title = f"**{name}**" + (f" ({question})" if question else "")
    lines = [f"- {title}:", *([""] if fmt == "rst" else [])]
    lines += [f"  - {line}" for line in summary] or [
        f"  - no summary recorded; see {_code(name + '.json', fmt)}"
    ]
    if command:
        lines.append(f"  - produced by {_code(command, fmt)} on {_machine(machine)}")
    return lines


def render(results: dict, fmt: str = "markdown") -> str:
    """Every result: the table of model rows, then each one's lines.

    ``fmt`` is ``"markdown"`` (``benchmarks/README.md``) or ``"rst"`` (the
    documentation's results page).
    """
    lines = []
    table = model_table(results, fmt)
    if table:
        lines += [
            "Accuracy on the test documents, with the 95% confidence interval "
            "recorded in each result:",
            "",
            table,
            "",
        ]
    table = model_table(results, fmt, multilabel=True)
    if table:
        lines += [
            "Several labels per document: macro-F1 on the test documents, with "
            "the 95% confidence interval recorded in each result, and the other "
            "multi-label scores:",
            "",
            table,
            "",
        ]
    lines += ["Targets:", "", targets(results, fmt), ""]
    for name, result in results.items():
        lines += _result_lines(name, result, fmt)
        if fmt == "rst":
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def headline(results: dict, name: str = HEADLINE) -> str:
    """The README block: one record's table, its verdict, and where the rest is."""
    record = results.get(name)
    if not isinstance(record, Comparison):
        return (
            f"No comparison record `benchmarks/results/{name}.json` yet.\n\n{LINKS}\n"
        )
    lines = record.summary_lines()
    verdict = [test.summary() for test in record.paired_tests] or lines[1:]
    corpus = f"{lines[0]}. " if record.corpus else ""
    return "\n".join(
        [
            record.table("markdown"),
            "",
            corpus + "; ".join(verdict) + ".",
            "",
            "Targets of other shapes of problem:",
            "",
            targets(results).rstrip(),
            "",
            LINKS,
            "",
        ]
    )


def _model(record: Comparison, name: str):
    return next(model for model in record.models if model.name == name)


def targets(results: dict, fmt: str = "markdown") -> str:
    """One line per target of :data:`TARGETS`: measured or not, met or not."""
    lines = []
    for name, what, read, target in TARGETS:
        record = results.get(name)
        if record is None:
            verdict = f"not measured yet ({_code(name + '.json', fmt)})"
        else:
            value = read(record)
            met = "met" if value >= target else "not met"
            verdict = f"{value:.4f} ({met}; {_code(name + '.json', fmt)})"
        lines.append(f"- {what} ≥ {target}: {verdict}")
    return "\n".join(lines) + "\n"


def snippet(results: dict, names: list[str]) -> str:
    """The summaries of the named results, as one reST paragraph each."""
    paragraphs = []
    for name in names:
        _, summary, _, machine = _envelope(results.get(name, {}))
        if not summary:
            paragraphs.append(
                f"No result is recorded in ``benchmarks/results/{name}.json`` yet."
            )
            continue
        sentences = [line if line.endswith(".") else line + "." for line in summary]
        paragraphs.append(
            f"``benchmarks/results/{name}.json`` ({_machine(machine)}): "
            + " ".join(sentences)
        )
    return "\n\n".join(paragraphs) + "\n"


def plot(results: dict, path: Path) -> Path | None:
    """Draw every model row's accuracy with its interval into ``path``."""
    rows = [
        {
            "model": f"{name}: {model.name}",
            "accuracy": model.accuracy,
            "accuracy_ci": model.accuracy_ci,
        }
        for name, record in results.items()
        if isinstance(record, Comparison) and not record.multilabel
        for model in record.models
    ]
    if not rows:
        return None
    from matplotlib.figure import Figure

    from sklearn_charcnn.plotting import plot_comparison

    figure = Figure(figsize=(10, 1.2 + 0.42 * len(rows)))
    ax = figure.subplots()
    plot_comparison(rows, ax=ax, title="Test accuracy, 95% CI")
    ax.set_xlim(0, 1.12)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path


def update_block(path: Path, block: str) -> None:
    """Replace what stands between the marker lines of ``path`` with ``block``.

    A marker counts only on a line of its own, so that a text can quote it.
    """
    text = path.read_text(encoding="utf-8")
    found = BLOCK.findall(text)
    if len(found) != 1:
        raise SystemExit(
            f"{path} needs exactly one block between a line {START} and a line "
            f"{END} to replace; it has {len(found)}."
        )
    path.write_text(
        BLOCK.sub(lambda _: f"{START}\n{block}{END}", text), encoding="utf-8"
    )
    print(f"updated {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--readme", type=Path, default=None)
    parser.add_argument("--benchmarks-readme", type=Path, default=None)
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    args = parser.parse_args(argv)
    results = load_results(args.results)
    if not results:
        raise SystemExit(f"No result files in {args.results}.")
    block = render(results, "markdown")
    if args.readme is None and args.benchmarks_readme is None:
        print(block)
    if args.readme:
        update_block(args.readme, headline(results))
    if args.benchmarks_readme:
        update_block(args.benchmarks_readme, block)
    if args.plot:
        png = plot(results, args.results / "accuracy.png")
        if png:
            print(f"wrote {png}")


if __name__ == "__main__":
    main()
