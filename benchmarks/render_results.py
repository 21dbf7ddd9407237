"""Turn benchmarks/results/*.json into the README's results table and a plot.

Prints a markdown block: one table of the accuracy benchmarks (every JSON
with a ``results`` list of per-model rows, as written by
``bench_accuracy_*.py``), one line for each other benchmark (its ``summary``
entry if it has one, else its speed-ups and ratios), and the command that
produced each result. Writes ``benchmarks/results/accuracy.png`` (test
accuracy per model and data set). With ``--readme README.md`` the block
also replaces what stands between the markers ``<!-- results:start -->``
and ``<!-- results:end -->`` in that file.

Run: ``python benchmarks/render_results.py [--readme README.md] [--no-plot]``
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from _common import RESULTS_DIR

START, END = "<!-- results:start -->", "<!-- results:end -->"


def load_results(folder: Path) -> list[dict]:
    payloads = []
    for path in sorted(folder.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload.setdefault("benchmark", path.stem)
        payloads.append(payload)
    return payloads


def is_accuracy(payload: dict) -> bool:
    rows = payload.get("results")
    return isinstance(rows, list) and all(
        isinstance(row, dict) and "model" in row and "accuracy" in row for row in rows
    )


def device_of(payload: dict, row: dict) -> str:
    device = row.get("device", "?")
    gpu = payload.get("machine", {}).get("gpu")
    if device.startswith("cuda") and gpu:
        return f"{device} ({gpu})"
    cpus = payload.get("machine", {}).get("cpu_count")
    return f"{device} ({cpus} cores)" if device == "cpu" and cpus else device


def accuracy_table(payloads: list[dict]) -> list[str]:
    lines = [
        "| benchmark | data (train / test) | model | accuracy | macro-F1 | fit s "
        "| predict s | device |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for payload in payloads:
        first = payload["results"][0] if payload["results"] else {}
        n_train = payload.get("n_train", first.get("n_train", "?"))
        n_test = payload.get("n_test", first.get("n_test", "?"))
        sizes = f"{n_train:,} / {n_test:,}"
        for row in payload["results"]:
            lines.append(
                f"| {payload['benchmark']} | {sizes} | {row['model']} "
                f"| {row['accuracy']:.4f} | {row.get('macro_f1', float('nan')):.4f} "
                f"| {row.get('fit_s', float('nan')):.1f} "
                f"| {row.get('predict_s', float('nan')):.2f} "
                f"| {device_of(payload, row)} |"
            )
    return lines


def _ratios(node, path=()):
    """Yield (path, value) of numbers whose key names a speed-up or a ratio."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _ratios(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _ratios(value, (*path, str(i)))
    elif (
        isinstance(node, (int, float))
        and path
        and re.search(r"speedup|ratio|_over_", path[-1])
    ):
        yield ".".join(path), node


def other_line(payload: dict) -> str:
    summary = payload.get("summary")
    if isinstance(summary, list):
        summary = "; ".join(map(str, summary))
    elif isinstance(summary, dict):
        summary = ", ".join(f"{key} = {value:g}" for key, value in summary.items())
    if not summary:
        found = list(_ratios({k: v for k, v in payload.items() if k != "machine"}))
        summary = ", ".join(f"{key} = {value:g}" for key, value in found[:6])
    data = payload.get("data")
    data = f" ({data})" if isinstance(data, str) else ""
    return f"- **{payload['benchmark']}**{data}: {summary or 'see the JSON file'}"


def render(payloads: list[dict]) -> str:
    accuracy = [p for p in payloads if is_accuracy(p)]
    others = [p for p in payloads if not is_accuracy(p)]
    lines = []
    if accuracy:
        lines += ["**Accuracy** (test split; higher is better)", ""]
        lines += accuracy_table(accuracy)
        lines.append("")
        for payload in accuracy:
            ratios = [
                f"{key.replace('char_cnn_over_', 'char-CNN / ').replace('_', '-')}: {value:.3f}"
                for key, value in payload.items()
                if key.startswith("char_cnn_over_")
            ]
            if ratios:
                lines.append(f"- {payload['benchmark']}: " + ", ".join(ratios))
        lines.append("")
    if others:
        lines += ["**Other benchmarks**", ""]
        lines += [other_line(p) for p in others]
        lines.append("")
    commands = [(p["benchmark"], p["command"]) for p in payloads if p.get("command")]
    if commands:
        lines += ["Produced by:", ""]
        lines += [f"- {name}: `{command}`" for name, command in commands]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def plot(payloads: list[dict], path: Path) -> Path | None:
    accuracy = [p for p in payloads if is_accuracy(p)]
    if not accuracy:
        return None
    from matplotlib.figure import Figure

    models = list(dict.fromkeys(r["model"] for p in accuracy for r in p["results"]))
    fig = Figure(figsize=(1.8 + 2.2 * len(accuracy), 3.6))
    ax = fig.subplots()
    width = 0.8 / len(models)
    for m, model in enumerate(models):
        xs, ys = [], []
        for b, payload in enumerate(accuracy):
            for row in payload["results"]:
                if row["model"] == model:
                    xs.append(b - 0.4 + width * (m + 0.5))
                    ys.append(row["accuracy"])
        bars = ax.bar(xs, ys, width=width, label=model)
        ax.bar_label(bars, fmt="%.3f", fontsize=8)
    ax.set_xticks(range(len(accuracy)), [p["benchmark"] for p in accuracy])
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1.18)
    ax.legend(loc="upper center", ncol=len(models), frameon=False)
    ax.set_title("char-CNN vs. TF-IDF + logistic regression")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
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
    block = render(payloads)
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
