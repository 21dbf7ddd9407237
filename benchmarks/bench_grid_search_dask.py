"""Does a char-CNN grid search run faster on a Dask cluster, with the same scores?

``GridSearchCV`` over 4 learning rates x 3 stratified folds of

    CharQuantizer(max_length=256) -> CharCNNClassifier(size="small",
    max_epochs=2, validation_fraction=0, random_state=0)

on a fixed AG News subset (``--n-docs`` of the 7,600 embedded articles,
stratified, ``random_state=0``), in one run:

- ``sequential``: ``n_jobs=None``, in this process, with PyTorch's default
  threads (one per core);
- ``sequential_1_thread``: the same on one PyTorch thread, the reference
  for the scores (another thread count sums floats in another order) and a
  second reference for the time;
- ``loky``: ``n_jobs=2``, joblib's process pool; joblib gives each of its
  workers cores // 2 threads;
- ``dask``: a ``LocalCluster`` of 2 worker processes x 1 thread on
  127.0.0.1, through :class:`sklearn_charcnn.parallel.DaskBackend`; Dask's
  nanny gives each worker one PyTorch thread (``OMP_NUM_THREADS`` and
  ``MKL_NUM_THREADS`` set to 1); the cluster is started with the nanny's
  ``MALLOC_TRIM_THRESHOLD_`` unset, as the user guide recommends.

Before timing, each pool is started and imports torch (its start time is
reported apart: a cluster outlives one search). The script prints wall
seconds per search, the speed-ups, the torch threads of each way's workers,
and whether every split's accuracy and log-loss equal the reference's.

Run: ``python benchmarks/bench_grid_search_dask.py --max-epochs 4``
(fewer epochs leave the small network at chance level on 800 training
articles); ``--n-docs 600`` for a quicker run. Speed-ups are only
meaningful on an otherwise idle machine: the load average at start and end
is recorded with the result. ``--smoke`` runs the four ways on 200 articles,
2 learning rates x 2 folds of a tiny network, and writes no record.
"""

from __future__ import annotations

import argparse
import os
import time

import joblib
import numpy as np
from _common import (
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    SMOKE_NETWORK,
    add_smoke_option,
    command_line,
    write_result,
)
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.compare import load_corpus, subsample

NAME = "grid_search_dask"
GRID = {"charcnnclassifier__lr": [2.5e-4, 5e-4, 1e-3, 2e-3]}
SCORING = ("accuracy", "neg_log_loss")
WAYS = ("sequential", "sequential_1_thread", "loky", "dask")
# Scores are compared with the sequential search on one thread, the workers'
# thread count: another count sums floats in another order.
REFERENCE = "sequential_1_thread"


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def make_search(args):
    model = make_pipeline(
        CharQuantizer(max_length=args.max_length),
        CharCNNClassifier(
            size="small",
            max_epochs=args.max_epochs,
            validation_fraction=0,
            random_state=0,
            **(SMOKE_NETWORK if args.smoke else {}),
        ),
    )
    grid = {key: values[:2] for key, values in GRID.items()} if args.smoke else GRID
    return GridSearchCV(
        model,
        grid,
        cv=StratifiedKFold(args.folds, shuffle=True, random_state=0),
        scoring=SCORING,
        refit=False,
    )


def split_scores(search, metric):
    """Array of shape (n_candidates, n_splits) of one metric's test scores."""
    results = search.cv_results_
    n_splits = sum(
        key.startswith("split") and key.endswith(f"_test_{metric}") for key in results
    )
    return np.column_stack(
        [results[f"split{i}_test_{metric}"] for i in range(n_splits)]
    )


def timed_fit(search, X, y):
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start


def run_sequential(args, X, y):
    search = make_search(args)
    seconds = timed_fit(search, X, y)
    return search, seconds, {"start_seconds": 0.0, "torch_threads": [torch_threads()]}


def run_sequential_one_thread(args, X, y):
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        search, seconds, info = run_sequential(args, X, y)
    finally:
        torch.set_num_threads(threads)
    return search, seconds, {**info, "torch_threads": [1]}


def run_loky(args, X, y):
    start = time.perf_counter()
    threads = joblib.Parallel(n_jobs=args.workers)(
        joblib.delayed(torch_threads)() for _ in range(args.workers)
    )
    started = time.perf_counter() - start
    search = make_search(args).set_params(n_jobs=args.workers)
    seconds = timed_fit(search, X, y)
    return search, seconds, {"start_seconds": started, "torch_threads": threads}


