"""Does a char-CNN beat TF-IDF + logistic regression on AG News, on a CPU?

Data: the 7,600 AG News test articles shipped with the package (4 balanced
topics), split 80/20 stratified with ``random_state=0``: 6,080 documents to
train on, 1,520 to test on. This is the split of ``sklearn-charcnn compare``
with its defaults, and the models are built by the same code
(``sklearn_charcnn.cli.make_models``):

- ``char-cnn``: ``CharQuantizer(max_length=256)`` + ``CharCNNClassifier``
  (small, 10 epochs, the recipe's batch size; 10% of the training documents held out
  for validation and early stopping);
- ``tfidf-word``: TF-IDF of word 1-2-grams + ``LogisticRegression``;
- ``tfidf-char``: TF-IDF of character 1-5-grams (``char_wb``) +
  ``LogisticRegression``.

Reports accuracy, macro-F1, fit and predict seconds, and the ratio of the
char-CNN's accuracy to each baseline's. The paper trains on 120,000
articles; with 6,080 the char-CNN is expected to trail the baselines, and
this benchmark measures by how much.

Run: ``python benchmarks/bench_accuracy_ag.py [--max-epochs N] [--max-length L]``
"""

from __future__ import annotations

import argparse

from _accuracy import add_model_options, command_line, run
from _common import write_result
from sklearn.model_selection import train_test_split

from sklearn_charcnn.cli import DEFAULTS
from sklearn_charcnn.datasets import load_ag_news


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_options(
        parser,
        max_length=DEFAULTS["max_length"],
        max_epochs=DEFAULTS["max_epochs"],
        batch_size=DEFAULTS["batch_size"],
    )
    parser.add_argument("--test-size", type=float, default=0.2)
    args = parser.parse_args(argv)
    X, y = load_ag_news(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=args.test_size, stratify=y, random_state=args.random_state
    )
    results, summary = run(args, X_train, y_train, X_test, y_test)
    path = write_result(
        "accuracy_ag",
        {
            "question": "char-CNN vs TF-IDF + LogisticRegression on AG News (CPU)",
            "command": command_line(argv),
            "data": "AG News test split (embedded), 80/20 stratified split",
            "n_train": len(X_train),
            "n_test": len(X_test),
            "settings": {k: v for k, v in vars(args).items() if k != "quiet"},
            **summary,
            "results": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
