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
    (``StratifiedKFold(5, shuffle=True, random_state=0)``; ``--folds``) of the blended
    out-of-fold probabilities (``cross_val_predict(...,
    method="predict_proba")``, the same folds for both models). Both models
    are then refitted on the whole training split; the voter holds them as
    ``FrozenEstimator`` so it does not fit them again.
``stack``
    What ``StackingClassifier(estimators, final_estimator=LogisticRegression(),
    cv=those folds, stack_method="predict_proba")`` fits: a
    ``LogisticRegression()`` on the two models' out-of-fold probabilities,
    over the two models refitted on the whole training split. The
    out-of-fold probabilities are computed once and shared with
    ``soft-vote``, instead of fitting every char-CNN twice per fold;
    ``--check-stacking`` also fits the real ``StackingClassifier`` and
    records how far its test probabilities are from these.

Every model gets its test accuracy with a 95% bootstrap interval and
McNemar's test against ``tfidf-word`` (the :mod:`sklearn_charcnn.compare`
record and statistics); the result also holds the weight's CV curve (and,
for reading only, its test curve) and the fit times. The blends' fit times
include the five out-of-fold fits of each model and the two refits.

Run: ``python benchmarks/bench_stacking_ag.py`` (six char-CNN fits, 15 to
20 minutes on 2 CPU cores) writes ``results/stacking_ag.json``.
``--augment-per-epoch 4 --ensemble 5 --folds 3`` blends the vote of five
augmented char-CNNs instead (twenty char-CNN fits, about 50 minutes) and
writes ``results/stacking_ag_pe4_vote5_f3.json``. A smoke run,
``python benchmarks/bench_stacking_ag.py --n-docs 400 --max-epochs 1
--check-stacking``, writes ``results/stacking_ag_n400_e1.json``: every
option names the result after itself, so no run replaces another.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import command_line, write_result
from sklearn.base import clone
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
    train_test_split,
)

from sklearn_charcnn._stats import bootstrap_accuracy_ci, format_p_value
from sklearn_charcnn.compare import (
    ModelResult,
    PairedTest,
    _splits,
    charcnn_params,
    evaluate,
    load_corpus,
    machine_info,
    make_models,
)

NAME = "stacking_ag"
QUESTION = "Does the char-CNN add to TF-IDF + logistic regression on the AG News split?"
BASELINE, CHARCNN = "tfidf-word", "char-cnn"
N_FOLDS = 5
"""Folds of the out-of-fold probabilities, unless ``--folds`` says otherwise."""
WEIGHTS = np.round(np.linspace(0.0, 1.0, 21), 2)
"""The char-CNN's share in the soft vote, tried on the training split."""
RANDOM_STATE = 0


def _stack_features(probabilities):
    """The final estimator's input, as ``StackingClassifier`` builds it.

    The models' probabilities side by side, in the estimators' order; with
    two classes only the second column of each (the first is redundant).
    """
    return np.hstack([p[:, 1:] if p.shape[1] == 2 else p for p in probabilities])


def _row(name, y_test, y_pred, *, fit_s, predict_s, device, n_train, params):
    """A comparison row for a model scored outside ``evaluate``."""
    correct = y_pred == y_test
    fold = {
        "accuracy": float(correct.mean()),
        "macro_f1": float(f1_score(y_test, y_pred, average="macro")),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "n_train": n_train,
        "n_test": len(y_test),
        "params": params,
    }
    return ModelResult(
        name=name,
        accuracy=fold["accuracy"],
        # The same interval as evaluate's rows (10,000 draws, seed 0).
        accuracy_ci=bootstrap_accuracy_ci(int(correct.sum()), len(correct)),
        macro_f1=fold["macro_f1"],
        fit_s=fit_s,
        predict_s=predict_s,
        device=device,
        n_train=n_train,
        n_test=len(y_test),
        params=params,
        folds=[fold],
    )


def _verdict(name, row, baseline, test):
    difference = 100 * (row.accuracy - baseline.accuracy)
    p_value = format_p_value(test.p_value)
    p_value = p_value if p_value.startswith("<") else f"= {p_value}"
    if difference > 0 and test.p_value < 0.05:
        answer = "the char-CNN adds to TF-IDF"
    elif difference > 0:
        answer = "a gain not distinguishable at the 5% level"
    else:
        answer = "the char-CNN adds nothing here"
    return (
        f"{name} {row.accuracy:.4f} against {BASELINE} {baseline.accuracy:.4f} "
        f"({difference:+.1f} points, McNemar p {p_value}): {answer}"
    )


