"""Which augmentation should the char-CNN use, chosen without looking at the test set?

Data: the AG News split of ``compare`` (the 7,600 embedded articles, 80/20
stratified, ``random_state=0``: :func:`~sklearn_charcnn.compare.split_indices`).
A ``GridSearchCV`` over ``compare``'s char-CNN pipeline with augmentation
(:func:`~sklearn_charcnn.compare.make_models`)

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
(``--folds`` for stratified folds; each fold multiplies the cost). The best
candidate and the tuned TF-IDF + logistic regression baseline of ``compare``
(word 1-2-grams, ``sublinear_tf``, ``min_df=2``, ``C`` chosen by 5-fold CV on
the training articles) are then fitted on all training articles and scored
on the 1,520 test articles by :func:`~sklearn_charcnn.compare.evaluate`,
with McNemar's test between them.

Run: ``python benchmarks/bench_augmentation_search.py`` (WordNet for nltk
must be findable, see ``NLTK_DATA``); the record's ``search_seconds`` says
how long the search took. ``--smoke`` searches with a tiny char-CNN on 200
articles and writes no record.
"""

from __future__ import annotations

import argparse
import time

from _common import (
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    add_smoke_option,
    command_line,
    find_wordnet,
    write_result,
)
from sklearn.model_selection import GridSearchCV

from sklearn_charcnn.compare import (
    evaluate,
    load_corpus,
    make_models,
    split_indices,
    subsample,
)

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
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    find_wordnet()

    corpus = load_corpus()
    X, y = corpus.data, corpus.target
    if args.smoke:
        X, y = subsample(X, y, SMOKE_DOCS, random_state=0)
    [(train, _)] = split_indices(y)
    X_train, y_train = [X[i] for i in train], y[train]
    charcnn = {"max_length": args.max_length, "max_epochs": args.max_epochs}
    model = make_models(
        ["char-cnn"],
        charcnn={**charcnn, **(SMOKE_CHARCNN if args.smoke else {})},
        augment=1,  # the grid sets the augmenter's n_copies and per_epoch
    )["char-cnn"]
    validation = split_indices(
        y_train, cv=None if args.folds == 1 else args.folds, random_state=0
    )
    search = GridSearchCV(model, GRID, cv=validation, refit=False, verbose=2)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_seconds = time.perf_counter() - start
    results = search.cv_results_
    candidates = [
        {
            "params": {k.split("__")[1]: v for k, v in params.items()},
            "cv_accuracy": float(score),
            "fit_seconds": float(fit_time),
        }
        for params, score, fit_time in zip(
            results["params"],
            results["mean_test_score"],
            results["mean_fit_time"],
            strict=True,
        )
    ]
    best = candidates[search.best_index_]
    for candidate in candidates:
        print(candidate)

    # The chosen augmentation and the tuned baseline on compare's split.
    model.set_params(**search.best_params_)
    baseline = make_models(["tfidf-word"])["tfidf-word"]
    comparison = evaluate(
        {"char-cnn": model, "tfidf-word": baseline}, X, y, test_curve=False
    )
    charcnn_row, tfidf_row = comparison["char-cnn"], comparison["tfidf-word"]
    summary = [
        f"grid search on the training split chose {best['params']} "
        f"(validation accuracy {best['cv_accuracy']:.4f}); fitted on the whole "
        f"training split, test accuracy {charcnn_row.accuracy:.4f} (fit "
        f"{charcnn_row.fit_s:.0f} s) against tuned TF-IDF + LR "
        f"{tfidf_row.accuracy:.4f}",
        *(test.summary() for test in comparison.paired_tests),
    ]
    print("\n".join(summary))
    write_result(
        NAME,
        {
            "question": __doc__.splitlines()[0],
            "data": f"{corpus.name}, {len(train):,} train / {len(y) - len(train):,} "
            "test, stratified, random_state=0",
            "command": command_line(argv),
            "max_length": args.max_length,
            "max_epochs": args.max_epochs,
            "validation": "one stratified 80/20 split of the training articles"
            if args.folds == 1
            else f"{args.folds} stratified folds of the training articles",
            "search_seconds": search_seconds,
            "candidates": candidates,
            "best": best,
            "char_cnn": {
                "accuracy": charcnn_row.accuracy,
                "macro_f1": charcnn_row.macro_f1,
                "fit_seconds": charcnn_row.fit_s,
                "epochs": charcnn_row.params["epochs_run"],
            },
            "tfidf_word_tuned": {
                "accuracy": tfidf_row.accuracy,
                "C": tfidf_row.params["C"],
            },
            "summary": summary,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
