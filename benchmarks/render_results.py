"""Render benchmarks/results/*.json: the README block, the docs page, a plot.

Every result file has the same envelope (see ``_common.py``): ``benchmark``,
``question``, ``command``, ``summary`` (sentences written by the benchmark),
``machine``; comparison records also hold one row per model. The renderer
prints only that: a table of every model row (accuracy with its 95%
interval), then each result's question, summary and command. Nothing here
knows one benchmark from another.

- ``render(payloads, "markdown")``: the README block; ``--readme
  README.md`` replaces what stands between ``<!-- results:start -->`` and
  ``<!-- results:end -->`` in that file;
- ``render(payloads, "rst")``: the documentation's results page (built by
  ``docs/conf.py`` with this module);
- ``snippet(payloads, names)``: the paragraph of the named results that a
  user-guide page includes;
- ``results/accuracy.png``: every model row's accuracy and interval.

Run: ``python benchmarks/render_results.py [--readme README.md] [--no-plot]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def load_results(folder: Path = RESULTS_DIR) -> list[dict]:
    """Read every result file of ``folder``, in name order."""
    payloads = []
    for path in sorted(folder.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload.setdefault("benchmark", path.stem)
        payloads.append(payload)
    return payloads


def _code(text: str, fmt: str) -> str:
    return f"``{text}``" if fmt == "rst" else f"`{text}`"


def _machine(payload: dict) -> str:
    machine = payload.get("machine", {})
    parts = [machine.get("gpu") or f"{machine.get('cpu_count', '?')} CPU cores"]
    if machine.get("torch"):
        parts.append(f"torch {machine['torch']}")
    return ", ".join(parts)


def model_rows(payloads: list[dict]) -> list[list[str]]:
    """One row per model of every result that has model rows."""
    rows = []
    for payload in payloads:
        for model in payload.get("models", []):
            low, high = model["accuracy_ci"]

            def number(key, spec, model=model):
                value = model.get(key)
                return "n/a" if value is None else format(value, spec)

            rows.append(
                [
                    payload["benchmark"],
                    f"{model['n_train']:,} / {model['n_test']:,}",
                    model["name"],
                    f"{model['accuracy']:.4f}",
                    f"{low:.3f} - {high:.3f}",
                    number("macro_f1", ".4f"),
                    number("fit_s", ".1f"),
                    f"{model['device']} ({_machine(payload)})",
                ]
            )
    return rows


HEADER = [
    "result",
    "train / test",
    "model",
    "accuracy",
    "95% CI",
    "macro-F1",
    "fit s",
    "device",
]


def _table(rows: list[list[str]], fmt: str) -> list[str]:
    if fmt == "rst":
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for cells in [HEADER, *rows]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        return lines
    lines = ["| " + " | ".join(HEADER) + " |"]
    lines.append("| --- | --- | --- | ---: | --- | ---: | ---: | --- |")
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return lines


def _result_lines(payload: dict, fmt: str) -> list[str]:
    name = payload["benchmark"]
    title = f"**{name}**"
    if payload.get("question"):
        title += f" ({payload['question']})"
    lines = [f"- {title}:"]
    indent = "  "
    lines += [f"{indent}- {line}" for line in payload.get("summary") or []]
    if not payload.get("summary"):
        lines.append(f"{indent}- no summary recorded; see {_code(name + '.json', fmt)}")
    if payload.get("command"):
        lines.append(f"{indent}- produced by {_code(payload['command'], fmt)}")
    return lines


def render(payloads: list[dict], fmt: str = "markdown") -> str:
    """The results as a Markdown block (README) or a reST body (docs)."""
    lines = []
    rows = model_rows(payloads)
    if rows:
        lines += [
            "Accuracy on the test documents, with the 95% confidence interval "
            "recorded in each result:",
            "",
            *_table(rows, fmt),
            "",
        ]
    for payload in payloads:
        lines += _result_lines(payload, fmt)
        if fmt == "rst":
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def snippet(payloads: list[dict], names: list[str]) -> str:
    """The summaries of the named results, as one reST paragraph each."""
    by_name = {payload["benchmark"]: payload for payload in payloads}
    paragraphs = []
    for name in names:
        payload = by_name.get(name)
        if payload is None or not payload.get("summary"):
            paragraphs.append(
                f"No result is recorded in ``benchmarks/results/{name}.json`` yet."
            )
            continue
        sentences = [
            line if line.endswith(".") else line + "." for line in payload["summary"]
        ]
        paragraphs.append(
            f"``benchmarks/results/{name}.json`` ({_machine(payload)}): "
            + " ".join(sentences)
        )
    return "\n\n".join(paragraphs) + "\n"


def plot(payloads: list[dict], path: Path) -> Path | None:
    """Draw every model row's accuracy with its interval into ``path``."""
    rows = [
        {
            "model": f"{payload['benchmark']}: {model['name']}",
            "accuracy": model["accuracy"],
            "accuracy_ci": model["accuracy_ci"],
        }
        for payload in payloads
        for model in payload.get("models", [])
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


def update_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no {START} ... {END} block to replace.")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{block}{END}{tail}", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--readme", type=Path, default=None)
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    args = parser.parse_args(argv)
    payloads = load_results(args.results)
    if not payloads:
        raise SystemExit(f"No result files in {args.results}.")
    block = render(payloads, "markdown")
    print(block)
    if args.plot:
        png = plot(payloads, args.results / "accuracy.png")
        if png:
            print(f"wrote {png}")
    if args.readme:
        update_readme(args.readme, block)
        print(f"updated {args.readme}")


if __name__ == "__main__":
    main()
