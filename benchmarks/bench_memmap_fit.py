"""Does ``fit`` on a memory-mapped code file run as fast as on an array in memory?

IMDB's 25,000 training reviews (``fetch_imdb``, from ``../shared/data``;
``--repeat k`` streams them k times for a larger corpus) are encoded chunk by
chunk into a ``.npy`` file with ``CharQuantizer.transform_to_file``. The same
:class:`~sklearn_charcnn.CharCNNClassifier` (same settings and seed) is then
fitted on that file twice, each time in a fresh child process:

- ``memmap``: ``np.load(path, mmap_mode="r")``, the codes read from the
  file's pages as batches need them;
- ``in memory``: ``np.load(path)``, the whole array read into memory first.

For each it reports the documents trained per second (wall time of ``fit``
alone, and process CPU time), the child's peak resident set size
(``os.wait4``), its anonymous and file-backed resident memory when ``fit``
returns (``/proc/self/status``: a memmap's pages count as file-backed, which
the system may drop and read again) and, in a second child, the peak of the
memory numpy and Python allocate during ``fit`` (:mod:`tracemalloc`). Both
models must predict the same probabilities for the first 1,000 rows.

``--smoke`` fits a tiny network on 200 AG News articles and writes no record.

Run: ``python benchmarks/bench_memmap_fit.py [--repeat 1] [--max-length 1014]
[--epochs 1]``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from _common import (
    SHARED_DATA,
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    SMOKE_NETWORK,
    add_smoke_option,
    write_result,
)
from bench_predict_memory import peakmem_child

from sklearn_charcnn import CharCNNClassifier, CharQuantizer

MODES = {"memmap": "r", "in memory": None}
N_CHECK = 1000


def load_documents(smoke: bool, data_home: Path):
    """Return the documents, their labels, and the data's description."""
    if smoke:
        from sklearn_charcnn.datasets import load_ag_news

        X, y = load_ag_news(return_X_y=True)
        return list(X[:SMOKE_DOCS]), np.asarray(y[:SMOKE_DOCS]), "AG News (embedded)"
    from sklearn_charcnn.datasets import fetch_imdb

    X, y = fetch_imdb("train", data_home=data_home, return_X_y=True)
    return list(X), np.asarray(y), "IMDB train (25,000 reviews)"


def resident_mb() -> dict:
    """Anonymous and file-backed resident memory of this process, in MB (Linux)."""
    status = Path("/proc/self/status")
    if not status.is_file():
        return {}
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
    return {
        f"{key.lower()}_mb": round(int(fields[key].split()[0]) / 1024, 1)
        for key in ("RssAnon", "RssFile")
        if key in fields
    }


def child(args) -> None:
    """Fit once on the folder's codes; write what was measured there."""
    folder = Path(args.folder)
    X = np.load(folder / "codes.npy", mmap_mode=MODES[args.child])
    y = np.load(folder / "labels.npy")
    settings = json.loads(args.settings)
    # First use of torch and skorch (imports, kernels), measured by neither:
    # a fit on 64 rows spread over the corpus (IMDB is sorted by label).
    spread = np.linspace(0, len(X) - 1, 64).astype(np.int64)
    CharCNNClassifier(**settings).fit(X[spread], y[spread])
    clf = CharCNNClassifier(**settings)
    if args.trace:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    clf.fit(X, y)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if args.trace:
        peak = tracemalloc.get_traced_memory()[1] - before
        result = {"numpy_python_peak_mb": round(peak / 1e6, 1)}
    else:
        result = {"fit_wall_s": wall, "fit_cpu_s": cpu, **resident_mb()}
        np.save(folder / f"{args.child}_proba.npy", clf.predict_proba(X[:N_CHECK]))
    kind = "trace" if args.trace else "time"
    (folder / f"{args.child}_{kind}.json").write_text(json.dumps(result))


def run_child(folder: Path, mode: str, settings: dict, trace: bool) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--folder", str(folder)]
    command += ["--settings", json.dumps(settings)] + (["--trace"] if trace else [])
    peak, _ = peakmem_child(command)
    kind = "trace" if trace else "time"
    result = json.loads((folder / f"{mode}_{kind}.json").read_text())
    return result if trace else {"peak_rss_mb": round(peak, 1), **result}