TRIM_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def run_dask(args, X, y):
    import dask
    from distributed import Client, LocalCluster

    from sklearn_charcnn.parallel import DaskBackend, describe_workers

    start = time.perf_counter()
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which makes
    # glibc map and unmap every large tensor and slows training; None leaves
    # it unset.
    with dask.config.set({TRIM_SETTING: None}):
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    client = Client(cluster)
    workers = describe_workers(client)  # imports torch on every worker
    started = time.perf_counter() - start
    try:
        search = make_search(args)
        with joblib.parallel_config(backend=DaskBackend(client=client)):
            seconds = timed_fit(search, X, y)
    finally:
        client.close()
        cluster.close()
    threads = [worker["torch_threads"] for worker in workers.values()]
    return search, seconds, {"start_seconds": started, "torch_threads": threads}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=1200)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--max-epochs", type=int, default=2)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=None, help="result name (JSON)")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_docs, args.folds = SMOKE_DOCS, 2
        args.max_length = SMOKE_CHARCNN["max_length"]
        args.max_epochs = SMOKE_CHARCNN["max_epochs"]

    corpus = load_corpus()
    X, y = subsample(corpus.data, corpus.target, args.n_docs, random_state=0)
    load_start = os.getloadavg()
    runs = {}
    ways_to_run = (run_sequential, run_sequential_one_thread, run_loky, run_dask)
    for way, run in zip(WAYS, ways_to_run, strict=True):
        search, seconds, info = run(args, X, y)
        runs[way] = {"search_seconds": seconds, **info, "search": search}
        print(
            f"{way:19s} {seconds:8.1f} s  (pool start {info['start_seconds']:.1f} s,"
            f" torch threads per worker {info['torch_threads']})",
            flush=True,
        )
    load_end = os.getloadavg()

    reference = runs[REFERENCE]["search"]
    accuracy = split_scores(reference, "accuracy")
    log_loss = split_scores(reference, "neg_log_loss")
    ways = {}
    for way, run in runs.items():
        search = run.pop("search")
        same_accuracy = bool(np.array_equal(split_scores(search, "accuracy"), accuracy))
        same_log_loss = bool(
            np.array_equal(split_scores(search, "neg_log_loss"), log_loss)
        )
        log_loss_diff = float(
            np.max(np.abs(split_scores(search, "neg_log_loss") - log_loss))
        )
        ways[way] = {
            **run,
            "speedup_over_sequential": runs["sequential"]["search_seconds"]
            / run["search_seconds"],
            "speedup_over_sequential_1_thread": runs[REFERENCE]["search_seconds"]
            / run["search_seconds"],
            f"accuracy_identical_to_{REFERENCE}": same_accuracy,
            f"log_loss_identical_to_{REFERENCE}": same_log_loss,
            f"max_abs_log_loss_difference_to_{REFERENCE}": log_loss_diff,
            "split_accuracy": split_scores(search, "accuracy").tolist(),
            "split_neg_log_loss": split_scores(search, "neg_log_loss").tolist(),
            "mean_fit_seconds": search.cv_results_["mean_fit_time"].tolist(),
        }
    for way, row in ways.items():
        print(
            f"{way:19s} speed-up {row['speedup_over_sequential']:5.2f} "
            f"(over 1 thread {row['speedup_over_sequential_1_thread']:5.2f})  "
            f"scores identical to {REFERENCE}: accuracy "
            f"{row[f'accuracy_identical_to_{REFERENCE}']}, log-loss "
            f"{row[f'log_loss_identical_to_{REFERENCE}']} (max difference "
            f"{row[f'max_abs_log_loss_difference_to_{REFERENCE}']:.2e})"
        )
    print("split accuracy (candidates x folds):")
    print(accuracy)

    n_candidates = len(ways[REFERENCE]["mean_fit_seconds"])
    parallel_identical = all(
        ways[way][f"log_loss_identical_to_{REFERENCE}"]
        and ways[way][f"accuracy_identical_to_{REFERENCE}"]
        for way in ("loky", "dask")
    )
    summary = (
        f"GridSearchCV, {n_candidates} candidates x {args.folds} folds "
        f"({n_candidates * args.folds} fits) of the small char-CNN, "
        f"max_length={args.max_length}, {args.max_epochs} epochs, {args.n_docs} AG "
        f"News articles: sequential {ways['sequential']['search_seconds']:.0f} s "
        f"(torch default threads), sequential on 1 thread "
        f"{ways[REFERENCE]['search_seconds']:.0f} s; loky n_jobs={args.workers} "
        f"{ways['loky']['search_seconds']:.0f} s "
        f"({ways['loky']['speedup_over_sequential']:.2f}x sequential, "
        f"{ways['loky']['speedup_over_sequential_1_thread']:.2f}x 1 thread); Dask "
        f"LocalCluster {args.workers} workers x 1 thread "
        f"{ways['dask']['search_seconds']:.0f} s "
        f"({ways['dask']['speedup_over_sequential']:.2f}x, "
        f"{ways['dask']['speedup_over_sequential_1_thread']:.2f}x). loky and Dask: "
        + (
            "every split's accuracy and log-loss identical to the sequential search "
            "on 1 thread"
            if parallel_identical
            else "split scores NOT identical to the sequential search on 1 thread"
        )
        + "; the sequential search on the default threads differs in log-loss by "
        f"up to {ways['sequential'][f'max_abs_log_loss_difference_to_{REFERENCE}']:.1e}"
        f". Load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end."
    )
    print(summary)
    write_result(
        args.output or NAME,
        {
            "question": "Wall time of a char-CNN GridSearchCV run sequentially, "
            "with loky n_jobs=2 and on a 2-worker Dask LocalCluster, and whether "
            "the scores are identical",
            "reference": REFERENCE,
            "command": command_line(argv),
            "settings": {
                k: v for k, v in vars(args).items() if k not in ("output", "smoke")
            },
            "grid": GRID,
            "load_average_start": load_start,
            "load_average_end": load_end,
            "ways": ways,
            "summary": summary,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
