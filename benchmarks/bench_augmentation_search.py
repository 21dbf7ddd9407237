"""Which augmentation should the char-CNN use, chosen without looking at the test set?

Data: the AG News split of ``compare`` (the 7,600 embedded articles, 80/20
stratified, ``random_state=0``). A ``GridSearchCV`` over the plain
scikit-learn pipeline

    ThesaurusAugmenter(n_copies=...) -> CharQuantizer(max_length=256)
    -> CharCNNClassifier(random_state=0)

chooses the augmentation on the 6,080 training articles only: the copies are
made inside each training fold (never from a validation fold's articles), the
classifier's own validation split keeps each copy with its original, and
every score is computed on original text. The candidates:

- ``n_copies=0``: no augmentation;
- ``n_copies=2``: the originals and two augmented copies, every epoch;
- ``n_copies=4, per_epoch=True``: the originals and one of four copies per
  epoch, a different one each epoch (the paper's fresh synonyms per epoch).

Validation: one stratified 80/20 split of the training articles
(``--folds`` for more; each fold multiplies the cost). The best candidate is
refitted on all training articles and scored on the 1,520 test articles,
beside the tuned TF-IDF + logistic regression baseline (word 1-2-grams,
``sublinear_tf``, ``min_df=2``, ``C`` chosen by 5-fold CV on the training
articles).

Run: ``python benchmarks/bench_augmentation_search.py`` (about an hour on 2
CPU cores; WordNet for nltk must be findable, see ``NLTK_DATA``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import find_wordnet, write_result
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    StratifiedShuffleSplit,
    train_test_split,
)
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer, ThesaurusAugmenter
from sklearn_charcnn.datasets import load_ag_news

NAME = "augmentation_search_ag"
GRID = [
    {"thesaurusaugmenter__n_copies": [0, 2]},
    {"thesaurusaugmenter__n_copies": [4], "thesaurusaugmenter__per_epoch": [True]},
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=1)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--max-epochs", type=int, default=10)
    args = parser.parse_args(argv)
    find_wordnet()

    X, y = load_ag_news(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    model = make_pipeline(
        ThesaurusAugmenter(random_state=0),
        CharQuantizer(max_length=args.max_length),
        CharCNNClassifier(max_epochs=args.max_epochs, random_state=0),
    )
    cv = (
        StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
        if args.folds == 1
        else StratifiedKFold(args.folds, shuffle=True, random_state=0)
    )
    search = GridSearchCV(model, GRID, cv=cv, refit=False, verbose=2)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_seconds = time.perf_counter() - start
    candidates = [
        {
            "params": {k.split("__")[1]: v for k, v in params.items()},
            "cv_accuracy": float(score),
            "fit_seconds": float(fit_time),
        }
        for params, score, fit_time in zip(
            search.cv_results_["params"],
            search.cv_results_["mean_test_score"],
            search.cv_results_["mean_fit_time"],
            strict=True,
        )
    ]
    best = candidates[int(np.argmax([c["cv_accuracy"] for c in candidates]))]
    for candidate in candidates:
        print(candidate)

    model.set_params(
        **{f"thesaurusaugmenter__{k}": v for k, v in best["params"].items()}
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    predicted = model.predict(X_test)
    charcnn = {
        "accuracy": accuracy_score(y_test, predicted),
        "macro_f1": f1_score(y_test, predicted, average="macro"),
        "fit_seconds": fit_seconds,
        "epochs": len(model[-1].history_),
    }

    baseline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegressionCV(Cs=[1, 3, 10, 30], cv=5, max_iter=2000),
    ).fit(X_train, y_train)
    tfidf = {
        "accuracy": accuracy_score(y_test, baseline.predict(X_test)),
        "C": float(baseline[-1].C_[0]),
    }
    summary = (
        f"grid search on the training split chose {best['params']} "
        f"(validation accuracy {best['cv_accuracy']:.4f}); refitted, test accuracy "
        f"{charcnn['accuracy']:.4f} (fit {charcnn['fit_seconds']:.0f} s) against "
        f"tuned TF-IDF + LR {tfidf['accuracy']:.4f}"
    )
    print(summary)
    write_result(
        NAME,
        {
            "question": __doc__.splitlines()[0],
            "data": "AG News (embedded), 6,080 train / 1,520 test, stratified, random_state=0",
            "command": "python benchmarks/bench_augmentation_search.py",
            "max_length": args.max_length,
            "max_epochs": args.max_epochs,
            "validation": cv.__class__.__name__,
            "search_seconds": search_seconds,
            "candidates": candidates,
            "best": best,
            "char_cnn": charcnn,
            "tfidf_word_tuned": tfidf,
            "summary": summary,
        },
    )


if __name__ == "__main__":
    main()
