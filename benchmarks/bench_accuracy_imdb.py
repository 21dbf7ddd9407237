"""Does a char-CNN beat TF-IDF + logistic regression on IMDB (meant for a GPU)?

The Large Movie Review Dataset's own split, 25,000 reviews to train on and
25,000 to test on (``fetch_imdb``; the data home defaults to
``../shared/data`` when that folder exists), given to the engine as one
predefined split; the char-CNN with the paper's ``max_length=1014`` and
minibatches of 128. ``--n-train`` / ``--n-test`` take stratified
subsamples for a quick run, written to ``accuracy_imdb_n<n_train>.json`` so
it never replaces a full result; ``--smoke`` compares the tiny char-CNN on
100 reviews of each split and writes no record.

The recorded CPU run (``results/accuracy_imdb.json``: its command, wall
time and per-epoch durations) reads the first 512 characters with the
default recipe's batch of 32, for 6 epochs.

Run: ``python benchmarks/bench_accuracy_imdb.py [--set device=cuda]``
     ``python benchmarks/bench_accuracy_imdb.py --models char-cnn,tfidf-word --set max_length=512 --set batch_size=32 --set max_epochs=6`` (CPU)
     ``python benchmarks/bench_accuracy_imdb.py --n-train 500 --n-test 500 --set max_epochs=1``
"""

from __future__ import annotations

import numpy as np
from _accuracy import parser, run
from _common import SHARED_DATA, SMOKE_DOCS

from sklearn_charcnn.compare import load_corpus, subsample


def main(argv=None):
    options = parser(__doc__.splitlines()[0], output="accuracy_imdb")
    options.add_argument(
        "--data-home", default=str(SHARED_DATA) if SHARED_DATA.is_dir() else None
    )
    options.add_argument("--n-train", type=int, default=None)
    options.add_argument("--n-test", type=int, default=None)
    args = options.parse_args(argv)
    if args.smoke:
        args.n_train = args.n_train or SMOKE_DOCS // 2
        args.n_test = args.n_test or SMOKE_DOCS // 2
    train = load_corpus("imdb", subset="train", data_home=args.data_home)
    test = load_corpus("imdb", subset="test", data_home=args.data_home)
    X_train, y_train = subsample(train.data, train.target, args.n_train, random_state=0)
    X_test, y_test = subsample(test.data, test.target, args.n_test, random_state=1)
    if len(X_train) < len(train.data) or len(X_test) < len(test.data):
        args.output += f"_n{len(X_train)}"
    n_train = len(X_train)
    run(
        args,
        argv,
        list(X_train) + list(X_test),
        np.concatenate([y_train, y_test]),
        question="char-CNN vs TF-IDF + logistic regression on IMDB",
        corpus_name="IMDB (Maas et al. 2011), official train/test split",
        charcnn={"max_length": 1014, "batch_size": 128},
        cv=[(np.arange(n_train), np.arange(n_train, n_train + len(X_test)))],
    )


if __name__ == "__main__":
    main()
