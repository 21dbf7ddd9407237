"""Does CharCNNClassifier learn AG News with its default settings?

Data: the 7,600 AG News test articles in ``../shared/data/ag_news``
(text = title + " " + description), split 80/20 stratified with
``random_state=0``: 6,080 documents to train on, 1,520 to test on.

Model: ``make_pipeline(CharQuantizer(max_length=256),
CharCNNClassifier(max_epochs=N, random_state=0))`` with every other setting
at its default (the "default" recipe: 10% of the training documents held
out for early stopping). Reference in the same run: TF-IDF of word
1-2-grams + ``LogisticRegression``. Prints both accuracies, their ratio,
the fit time and the per-epoch validation accuracy.

``--no-batch-norm`` trains the same recipe without its batch normalisation
(written to ``classifier_ag_no_batch_norm.json``), to measure what it buys.

Run: ``python benchmarks/bench_accuracy_ag_defaults.py [--max-epochs N]
[--no-batch-norm]``
"""

from __future__ import annotations

import argparse
import csv
import lzma
import time

import torch
from _accuracy import command_line
from _common import SHARED_DATA, write_result
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer


def load_ag_news():
    path = SHARED_DATA / "ag_news" / "test.csv.xz"
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [f"{title} {text}" for _, title, text in rows], [int(r[0]) for r in rows]


def summarize(result: dict) -> list[str]:
    """The README line of a result: both accuracies, the fit, the ratio."""
    return [
        f"char-CNN accuracy {result['accuracy']:.4f} (fit {result['fit_s']:.0f} s, "
        f"{result['epochs_run']} epochs) vs TF-IDF + LR "
        f"{result['tfidf_lr_accuracy']:.4f}, ratio "
        f"{result['accuracy_ratio_charcnn_over_tfidf']:.3f}"
    ]


def fit_and_score(model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    return model.score(X_test, y_test), fit_s


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--verbose", type=int, default=1)
    parser.add_argument("--no-batch-norm", action="store_true")
    parser.add_argument("--output", default=None, help="result name (JSON)")
    args = parser.parse_args()

    X, y = load_ag_news()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    charcnn = make_pipeline(
        CharQuantizer(max_length=args.max_length),
        CharCNNClassifier(
            max_epochs=args.max_epochs,
            device=args.device,
            random_state=0,
            **({"batch_norm": False} if args.no_batch_norm else {}),
            verbose=args.verbose,
        ),
    )
    accuracy, fit_s = fit_and_score(charcnn, X_train, y_train, X_test, y_test)
    tfidf = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(max_iter=1000),
    )
    tfidf_accuracy, tfidf_fit_s = fit_and_score(tfidf, X_train, y_train, X_test, y_test)

    clf = charcnn[-1]
    history = clf.history_
    ratio = accuracy / tfidf_accuracy
    print(f"char-CNN accuracy {accuracy:.4f}  fit {fit_s:.1f} s  epochs {len(history)}")
    print(f"TF-IDF+LR accuracy {tfidf_accuracy:.4f}  fit {tfidf_fit_s:.1f} s")
    print(f"char-CNN / TF-IDF accuracy = {ratio:.3f}")
    result = {
        "question": "accuracy of the default CharCNNClassifier on the AG News "
        "6,080/1,520 split, against TF-IDF + logistic regression",
        "command": command_line(None),
        "device": clf.device_,
        "settings": {
            "max_length": args.max_length,
            "params": {
                k: v
                for k, v in clf.get_params().items()
                if isinstance(v, (int, float, str, bool, type(None)))
            },
            "n_train": len(X_train),
            "n_test": len(X_test),
        },
        "accuracy": accuracy,
        "fit_s": fit_s,
        "epochs_run": len(history),
        "best_epoch_valid_acc": max(history[:, "valid_acc"]),
        "history": {
            key: history[:, key]
            for key in ("train_loss", "valid_loss", "valid_acc", "dur")
        },
        "tfidf_lr_accuracy": tfidf_accuracy,
        "tfidf_lr_fit_s": tfidf_fit_s,
        "accuracy_ratio_charcnn_over_tfidf": ratio,
        "torch_threads": torch.get_num_threads(),
    }
    result["summary"] = summarize(result)
    path = write_result(
        args.output
        or (
            "classifier_ag_no_batch_norm"
            if args.no_batch_norm
            else "classifier_ag_defaults"
        ),
        result,
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