def main(argv=None):
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
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    name = NAME + "".join(
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

    corpus = load_corpus()
    X, y, corpus_name = corpus.data, corpus.target, corpus.name
    if args.n_docs is not None and args.n_docs < len(X):
        # The subsample of run_comparison(n_samples=...).
        X, _, y, _ = train_test_split(
            X, y, train_size=args.n_docs, stratify=y, random_state=RANDOM_STATE
        )
        corpus_name += f", stratified subsample of {args.n_docs:,}"
    charcnn = charcnn_params(
        {
            key: value
            for key, value in (
                ("max_epochs", args.max_epochs),
                ("max_length", args.max_length),
            )
            if value is not None
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

    # The base models on compare's split: evaluate fits them in place on the
    # training split and scores them on the test split; the same split
    # function and arguments give the indices the blends need.
    comparison = evaluate(
        models,
        X,
        y,
        test_size=0.2,
        random_state=RANDOM_STATE,
        test_curve=False,
        epoch_lines=not args.quiet,
        log=log,
        reference=BASELINE,
    )
    [(train, test)] = _splits(X, y, None, 0.2, RANDOM_STATE)
    X_train, X_test = [X[i] for i in train], [X[i] for i in test]
    y_train, y_test = y[train], y[test]
    baseline, charcnn_row = comparison[BASELINE], comparison[CHARCNN]
    refit_s = baseline.fit_s + charcnn_row.fit_s

    # Out-of-fold probabilities on the training split, the same folds for both.
    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=RANDOM_STATE)
    folds = list(splitter.split(np.zeros(len(y_train)), y_train))
    oof, oof_s, oof_fold_accuracy = {}, {}, {}
    for model_name, model in models.items():
        log(f"{model_name}: out-of-fold probabilities, {n_folds} folds")
        start = time.perf_counter()
        oof[model_name] = cross_val_predict(
            model, X_train, y_train, cv=folds, method="predict_proba"
        )
        oof_s[model_name] = time.perf_counter() - start
        predicted = models[model_name].classes_[oof[model_name].argmax(axis=1)]
        oof_fold_accuracy[model_name] = [
            float(np.mean(predicted[fold] == y_train[fold])) for _, fold in folds
        ]
        log(
            f"{model_name}: out-of-fold accuracy "
            f"{np.mean(oof_fold_accuracy[model_name]):.4f}, {oof_s[model_name]:.1f} s"
        )
    shared_s = sum(oof_s.values()) + refit_s
    classes = models[BASELINE].classes_

    # soft-vote: the weight by CV, then the refitted models frozen in a voter.
    start = time.perf_counter()
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
    # The first best: on a tie, the smaller char-CNN share.
    chosen = max(curve, key=lambda point: point["cv_accuracy"])
    weight = chosen["weight"]
    voter = VotingClassifier(
        [(n, FrozenEstimator(m)) for n, m in models.items()],
        voting="soft",
        weights=[1 - weight, weight],
    ).fit(X_train, y_train)
    search_s = time.perf_counter() - start
    start = time.perf_counter()
    vote_pred = voter.predict(X_test)
    vote_predict_s = time.perf_counter() - start

    # stack: StackingClassifier's final estimator, on the shared OOF inputs.
    start = time.perf_counter()
    features = _stack_features([oof[BASELINE], oof[CHARCNN]])
    final = LogisticRegression().fit(features, y_train)
    final_s = time.perf_counter() - start
    stack_cv = cross_val_score(LogisticRegression(), features, y_train, cv=folds)
    start = time.perf_counter()
    test_probabilities = [m.predict_proba(X_test) for m in models.values()]
    stack_pred = final.predict(_stack_features(test_probabilities))
    stack_predict_s = time.perf_counter() - start

    # The weight's curve on the test split, for reading only (never chosen on).
    for point in curve:
        blend = np.average(
            test_probabilities, axis=0, weights=[1 - point["weight"], point["weight"]]
        )
        point["test_accuracy"] = float(np.mean(classes[blend.argmax(1)] == y_test))

    # Each blend: its test predictions, fit and predict seconds, and choice.
    blends = {
        "soft-vote": (
            vote_pred,
            shared_s + search_s,
            vote_predict_s,
            {"weight": weight},
        ),
        "stack": (stack_pred, shared_s + final_s, stack_predict_s, {}),
    }
    rows = {}
    baseline_correct = models[BASELINE].predict(X_test) == y_test
    for row_name, (predicted, fit_s, predict_s, params) in blends.items():
        rows[row_name] = _row(
            row_name,
            y_test,
            predicted,
            fit_s=fit_s,
            predict_s=predict_s,
            device=charcnn_row.device,
            n_train=len(y_train),
            params=params,
        )
        comparison.models.append(rows[row_name])
        comparison.paired_tests.append(
            # As evaluate's tests: the baseline is the model every other one is
            # tested against, so the table's McNemar column reads "vs tfidf-word".
            PairedTest.from_correct(
                BASELINE, row_name, baseline_correct, predicted == y_test
            )
        )
    tests = {test.reference: test for test in comparison.paired_tests}

    check = None
    if args.check_stacking:
        log("check: sklearn's StackingClassifier on the same folds")
        stacking = StackingClassifier(
            [(n, clone(m)) for n, m in models.items()],
            final_estimator=LogisticRegression(),
            cv=folds,
            stack_method="predict_proba",
        )
        start = time.perf_counter()
        stacking.fit(X_train, y_train)
        stacking_s = time.perf_counter() - start
        ours = final.predict_proba(_stack_features(test_probabilities))
        theirs = stacking.predict_proba(X_test)
        check = {
            "fit_s": stacking_s,
            "max_abs_probability_difference": float(np.abs(ours - theirs).max()),
            "same_predictions": float(np.mean(stacking.predict(X_test) == stack_pred)),
        }
        log(f"check: {check}")

    best_test = max(curve, key=lambda point: point["test_accuracy"])
    comparison.notes = [
        *comparison.notes,
        f"soft-vote: (1 - w) x {BASELINE} + w x {CHARCNN} probabilities, w chosen "
        f"among 0, 0.05, ..., 1 by the mean accuracy of out-of-fold probabilities "
        f"over {n_folds} stratified folds of the training split: w = {weight:g} "
        f"(CV accuracy {chosen['cv_accuracy']:.4f}; {curve[0]['cv_accuracy']:.4f} "
        f"for {BASELINE} alone, {curve[-1]['cv_accuracy']:.4f} for {CHARCNN} "
        f"alone); both models then refitted on the whole training split",
        f"on the test split (never used for the choice) the best weight would "
        f"be w = {best_test['weight']:g} ({best_test['test_accuracy']:.4f})",
        f"stack: LogisticRegression() on the {features.shape[1]} out-of-fold "
        f"probabilities of the same folds (what StackingClassifier(cv=those "
        f"folds, stack_method='predict_proba') fits, computed once and shared "
        f"with soft-vote); its CV accuracy on them {stack_cv.mean():.4f}",
        f"the blends' fit seconds: {n_folds} out-of-fold fits of each model "
        f"({oof_s[BASELINE]:.0f} s + {oof_s[CHARCNN]:.0f} s, paid once for both "
        f"blends) and the two refits ({refit_s:.0f} s)",
        *(
            _verdict(row_name, row, baseline, tests[row_name])
            for row_name, row in rows.items()
        ),
    ]
    if check is not None:
        comparison.notes.append(
            f"check: sklearn's StackingClassifier on the same folds "
            f"({check['fit_s']:.0f} s) predicts the same class for "
            f"{100 * check['same_predictions']:.1f}% of the test articles; "
            "largest probability difference "
            f"{check['max_abs_probability_difference']:.2g}"
        )
    comparison.name = name
    comparison.question = QUESTION
    comparison.command = command_line(argv)
    comparison.corpus = {
        "name": corpus_name,
        "n_documents": len(X),
        "classes": [str(c) for c in np.unique(y)],
    }
    comparison.settings = {
        "models": [*models, *rows],
        "charcnn": charcnn,
        "augment": args.augment_per_epoch or 0,
        "augment_per_epoch": args.augment_per_epoch is not None,
        "ensemble": args.ensemble or 1,
    }
    comparison.machine = machine_info()
    comparison.wall_s = time.perf_counter() - started

    print(comparison.table())
    print("\n".join(comparison.summary_lines()))
    path = write_result(
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
    )
    print(f"wrote {path}")
    return comparison


if __name__ == "__main__":
    main()
