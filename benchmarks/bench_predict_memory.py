"""Does ``sklearn-charcnn predict`` keep its memory flat as the file grows?

``predict`` reads the documents in chunks (``iter_text_file``) and writes
each chunk's rows before reading the next, so its peak memory should not
depend on the number of documents. This measures it: a CSV of IMDB's 50,000
reviews (``fetch_imdb(subset="all")``, from ``../shared/data``), once and
repeated four times (200,000 documents), predicted by the command in a fresh
child process each, whose peak resident set size is read from
:func:`os.wait4`. The reference, in the same run, is the one-pass way: a child
that reads the whole file with ``load_text_file`` and calls
``predict_proba`` once. The summary gives the ratio of the peaks at 4x and
1x for both, and the documents per second of ``predict``.

The model is a tiny char-CNN fitted once by ``sklearn-charcnn fit`` on 500
reviews for one epoch (its quality does not matter here; its size is the
same for every file). ``--smoke`` uses 200 AG News articles (1x and 4x) and
writes no record.

Run: ``python benchmarks/bench_predict_memory.py [--repeat 4]``
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import SHARED_DATA, SMOKE_DOCS, add_smoke_option, write_result

MODEL = ["--max-length", "256", "--max-epochs", "1", "--n-filters", "8"]
MODEL += ["--fc-width", "16", "--device", "cpu"]
N_FIT = 500


def load_documents(smoke: bool, data_home: Path):
    """Return the documents, their labels, and the data's description."""
    if smoke:
        from sklearn_charcnn.datasets import load_ag_news

        X, y = load_ag_news(return_X_y=True)
        return list(X[:SMOKE_DOCS]), list(y[:SMOKE_DOCS]), "AG News (embedded)"
    from sklearn_charcnn.datasets import fetch_imdb

    X, y = fetch_imdb("all", data_home=data_home, return_X_y=True)
    return list(X), list(y), "IMDB train + test (50,000 reviews)"


def write_csv(path: Path, X, y, repeat: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for _ in range(repeat):
            writer.writerows(zip(X, y, strict=True))
    return path


def peakmem_child(command) -> tuple[float, float]:
    """Run ``command`` in a fresh child; return its peak RSS (MB) and seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        what = " ".join(command[:4] if "-m" in command else command[:2])
        raise SystemExit(f"{what}... failed with status {child.returncode}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in KiB on Linux


def one_pass_command(model: Path, path: Path) -> list[str]:
    """The reference: the whole file in memory, one ``predict_proba`` call."""
    code = (
        "import io, sys, skops.io as sio\n"
        "from sklearn_charcnn.datasets import load_text_file\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "model = sio.load(io.BytesIO(data), trusted=sio.get_untrusted_types(data=data))\n"
        "docs = load_text_file(sys.argv[2], label_column=None).data\n"
        "model.predict_proba(docs)\n"
    )
    return [sys.executable, "-c", code, str(model), str(path)]


def measure(folder: Path, model: Path, X, y, repeats) -> dict:
    rows = {}
    for repeat in repeats:
        path = write_csv(folder / f"docs_{repeat}x.csv", X, y, repeat)
        n_docs = len(X) * repeat
        out = folder / "predictions.csv"
        predict = [sys.executable, "-m", "sklearn_charcnn", "predict", str(model)]
        predict += [str(path), "--output", str(out), "--quiet"]
        peak, seconds = peakmem_child(predict)
        with open(out, encoding="utf-8") as handle:
            assert sum(1 for _ in handle) == n_docs + 1  # a row per document
        reference_peak, reference_s = peakmem_child(one_pass_command(model, path))
        rows[f"{repeat}x"] = {
            "n_docs": n_docs,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "predict_peak_rss_mb": round(peak, 1),
            "predict_docs_per_s": round(n_docs / seconds),
            "one_pass_peak_rss_mb": round(reference_peak, 1),
            "one_pass_docs_per_s": round(n_docs / reference_s),
        }
        print(f"{repeat}x: {rows[f'{repeat}x']}", flush=True)
        path.unlink()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=4, help="the larger file's copies"
    )
    parser.add_argument("--data-home", type=Path, default=SHARED_DATA)
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    X, y, source = load_documents(args.smoke, args.data_home)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        step = max(1, len(X) // N_FIT)  # spread over the classes
        train = write_csv(folder / "train.csv", X[::step], y[::step], 1)
        model = folder / "model.skops"
        fit = [sys.executable, "-m", "sklearn_charcnn", "fit", "--input", str(train)]
        subprocess.run([*fit, *MODEL, "--output", str(model), "--quiet"], check=True)
        rows = measure(folder, model, X, y, (1, args.repeat))
    small, large = rows["1x"], rows[f"{args.repeat}x"]
    ratio = large["predict_peak_rss_mb"] / small["predict_peak_rss_mb"]
    reference = large["one_pass_peak_rss_mb"] / small["one_pass_peak_rss_mb"]
    load = os.getloadavg()[0]
    summary = [
        f"predict's peak RSS at {args.repeat}x / 1x: {ratio:.3f} "
        f"({small['predict_peak_rss_mb']:.0f} MB for {small['n_docs']:,} documents, "
        f"{large['predict_peak_rss_mb']:.0f} MB for {large['n_docs']:,}); "
        f"one pass: {reference:.2f} ({small['one_pass_peak_rss_mb']:.0f} MB, "
        f"{large['one_pass_peak_rss_mb']:.0f} MB)",
        f"predict: {small['predict_docs_per_s']:,} and "
        f"{large['predict_docs_per_s']:,} documents/s on a machine shared with "
        f"other jobs (load average {load:.1f} on {os.cpu_count()} cores at the end)",
    ]
    print("\n".join(summary))
    command = "python benchmarks/bench_predict_memory.py"
    if args.repeat != 4:
        command += f" --repeat {args.repeat}"
    write_result(
        "predict_memory",
        {
            "question": "Does `sklearn-charcnn predict` keep its peak memory flat "
            "as the file grows (4x the documents)?",
            "command": command,
            "summary": summary,
            "data": f"{source}, as a CSV (text, label), 1x and {args.repeat}x",
            "model": "sklearn-charcnn fit " + " ".join(MODEL) + f" on {N_FIT} reviews",
            "measure": "peak RSS of a fresh child process (os.wait4 ru_maxrss); "
            "documents/s over the child's wall time, start-up included",
            "chunk_size": 1000,
            "load_average_at_end": round(load, 2),
            "ratio_peak_rss": round(ratio, 3),
            "ratio_peak_rss_one_pass": round(reference, 3),
            "results": rows,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
