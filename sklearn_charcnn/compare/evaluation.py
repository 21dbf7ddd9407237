"""Evaluating models on the same split(s) of one corpus.

:func:`~sklearn_charcnn.compare.evaluate` composes the other pieces: :func:`~sklearn_charcnn.compare.split_indices`
draws the splits, :func:`~sklearn_charcnn.compare.fit_and_predict` fits a
clone of each model on each, through :class:`joblib.Parallel`, and
``compare.scoring`` turns the predictions into a
:class:`~sklearn_charcnn.compare.Comparison`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from joblib import Parallel, delayed

from sklearn_charcnn.compare.cluster import dask_backend
from sklearn_charcnn.compare.fitting import fit_and_predict, split_indices
from sklearn_charcnn.compare.record import Comparison
from sklearn_charcnn.compare.scoring import (
    fold_record,
    member_notes,
    model_result,
    multilabel_result,
    paired_permutation_tests,
    paired_tests,
    shared_document_notes,
)

__all__ = ["evaluate"]


def _tasks(models, X, y, splits, options, log, sent):
    """Yield one fit per (split, model); joblib takes each when a worker is free.

    Each "fitting" line is thus logged when its fit starts (or is sent).
    """
    for k, (train, test) in enumerate(splits, 1):
        X_train, X_test = [X[i] for i in train], [X[i] for i in test]
        where = f"fold {k}/{len(splits)}, " if len(splits) > 1 else ""
        for i, (name, model) in enumerate(models.items(), 1):
            sent.append((i, name, k - 1))
            log(
                f"[{i}/{len(models)}] {name}: {where}fitting on {len(train):,} documents"
            )
            yield delayed(fit_and_predict)(
                name, model, X_train, y[train], X_test, y[test], **options
            )


def _fit_all(models, X, y, splits, options, log, scheduler):
    """Fit every model on every split.

    Returns the fits and their :func:`~sklearn_charcnn.compare.fold_record` by model, in fold order.
    """
    fits = {name: [None] * len(splits) for name in models}
    folds = {name: [None] * len(splits) for name in models}
    sent = []  # (model number, name, fold) of each task, in order
    with dask_backend(scheduler, models):
        results = Parallel(return_as="generator")(
            _tasks(models, X, y, splits, options, log, sent)
        )
        for number, fitted in enumerate(results):
            i, name, k = sent[number]
            train, test = splits[k]
            fits[name][k] = fitted
            folds[name][k] = fold = fold_record(fitted, y[test], len(train))
            score = (
                f"macro-F1 {fold['macro_f1']:.4f}"
                if y.ndim == 2
                else f"accuracy {fold['accuracy']:.4f}"
            )
            log(
                f"[{i}/{len(models)}] {name}: {score}, fit "
                f"{fitted.fit_s:.1f} s, predict {fitted.predict_s:.1f} s"
            )
    return fits, folds


def _evaluation(cv, test_size, random_state, confidence, resampling, n_splits):
    """Describe how a comparison split and scored its documents.

    ``resampling`` is ``(bootstrap draws, permutations)``, the permutations
    None for one label per document (McNemar's test).
    """
    n_bootstrap, n_permutations = resampling
    if cv is None:
        split = {"test_size": test_size, "cv": None}
    elif isinstance(cv, int):
        split = {"test_size": None, "cv": cv}
    else:
        split = {"test_size": None, "cv": "predefined"}
    interval = (
        f"bootstrap over the test documents ({n_bootstrap:,} draws, seed 0)"
        if n_splits == 1
        else "Student t across folds"
    )
    paired_test = "McNemar"
    if n_permutations is not None:
        interval = interval.replace("draws, seed 0", "resamples, percentile, seed 0")
        paired_test = (
            f"permutation test of macro-F1 over the test documents "
            f"({n_permutations:,} random swaps of a document's two predictions, "
            "seed 0)"
        )
    return {
        **split,
        "random_state": random_state,
        "confidence": confidence,
        "interval": interval,
        "paired_test": paired_test,
    }


def _single_label_results(models, fits, folds, y_tested, options):
    """Each model's result, and McNemar's tests of the reference model."""
    correct = {
        name: np.concatenate([f.y_pred for f in fits[name]]) == y_tested
        for name in models
    }
    results = [
        model_result(
            name,
            folds[name],
            correct[name],
            fits[name][0].device,
            confidence=options["confidence"],
            n_bootstrap=options["n_bootstrap"],
        )
        for name in models
    ]
    return results, paired_tests(options["reference"], correct)


def _multilabel_results(models, fits, folds, y_tested, options):
    """Each model's multi-label result, and the permutation tests of macro-F1."""
    predicted = {
        name: np.concatenate([np.asarray(f.y_pred) for f in fits[name]])
        for name in models
    }
    results = [
        multilabel_result(
            name,
            folds[name],
            y_tested,
            predicted[name],
            fits[name][0].device,
            confidence=options["confidence"],
            n_resamples=options["n_bootstrap"],
        )
        for name in models
    ]
    tests = paired_permutation_tests(
        options["reference"],
        y_tested,
        predicted,
        n_resamples=options["n_permutations"],
    )
    return results, tests


def evaluate(
    models: Mapping,
    X,
    y,
    *,
    test_size: float = 0.2,
    cv=None,
    random_state: int | None = 0,
    test_curve: bool = True,
    epoch_lines: bool = False,
    log: Callable[[str], None] | None = None,
    reference: str = "char-cnn",
    confidence: float = 0.95,
    n_bootstrap: int | None = None,
    n_permutations: int = 9999,
    scheduler: str | None = None,
    return_estimators: bool = False,
) -> Comparison:
    """Fit and score models on the same split(s) of one corpus.

    Every (model, split) pair is one task of a :class:`joblib.Parallel`:
    sequential in this process by default (or as an enclosing
    :func:`joblib.parallel_config` says), on a Dask cluster with
    ``scheduler``. Where the tasks run changes no score: with the same
    number of PyTorch threads per fit, the record is the same.

    Parameters
    ----------
    models : mapping of str to estimator
        The models, by name (e.g. from :func:`~sklearn_charcnn.compare.make_models`). They are never
        changed: each fit is of a clone.
    X : sequence of str
        The documents.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Their labels, or a 0/1 indicator matrix for several labels per
        document: then each model is scored by the
        :data:`~sklearn_charcnn.compare.stats.MULTILABEL_METRICS`
        (macro-F1 first), and tested against the reference model by a
        paired permutation test of macro-F1 instead of McNemar's.
    test_size : float, default=0.2
        Fraction held out for testing, stratified (without ``cv``; shuffled
        for an indicator matrix).
    cv : int or iterable of (train, test) index arrays, default=None
        Stratified K-fold cross-validation with K folds, or given splits
        (e.g. a data set's official train/test split as one pair).
    random_state : int or None, default=0
        Seed of the split or folds.
    test_curve : bool, default=True
        Record the char-CNN's test accuracy after every epoch (``test_acc``
        in its history; ``test_macro_f1`` for several labels per
        document); one prediction pass per epoch.
    epoch_lines : bool, default=False
        Print one plain line per char-CNN epoch to standard error.
    log : callable, default=None
        Called with a progress message before and after each fit.
    reference : str, default="char-cnn"
        The model tested against each other one (McNemar), when present.
    confidence : float, default=0.95
        Level of the accuracy intervals.
    n_bootstrap : int, default=None
        Bootstrap draws for a hold-out split's intervals (seeded with 0):
        10,000 for one label per document if None, 1,000 resamples of the
        test documents for several.
    n_permutations : int, default=9999
        Random permutations of the paired test of macro-F1 (several labels
        per document only; seeded with 0).
    scheduler : str, default=None
        Address of a Dask scheduler (e.g. ``"tcp://10.0.0.5:8786"``): run
        the fits on its workers, as many at a time as they have task
        threads, through :class:`~sklearn_charcnn.parallel.DaskBackend`.
        When a model has a ``ThesaurusAugmenter``,
        :class:`~sklearn_charcnn.parallel.WordNetWorkerPlugin` is registered
        first. Needs the ``dask`` extra. ``log`` reports a fit when it is
        sent and when its result arrives, while per-epoch lines print on the
        workers.
    return_estimators : bool, default=False
        Keep the fitted models: the record's ``estimators`` attribute maps
        each name to its fitted clones, one per fold (as
        :func:`~sklearn.model_selection.cross_validate` does).

    Returns
    -------
    comparison : Comparison
        ``models``, ``paired_tests`` and ``evaluation`` filled in (with the
        ``scheduler`` address when one was used); for an ensemble, a line of
        ``notes`` with its members' own accuracies; ``estimators`` with
        ``return_estimators``.

    Raises
    ------
    OSError
        If no scheduler answers at ``scheduler`` within
        :data:`~sklearn_charcnn.compare.SCHEDULER_TIMEOUT_S` seconds.

    Examples
    --------
    >>> from sklearn_charcnn.compare import evaluate, make_models
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    >>> labels = [1, 1, 0, 0] * 5
    >>> result = evaluate(make_models(["tfidf-word"]), docs, labels, cv=2)
    >>> row = result["tfidf-word"]
    >>> len(row.folds), row.accuracy_ci[0] <= row.accuracy <= row.accuracy_ci[1]
    (2, True)
    >>> result.evaluation["interval"]
    'Student t across folds'
    """
    X, y = list(X), np.asarray(y)
    multilabel = y.ndim == 2
    splits = split_indices(y, cv=cv, test_size=test_size, random_state=random_state)
    options = {"test_curve": test_curve, "epoch_lines": epoch_lines}
    fits, folds = _fit_all(
        models, X, y, splits, options, log or (lambda m: None), scheduler
    )
    y_tested = np.concatenate([y[test] for _, test in splits])
    if n_bootstrap is None:
        n_bootstrap = 1000 if multilabel else 10_000
    scoring = {
        "confidence": confidence,
        "n_bootstrap": n_bootstrap,
        "n_permutations": n_permutations,
        "reference": reference,
    }
    score = _multilabel_results if multilabel else _single_label_results
    results, tests = score(models, fits, folds, y_tested, scoring)
    evaluation = _evaluation(
        cv, test_size, random_state, confidence,
        (n_bootstrap, n_permutations if multilabel else None), len(splits),
    )  # fmt: skip
    if scheduler is not None:
        evaluation["scheduler"] = scheduler
    comparison = Comparison(
        models=results,
        paired_tests=tests,
        evaluation=evaluation,
        notes=[*member_notes(results), *shared_document_notes(X, splits)],
    )
    if return_estimators:
        comparison.estimators = {
            name: [f.estimator for f in fits[name]] for name in models
        }
    return comparison
