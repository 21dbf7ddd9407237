"""Does a char-CNN beat TF-IDF + logistic regression on IMDB (meant for a GPU)?

Data: the Large Movie Review Dataset's own split, 25,000 reviews to train on
and 25,000 to test on (``fetch_imdb``; the data home defaults to
``../shared/data`` when that folder exists). The models are those of
``sklearn-charcnn compare`` (``sklearn_charcnn.cli.make_models``), here with
the paper's ``max_length=1014``:

- ``char-cnn``: ``CharQuantizer(max_length=1014)`` + ``CharCNNClassifier``
  (small; 10% of the training reviews held out for validation);
- ``tfidf-word``: TF-IDF of word 1-2-grams + ``LogisticRegression``;
- ``tfidf-char``: TF-IDF of character 1-5-grams (``char_wb``) +
  ``LogisticRegression``.

The target is a char-CNN at or above the word TF-IDF baseline measured in
the same run. On a CPU the full run takes hours; ``--n-train``/``--n-test``
take stratified subsamples for a smoke run, which is written to
``accuracy_imdb_n<n_train>.json`` so it never replaces a full result. No
nltk data is needed unless ``--augment`` is given.

Run: ``python benchmarks/bench_accuracy_imdb.py [--device cuda] [--max-epochs N]``
     ``python benchmarks/bench_accuracy_imdb.py --n-train 500 --n-test 500 --max-epochs 1``
"""

from __future__ import annotations

import argparse

from _accuracy import add_model_options, command_line, run
from _common import SHARED_DATA, write_result
from sklearn.model_selection import train_test_split

from sklearn_charcnn.datasets import fetch_imdb


def subsample(X, y, n, seed):
    if n is None or n >= len(X):
        return X, y
    X, _, y, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    return X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_options(parser, max_length=1014, max_epochs=10, batch_size=128)
    parser.add_argument(
        "--data-home", default=str(SHARED_DATA) if SHARED_DATA.is_dir() else None
    )
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    args = parser.parse_args(argv)
    train = fetch_imdb("train", data_home=args.data_home)
    test = fetch_imdb("test", data_home=args.data_home)
    X_train, y_train = subsample(train.data, train.target, args.n_train, 0)
    X_test, y_test = subsample(test.data, test.target, args.n_test, 1)
    results, summary = run(args, X_train, y_train, X_test, y_test)
    name = "accuracy_imdb"
    if len(X_train) < len(train.data) or len(X_test) < len(test.data):
        name += f"_n{len(X_train)}"
    path = write_result(
        name,
        {
            "question": "char-CNN vs TF-IDF + LogisticRegression on IMDB",
            "command": command_line(argv),
            "data": "IMDB (Maas et al. 2011), official train/test split",
            "n_train": len(X_train),
            "n_test": len(X_test),
            "settings": {
                k: v for k, v in vars(args).items() if k not in ("quiet", "data_home")
            },
            **summary,
            "results": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
