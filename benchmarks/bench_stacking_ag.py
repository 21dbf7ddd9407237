"""Does the char-CNN add to TF-IDF + logistic regression on the AG News split?

Data: the split of ``compare`` (:func:`sklearn_charcnn.compare.load_corpus`,
the 7,600 embedded AG News articles, 80/20 stratified, ``random_state=0``:
6,080 to train on, 1,520 to test on), taken by the engine's own split
function. Four models are scored on the same test articles:

``tfidf-word``
    The tuned baseline exactly as :func:`~sklearn_charcnn.compare.make_models`
    builds it (word 1-2-grams, ``sublinear_tf``, ``min_df=2``, ``C`` chosen
    among 1, 3, 10, 30 by 5-fold CV on the training split).
``char-cnn``
    ``compare``'s default char-CNN pipeline (``max_length=256``, 10 epochs);
    with ``--augment-per-epoch N`` and ``--ensemble K``, what those options
    of ``compare`` build (one of N augmented copies per epoch; a soft vote of
    K such pipelines).
``soft-vote``
    ``VotingClassifier(voting="soft", weights=[1 - w, w])`` of the two:
    ``w``, the char-CNN's share, is chosen among 0, 0.05, ..., 1 on the
    training split only, by the mean accuracy over 5 stratified folds
    (:func:`~sklearn_charcnn.compare.split_indices` with ``cv=5``;
    ``--folds``) of the blended out-of-fold probabilities
    (``cross_val_predict(..., method="predict_proba")``, the same folds for
    both models). The voter holds the two models fitted on the whole
    training split as ``FrozenEstimator`` so it does not fit them again.
``stack``
    What ``StackingClassifier(estimators, final_estimator=LogisticRegression(),
    cv=those folds, stack_method="predict_proba")`` fits: a
    ``LogisticRegression()`` on the two models' out-of-fold probabilities,
    over the two fitted models. The out-of-fold probabilities are computed
    once and shared with ``soft-vote``, instead of fitting every char-CNN
    twice per fold; ``--check-stacking`` also fits the real
    ``StackingClassifier`` and records how far its test probabilities are
    from these.

The two base models are fitted and scored by
:func:`~sklearn_charcnn.compare.evaluate`; the blends' rows are scored by the
same pieces (:func:`~sklearn_charcnn.compare.fold_record`,
:func:`~sklearn_charcnn.compare.model_result`, a 95% bootstrap interval) and
tested against ``tfidf-word`` with McNemar's test
(:meth:`~sklearn_charcnn.compare.PairedTest.from_correct`). The record also
holds the weight's CV curve (and, for reading only, its test curve) and the
fit times. The blends' fit times include the out-of-fold fits of each model
and the two fits on the whole training split.

Run: ``python benchmarks/bench_stacking_ag.py`` (six char-CNN fits) writes
``results/stacking_ag.json``; ``--augment-per-epoch 4 --ensemble 5 --folds
3`` blends the vote of five augmented char-CNNs instead (twenty char-CNN
fits) and writes ``results/stacking_ag_pe4_vote5_f3.json``. Every option
names the result after itself (``--n-docs 400 --max-epochs 1`` writes
``stacking_ag_n400_e1.json``), so no run replaces another. Each record's
``wall_s`` says how long it took. ``--smoke`` runs every step, the check
included, on 200 articles with a tiny char-CNN and 2 folds, and writes no
record.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import (
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    add_smoke_option,
    command_line,
    write_result,
)
from sklearn.base import clone
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, cross_val_score

from sklearn_charcnn.compare import (
    FittedModel,
    PairedTest,
    charcnn_params,
    evaluate,
    fold_record,
    load_corpus,
    machine_info,
    make_models,
    model_result,
    split_indices,
    subsample,
)

NAME = "stacking_ag"
QUESTION = "Does the char-CNN add to TF-IDF + logistic regression on the AG News split?"
BASELINE, CHARCNN = "tfidf-word", "char-cnn"
N_FOLDS = 5
"""Folds of the out-of-fold probabilities, unless ``--folds`` says otherwise."""
WEIGHTS = np.round(np.linspace(0.0, 1.0, 21), 2)
"""The char-CNN's share in the soft vote, tried on the training split."""
RANDOM_STATE = 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=QUESTION)
    parser.add_argument(
        "--n-docs",
        type=int,
        default=None,
        help="a stratified subsample of this many articles (default: all 7,600)",
    )
    parser.add_argument(
        "--max-epochs", type=int, default=None, help="char-CNN epochs (default: 10)"
    )
    parser.add_argument(
        "--max-length", type=int, default=None, help="characters (default: 256)"
    )
    parser.add_argument(
        "--augment-per-epoch",
        type=int,
        default=None,
        metavar="N",
        help="the char-CNN of compare --augment-per-epoch N (needs WordNet)",
    )
    parser.add_argument(
        "--ensemble",
        type=int,
        default=None,
        metavar="K",
        help="the char-CNN of compare --ensemble K (a soft vote of K networks)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=None,
        help=f"folds of the out-of-fold probabilities (default: {N_FOLDS})",
    )
    parser.add_argument(
        "--check-stacking",
        action="store_true",
        help="also fit sklearn's StackingClassifier (six more char-CNN fits: "
        "one per fold and the refit) and record how far its test probabilities "
        "are from those of the shared out-of-fold version",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_docs, args.folds, args.check_stacking = SMOKE_DOCS, 2, True
    return args


def result_name(args) -> str:
    """``stacking_ag`` followed by every option given, e.g. ``_pe4_vote5_f3``."""
    return NAME + "".join(
        f"_{prefix}{value}"
        for prefix, value in (
            ("n", args.n_docs),
            ("e", args.max_epochs),
            ("l", args.max_length),
            ("pe", args.augment_per_epoch),
            ("vote", args.ensemble),
            ("f", args.folds),
        )
        if value is not None
    )


def stack_features(probabilities):
    """The final estimator's input, as ``StackingClassifier`` builds it.

    The models' probabilities side by side, in the estimators' order; with
    two classes only the second column of each (the first is redundant).
    """
    return np.hstack([p[:, 1:] if p.shape[1] == 2 else p for p in probabilities])


def out_of_fold(models, X_train, y_train, folds, log):
    """Each model's out-of-fold probabilities, seconds and per-fold accuracy."""
    classes = np.unique(y_train)  # the columns of predict_proba
    oof, seconds, accuracies = {}, {}, {}
    for name, model in models.items():
        log(f"{name}: out-of-fold probabilities, {len(folds)} folds")
        start = time.perf_counter()
        oof[name] = cross_val_predict(
            model, X_train, y_train, cv=folds, method="predict_proba"
        )
        seconds[name] = time.perf_counter() - start
        predicted = classes[oof[name].argmax(axis=1)]
        accuracies[name] = [
            float(np.mean(predicted[test] == y_train[test])) for _, test in folds
        ]
        log(
            f"{name}: out-of-fold accuracy {np.mean(accuracies[name]):.4f}, "
            f"{seconds[name]:.1f} s"
        )
    return oof, seconds, accuracies


def weight_curve(oof, y_train, folds) -> list[dict]:
    """The soft vote's CV accuracy for each char-CNN share ``w``."""
    classes = np.unique(y_train)
    curve = []
    for weight in WEIGHTS:
        blend = np.average(
            [oof[BASELINE], oof[CHARCNN]], axis=0, weights=[1 - weight, weight]
        )
        predicted = classes[blend.argmax(axis=1)]
        accuracies = [float(np.mean(predicted[f] == y_train[f])) for _, f in folds]
        curve.append(
            {
                "weight": float(weight),
                "cv_accuracy": float(np.mean(accuracies)),
                "cv_accuracy_std": float(np.std(accuracies)),
                "fold_accuracies": accuracies,
            }
        )
    return curve


def check_stacking(models, folds, X_train, y_train, X_test, ours, stack_pred, log):
    """Fit sklearn's StackingClassifier on the same folds; compare its output."""
    log("check: sklearn's StackingClassifier on the same folds")
    stacking = StackingClassifier(
        [(n, clone(m)) for n, m in models.items()],
        final_estimator=LogisticRegression(),
        cv=folds,
        stack_method="predict_proba",
    )
    start = time.perf_counter()
    stacking.fit(X_train, y_train)
    check = {
        "fit_s": time.perf_counter() - start,
        "max_abs_probability_difference": float(
            np.abs(ours - stacking.predict_proba(X_test)).max()
        ),
        "same_predictions": float(np.mean(stacking.predict(X_test) == stack_pred)),
    }
    log(f"check: {check}")
    return check


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    corpus = load_corpus()
    X, y, corpus_name = corpus.data, corpus.target, corpus.name
    if args.n_docs is not None and args.n_docs < len(X):
        X, y = subsample(X, y, args.n_docs, random_state=RANDOM_STATE)
        corpus_name += f", stratified subsample of {args.n_docs:,}"
    given = {"max_epochs": args.max_epochs, "max_length": args.max_length}
    charcnn = charcnn_params(
        {
            **(SMOKE_CHARCNN if args.smoke else {}),
            **{key: value for key, value in given.items() if value is not None},
        }
    )
    n_folds = args.folds or N_FOLDS
    models = make_models(
        [BASELINE, CHARCNN],
        charcnn=charcnn,
        augment=args.augment_per_epoch or 0,
        augment_per_epoch=args.augment_per_epoch is not None,
        ensemble=args.ensemble or 1,
        random_state=RANDOM_STATE,
    )

    # The base models on compare's split, fitted on its training part.
    comparison = evaluate(
        models,
        X,
        y,
        random_state=RANDOM_STATE,
        test_curve=False,
        epoch_lines=not args.quiet,
        log=log,
        reference=BASELINE,
        return_estimators=True,
    )
    fitted = {name: comparison.estimators[name][0] for name in models}
    [(train, test)] = split_indices(y, random_state=RANDOM_STATE)
    X_train, X_test = [X[i] for i in train], [X[i] for i in test]
    y_train, y_test = y[train], y[test]
    refit_s = comparison[BASELINE].fit_s + comparison[CHARCNN].fit_s

    # Out-of-fold probabilities on the training split, the same folds for both.
    folds = split_indices(y_train, cv=n_folds, random_state=RANDOM_STATE)
    oof, oof_s, oof_fold_accuracy = out_of_fold(models, X_train, y_train, folds, log)
    shared_s = sum(oof_s.values()) + refit_s

    # soft-vote: the weight by CV, then the fitted models frozen in a voter.
    start = time.perf_counter()
    curve = weight_curve(oof, y_train, folds)
    # The first best: on a tie, the smaller char-CNN share.
    chosen = max(curve, key=lambda point: point["cv_accuracy"])
    weight = chosen["weight"]
    voter = VotingClassifier(
        [(n, FrozenEstimator(m)) for n, m in fitted.items()],
        voting="soft",
        weights=[1 - weight, weight],
    ).fit(X_train, y_train)
    search_s = time.perf_counter() - start
    start = time.perf_counter()
    vote_pred = voter.predict(X_test)
    vote_predict_s = time.perf_counter() - start

    # stack: StackingClassifier's final estimator, on the shared OOF inputs.
    start = time.perf_counter()
    features = stack_features([oof[BASELINE], oof[CHARCNN]])
    final = LogisticRegression().fit(features, y_train)
    final_s = time.perf_counter() - start
    stack_cv = cross_val_score(LogisticRegression(), features, y_train, cv=folds)
    start = time.perf_counter()
    test_probabilities = [m.predict_proba(X_test) for m in fitted.values()]
    stack_pred = final.predict(stack_features(test_probabilities))
    stack_predict_s = time.perf_counter() - start

    # The weight's curve on the test split, for reading only (never chosen on).
    classes = np.unique(y_train)
    for point in curve:
        blend = np.average(
            test_probabilities, axis=0, weights=[1 - point["weight"], point["weight"]]
        )
        point["test_accuracy"] = float(np.mean(classes[blend.argmax(1)] == y_test))

    # Each blend: its test predictions, fit and predict seconds, and choice,
    # scored and tested against the baseline as evaluate scores its rows.
    blends = {
        "soft-vote": (
            vote_pred,
            shared_s + search_s,
            vote_predict_s,
            {"weight": weight},
        ),
        "stack": (stack_pred, shared_s + final_s, stack_predict_s, {}),
    }
    baseline_correct = fitted[BASELINE].predict(X_test) == y_test
    device = comparison[CHARCNN].device
    for row_name, (predicted, fit_s, predict_s, params) in blends.items():
        blend = FittedModel(row_name, None, predicted, fit_s, predict_s, device, params)
        fold = fold_record(blend, y_test, len(y_train))
        comparison.models.append(
            model_result(row_name, [fold], predicted == y_test, device)
        )
        comparison.paired_tests.append(
            PairedTest.from_correct(
                BASELINE, row_name, baseline_correct, predicted == y_test
            )
        )

    check = None
    if args.check_stacking:
        ours = final.predict_proba(stack_features(test_probabilities))
        check = check_stacking(
            models, folds, X_train, y_train, X_test, ours, stack_pred, log
        )

    best_test = max(curve, key=lambda point: point["test_accuracy"])
    comparison.notes = [
        *comparison.notes,
        f"soft-vote: (1 - w) x {BASELINE} + w x {CHARCNN} probabilities, w chosen "
        f"among 0, 0.05, ..., 1 by the mean accuracy of out-of-fold probabilities "
        f"over {n_folds} stratified folds of the training split: w = {weight:g} "
        f"(CV accuracy {chosen['cv_accuracy']:.4f}; {curve[0]['cv_accuracy']:.4f} "
        f"for {BASELINE} alone, {curve[-1]['cv_accuracy']:.4f} for {CHARCNN} "
        f"alone); both models fitted on the whole training split",
        f"on the test split (never used for the choice) the best weight would "
        f"be w = {best_test['weight']:g} ({best_test['test_accuracy']:.4f})",
        f"stack: LogisticRegression() on the {features.shape[1]} out-of-fold "
        f"probabilities of the same folds (what StackingClassifier(cv=those "
        f"folds, stack_method='predict_proba') fits, computed once and shared "
        f"with soft-vote); its CV accuracy on them {stack_cv.mean():.4f}",
        f"the blends' fit seconds: {n_folds} out-of-fold fits of each model "
        f"({oof_s[BASELINE]:.0f} s + {oof_s[CHARCNN]:.0f} s, paid once for both "
        f"blends) and the two fits on the whole training split ({refit_s:.0f} s)",
    ]
    if check is not None:
        comparison.notes.append(
            f"check: sklearn's StackingClassifier on the same folds "
            f"({check['fit_s']:.0f} s) predicts the same class for "
            f"{100 * check['same_predictions']:.1f}% of the test articles; "
            "largest probability difference "
            f"{check['max_abs_probability_difference']:.2g}"
        )
    name = result_name(args)
    comparison.name = name
    comparison.question = QUESTION
    comparison.command = command_line(argv)
    comparison.corpus = {
        "name": corpus_name,
        "n_documents": len(X),
        "classes": [str(c) for c in np.unique(y)],
    }
    comparison.settings = {
        "models": [*models, *blends],
        "charcnn": charcnn,
        "augment": args.augment_per_epoch or 0,
        "augment_per_epoch": args.augment_per_epoch is not None,
        "ensemble": args.ensemble or 1,
    }
    comparison.machine = machine_info()
    comparison.wall_s = time.perf_counter() - started

    print(comparison.table())
    print("\n".join(comparison.summary_lines()))
    write_result(
        name,
        {
            **comparison.to_dict(),
            "cv_folds": f"StratifiedKFold({n_folds}, shuffle=True, "
            f"random_state={RANDOM_STATE}) on the training split",
            "out_of_fold": {
                model_name: {
                    "fit_s": oof_s[model_name],
                    "fold_accuracies": oof_fold_accuracy[model_name],
                }
                for model_name in models
            },
            "weight_search": {
                "chosen": weight,
                "cv_accuracy": chosen["cv_accuracy"],
                "search_s": search_s,
                "curve": curve,
            },
            "stacking": {
                "final_estimator": "LogisticRegression()",
                "n_features": int(features.shape[1]),
                "cv_accuracy": float(stack_cv.mean()),
                "fit_s": final_s,
                "check": check,
            },
        },
        smoke=args.smoke,
    )
    return comparison


if __name__ == "__main__":
    main()
