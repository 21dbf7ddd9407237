"""Does ``partial_fit`` over 10 chunks learn what one ``fit`` learns, in the same time?

The AG News test split shipped with the package (``load_ag_news``, 7,600
articles, 4 topics), split 80/20 stratified with seed 0. The training part
is shuffled once and cut into 10 chunks. Two char-CNNs with the same
settings and seed (the default recipe, ``validation_fraction=0``: every
document trains, no early stopping) train for the same number of passes
over the data, ``--epochs``:

- ``fit``: one call with ``max_epochs=epochs`` (its warm-up then cosine
  schedule over all the steps);
- ``partial_fit``: ``epochs`` passes over the 10 chunks, one call per chunk
  (its warm-up over the first chunk, then the constant peak step size),
  the test accuracy taken after every pass.

It prints the test accuracy of both, their training time (wall and process
CPU; the scoring between passes is not counted) and the ratio of the times.
``--smoke`` runs 200 articles through a tiny network, one pass, and writes
no record.

Run: ``python benchmarks/bench_partial_fit.py [--epochs 10] [--max-length 1014]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import SMOKE_CHARCNN, SMOKE_DOCS, add_smoke_option, write_result
from sklearn.model_selection import train_test_split

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.compare import subsample
from sklearn_charcnn.datasets import load_ag_news

N_CHUNKS = 10


def load_codes(smoke: bool, max_length: int):
    """Return train and test codes and labels of the AG News test split."""
    X, y = load_ag_news(return_X_y=True)
    if smoke:
        X, y = subsample(X, y, SMOKE_DOCS, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    quantizer = CharQuantizer(max_length=max_length).fit([])
    return (
        quantizer.transform(X_train),
        np.asarray(y_train),
        (
            quantizer.transform(X_test),
            np.asarray(y_test),
        ),
    )


def timed(call) -> tuple[float, float]:
    """Run ``call``; return its wall and process CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_fit(params, X, y, test, epochs) -> dict:
    clf = CharCNNClassifier(**params, max_epochs=epochs)
    wall, cpu = timed(lambda: clf.fit(X, y))
    return {"wall_s": wall, "cpu_s": cpu, "test_accuracy": clf.score(*test)}


def run_partial_fit(params, X, y, test, epochs) -> dict:
    clf = CharCNNClassifier(**params)
    chunks = np.array_split(np.random.default_rng(0).permutation(len(X)), N_CHUNKS)
    classes = np.unique(y)
    wall = cpu = 0.0
    per_pass = []
    for _ in range(epochs):
        for rows in chunks:
            rows = np.sort(rows)
            seconds = timed(
                lambda rows=rows: clf.partial_fit(X[rows], y[rows], classes)
            )
            wall, cpu = wall + seconds[0], cpu + seconds[1]
        per_pass.append(clf.score(*test))
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "test_accuracy": per_pass[-1],
        "test_accuracy_per_pass": per_pass,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="passes over the data")
    parser.add_argument("--max-length", type=int, default=1014)
    parser.add_argument("--device", default="auto")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    network = {}
    if args.smoke:
        args.epochs, args.max_length = 1, SMOKE_CHARCNN["max_length"]
        network = {"n_filters": 8, "fc_width": 16}
    X, y, test = load_codes(args.smoke, args.max_length)
    params = {"validation_fraction": 0, "device": args.device, "random_state": 0}
    params.update(network)
    print(
        f"{len(X):,} training and {len(test[0]):,} test articles, {N_CHUNKS} "
        f"chunks, passes over the data: {args.epochs}",
        flush=True,
    )
    # First use of the network's kernels, timed by neither.
    CharCNNClassifier(**params, max_epochs=1).fit(X[:64], y[:64])
    results = {
        "fit": run_fit(params, X, y, test, args.epochs),
        "partial_fit": run_partial_fit(params, X, y, test, args.epochs),
    }
    for name, row in results.items():
        print(f"{name}: {row}", flush=True)
    fit, partial = results["fit"], results["partial_fit"]
    load = os.getloadavg()[0]
    summary = [
        f"AG News test split, {len(X):,} training articles, max_length="
        f"{args.max_length}, passes over the data: {args.epochs}; test accuracy "
        f"{partial['test_accuracy']:.3f} for partial_fit over {N_CHUNKS} chunks "
        f"against {fit['test_accuracy']:.3f} for one fit",
        f"training time partial_fit / fit: {partial['wall_s'] / fit['wall_s']:.2f} "
        f"wall ({partial['wall_s']:.0f} s against {fit['wall_s']:.0f} s), "
        f"{partial['cpu_s'] / fit['cpu_s']:.2f} process CPU, on a machine shared "
        f"with other jobs (load average {load:.1f} on {os.cpu_count()} cores at "
        "the end)",
    ]
    print("\n".join(summary))
    write_result(
        "partial_fit_ag",
        {
            "question": "Does partial_fit over 10 chunks learn what one fit with "
            "the same number of passes learns, in the same time?",
            "summary": summary,
            "data": "AG News test split (load_ag_news), 80/20 stratified, seed 0",
            "settings": {
                **params,
                "max_length": args.max_length,
                "epochs": args.epochs,
                "n_chunks": N_CHUNKS,
                "n_train": len(X),
                "n_test": len(test[0]),
            },
            "load_average_at_end": round(load, 2),
            "results": results,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