def measure(folder: Path, settings: dict, n_docs: int, epochs: int) -> dict:
    rows = {}
    for mode in MODES:
        row = run_child(folder, mode, settings, trace=False)
        row.update(run_child(folder, mode, settings, trace=True))
        row["docs_per_s"] = round(n_docs * epochs / row["fit_wall_s"], 1)
        row["docs_per_cpu_s"] = round(n_docs * epochs / row["fit_cpu_s"], 1)
        print(f"{mode}: {row}", flush=True)
        rows[mode] = row
    probas = [np.load(folder / f"{mode}_proba.npy") for mode in MODES]
    rows["max_abs_proba_difference"] = float(np.abs(probas[0] - probas[1]).max())
    return rows


def summarize(rows, n_docs, codes_mb, source) -> list[str]:
    memmap, memory = rows["memmap"], rows["in memory"]
    load = os.getloadavg()[0]
    same = rows["max_abs_proba_difference"] == 0
    return [
        f"{source}, {n_docs:,} documents, codes {codes_mb:.1f} MB: fit on the "
        f"memmap trains {memmap['docs_per_s']:,.1f} documents/s against "
        f"{memory['docs_per_s']:,.1f} in memory (ratio "
        f"{memmap['docs_per_s'] / memory['docs_per_s']:.3f}; process CPU "
        f"{memmap['docs_per_cpu_s'] / memory['docs_per_cpu_s']:.3f}), on a "
        f"machine shared with other jobs (load average {load:.1f} on "
        f"{os.cpu_count()} cores at the end)",
        f"peak RSS {memmap['peak_rss_mb']:.0f} MB (memmap) against "
        f"{memory['peak_rss_mb']:.0f} MB (in memory), the memmap's pages "
        "included; numpy and Python allocations during fit peak at "
        f"{memmap['numpy_python_peak_mb']:.1f} MB and "
        f"{memory['numpy_python_peak_mb']:.1f} MB",
        "the two models predict "
        + ("identical probabilities" if same else "different probabilities")
        + f" (largest difference {rows['max_abs_proba_difference']:.2g})",
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus")
    parser.add_argument("--max-length", type=int, default=1014)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--data-home", type=Path, default=SHARED_DATA)
    add_smoke_option(parser)
    # One fit of the measurement, in a child process (internal).
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        return child(args)
    if args.smoke:
        args.repeat, args.epochs = 1, 1
        args.max_length = SMOKE_CHARCNN["max_length"]
    X, y, source = load_documents(args.smoke, args.data_home)
    settings = {"max_epochs": args.epochs, "batch_size": 128, "random_state": 0}
    settings["device"] = args.device
    settings.update(SMOKE_NETWORK if args.smoke else {})
    quantizer = CharQuantizer(max_length=args.max_length).fit([])
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        documents = itertools.chain.from_iterable(itertools.repeat(X, args.repeat))
        codes = quantizer.transform_to_file(documents, folder / "codes.npy")
        np.save(folder / "labels.npy", np.tile(y, args.repeat))
        n_docs, codes_mb = len(codes), codes.nbytes / 1e6
        del codes, X
        rows = measure(folder, settings, n_docs, args.epochs)
    if args.repeat > 1:
        source += f", {args.repeat} times"
    summary = summarize(rows, n_docs, codes_mb, source)
    print("\n".join(summary))
    write_result(
        "memmap_fit_imdb",
        {
            "question": "Does CharCNNClassifier.fit on a memory-mapped code file "
            "(CharQuantizer.transform_to_file) train as fast as on an array in "
            "memory, with less memory?",
            "summary": summary,
            "data": f"{source}, encoded with CharQuantizer(max_length="
            f"{args.max_length}).transform_to_file",
            "settings": {**settings, "max_length": args.max_length},
            "measure": "one fit per fresh child process: documents/s over the "
            "wall (and process CPU) time of fit; peak RSS of the child "
            "(os.wait4 ru_maxrss); RssAnon/RssFile when fit returns; in a "
            "second child, the tracemalloc peak during fit",
            "n_docs": n_docs,
            "codes_mb": round(codes_mb, 1),
            "results": rows,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
