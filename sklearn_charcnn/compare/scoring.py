"""Scoring test predictions into the results of a comparison.

:func:`~sklearn_charcnn.compare.fold_scores` scores one fold; :func:`~sklearn_charcnn.compare.model_result` pools a model's
folds into a :class:`~sklearn_charcnn.compare.ModelResult` with its
confidence interval; :func:`~sklearn_charcnn.compare.paired_tests` tests a reference model against
each other one on the same documents. For several labels per document,
:func:`~sklearn_charcnn.compare.multilabel_result` and
:func:`~sklearn_charcnn.compare.paired_permutation_tests` do the same with
the multi-label scores and the permutation test of macro-F1.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from sklearn_charcnn.compare.record import (
    ModelResult,
    PairedPermutationTest,
    PairedTest,
)
from sklearn_charcnn.compare.stats import (
    MULTILABEL_METRICS,
    bootstrap_accuracy_ci,
    fold_mean_ci,
    multilabel_bootstrap_ci,
    multilabel_scores,
)

__all__ = [
    "shared_document_notes",
    "fold_record",
    "fold_scores",
    "member_notes",
    "model_result",
    "multilabel_result",
    "paired_permutation_tests",
    "paired_tests",
]


def fold_scores(y_true, y_pred) -> dict:
    """Score one fold's predictions.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
        The test labels and the predictions: one label per document, or 0/1
        indicator matrices.

    Returns
    -------
    scores : dict
        ``accuracy`` and ``macro_f1``; for indicator matrices, the
        :data:`~sklearn_charcnn.compare.stats.MULTILABEL_METRICS`
        (:func:`~sklearn_charcnn.compare.stats.multilabel_scores`).

    Examples
    --------
    >>> from sklearn_charcnn.compare import fold_scores
    >>> fold_scores([0, 0, 1, 1], [0, 1, 1, 1])
    {'accuracy': 0.75, 'macro_f1': 0.7333333333333334}
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 2:
        return multilabel_scores(y_true, y_pred)
    return {
        "accuracy": float(np.mean(y_pred == y_true)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro")),
    }


def fold_record(fitted, y_test, n_train: int) -> dict:
    """Return the record of one fitted model on one fold.

    Parameters
    ----------
    fitted : FittedModel
        What :func:`~sklearn_charcnn.compare.fit_and_predict` returned.
    y_test : array-like
        The test labels.
    n_train : int
        The number of training documents.

    Returns
    -------
    fold : dict
        ``accuracy``, ``macro_f1`` (or the multi-label scores of
        :func:`~sklearn_charcnn.compare.fold_scores`), ``fit_s``,
        ``predict_s``, ``n_train``, ``n_test``, ``params``, and the
        char-CNN's ``history`` or a vote's ``members`` (each with its own
        test ``accuracy``).
    """
    y_test = np.asarray(y_test)
    fold = {
        **fold_scores(y_test, fitted.y_pred),
        "fit_s": fitted.fit_s,
        "predict_s": fitted.predict_s,
        "n_train": n_train,
        "n_test": len(y_test),
        "params": dict(fitted.params),
    }
    if fitted.history:
        fold["history"] = fitted.history
    if fitted.members:
        fold["members"] = [
            {
                "name": m["name"],
                "random_state": m["random_state"],
                "accuracy": float(np.mean(m["y_pred"] == y_test)),
                "epochs_run": m["epochs_run"],
                "history": m["history"],
            }
            for m in fitted.members
        ]
    return fold


def model_result(
    name, folds, correct, device, *, confidence=0.95, n_bootstrap=10_000
) -> ModelResult:
    """Pool one model's fold records into its result.

    Parameters
    ----------
    name : str
        The model's name.
    folds : list of dict
        Its :func:`~sklearn_charcnn.compare.fold_record` per fold.
    correct : ndarray of bool
        Whether it classified each test document correctly, all folds
        together.
    device : str
        Where it ran.
    confidence : float, default=0.95
        Level of the accuracy interval: a bootstrap over the test documents
        for one fold, a Student-t interval across folds otherwise.
    n_bootstrap : int, default=10_000
        Bootstrap draws for one fold's interval (seeded with 0).

    Returns
    -------
    result : ModelResult
    """
    if len(folds) == 1:
        interval = bootstrap_accuracy_ci(
            int(np.sum(correct)),
            len(correct),
            confidence=confidence,
            n_bootstrap=n_bootstrap,
        )
    else:
        interval = fold_mean_ci([f["accuracy"] for f in folds], confidence=confidence)
    return _pooled_result(
        name,
        folds,
        device,
        accuracy=_fold_mean(folds, "accuracy"),
        accuracy_ci=interval,
        macro_f1=_fold_mean(folds, "macro_f1"),
    )


def _fold_mean(folds, key) -> float:
    return float(np.mean([fold[key] for fold in folds]))


def _pooled_result(name, folds, device, **scores) -> ModelResult:
    """Build a model's result: its scores, and the fold means every target shares."""
    return ModelResult(
        name=name,
        fit_s=_fold_mean(folds, "fit_s"),
        predict_s=_fold_mean(folds, "predict_s"),
        device=device,
        n_train=int(round(_fold_mean(folds, "n_train"))),
        n_test=int(round(_fold_mean(folds, "n_test"))),
        params=folds[0]["params"] if len(folds) == 1 else {},
        folds=folds,
        **scores,
    )


def multilabel_result(
    name, folds, y_true, y_pred, device, *, confidence=0.95, n_resamples=1000
) -> ModelResult:
    """Pool one model's fold records into its result, for several labels per document.

    Parameters
    ----------
    name : str
        The model's name.
    folds : list of dict
        Its :func:`~sklearn_charcnn.compare.fold_record` per fold.
    y_true, y_pred : ndarray of shape (n_documents, n_labels)
        The test labels and its predictions, all folds together.
    device : str
        Where it ran.
    confidence : float, default=0.95
        Level of the intervals: a percentile bootstrap over the test
        documents for one fold
        (:func:`~sklearn_charcnn.compare.stats.multilabel_bootstrap_ci`), a
        Student-t interval across folds otherwise.
    n_resamples : int, default=1000
        Bootstrap resamples for one fold's intervals (seeded with 0).

    Returns
    -------
    result : ModelResult
        ``scores`` and ``intervals`` filled in; ``accuracy`` is the subset
        accuracy and ``macro_f1`` the macro-F1.
    """
    if len(folds) == 1:
        intervals = multilabel_bootstrap_ci(
            y_true, y_pred, confidence=confidence, n_resamples=n_resamples
        )
    else:
        intervals = {
            key: fold_mean_ci([fold[key] for fold in folds], confidence=confidence)
            for key in MULTILABEL_METRICS
        }
    scores = {key: _fold_mean(folds, key) for key in MULTILABEL_METRICS}
    return _pooled_result(
        name,
        folds,
        device,
        accuracy=scores["subset_accuracy"],
        accuracy_ci=intervals["subset_accuracy"],
        macro_f1=scores["macro_f1"],
        scores=scores,
        intervals=intervals,
    )


def paired_permutation_tests(
    reference: str, y_true, predictions: dict, *, n_resamples: int = 9999
) -> list[PairedPermutationTest]:
    """Test the macro-F1 of ``reference`` against every other model's (permutation).

    Parameters
    ----------
    reference : str
        The model tested against the others; no tests if it is absent.
    y_true : ndarray of shape (n_documents, n_labels)
        The test labels, as a 0/1 indicator matrix.
    predictions : dict of str to ndarray
        Per model, its predictions of the same documents in the same order.
    n_resamples : int, default=9999
        Random permutations per test (seeded with 0).

    Returns
    -------
    tests : list of PairedPermutationTest
        One per other model, in the order of ``predictions``.

    Examples
    --------
    >>> from sklearn_charcnn.compare import paired_permutation_tests
    >>> y = [[1, 0], [0, 1], [1, 1]]
    >>> tests = paired_permutation_tests("a", y, {"a": y, "b": [[1, 0], [0, 0], [0, 1]]})
    >>> [(t.model, t.reference, t.p_value) for t in tests]
    [('a', 'b', 0.5)]
    """
    if reference not in predictions:
        return []
    return [
        PairedPermutationTest.from_predictions(
            reference,
            name,
            y_true,
            predictions[reference],
            predictions[name],
            n_resamples=n_resamples,
        )
        for name in predictions
        if name != reference
    ]


def paired_tests(reference: str, correct: dict) -> list[PairedTest]:
    """McNemar's test of ``reference`` against every other model.

    Parameters
    ----------
    reference : str
        The model tested against the others; no tests if it is absent.
    correct : dict of str to ndarray of bool
        Per model, whether it classified each test document correctly (the
        same documents in the same order for every model).

    Returns
    -------
    tests : list of PairedTest
        One per other model, in the order of ``correct``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_charcnn.compare import paired_tests
    >>> correct = {"a": np.array([1, 1, 0, 0], bool), "b": np.ones(4, bool)}
    >>> [(t.model, t.reference, t.only_reference) for t in paired_tests("a", correct)]
    [('a', 'b', 2)]
    """
    if reference not in correct:
        return []
    return [
        PairedTest.from_correct(reference, name, correct[reference], correct[name])
        for name in correct
        if name != reference
    ]


def member_notes(models) -> list[str]:
    """Return a line per vote of char-CNNs: its members' accuracies, and the vote's.

    Parameters
    ----------
    models : list of ModelResult
        The results of a comparison.

    Returns
    -------
    notes : list of str
    """
    lines = []
    for model in models:
        members = [m for fold in model.folds for m in fold.get("members", [])]
        if not members:
            continue
        accuracies = [m["accuracy"] for m in members]
        seeds = [m["random_state"] for m in model.folds[0]["members"]]
        folds = " (over all folds)" if len(model.folds) > 1 else ""
        lines.append(
            f"{model.name}: a soft vote of {len(model.folds[0]['members'])} "
            f"char-CNNs seeded {', '.join(map(str, seeds))}; alone, the members "
            f"score {', '.join(f'{a:.4f}' for a in accuracies)}{folds} "
            f"(mean {np.mean(accuracies):.4f}), the vote {model.accuracy:.4f}"
        )
    return lines


def shared_document_notes(X, splits) -> list[str]:
    """Count the test documents that also appear, word for word, in training.

    Parameters
    ----------
    X : sequence of str
        The documents.
    splits : list of (ndarray, ndarray)
        The (train, test) indices of each fold.

    Returns
    -------
    notes : list of str
        One line when any test document is also a training document of its
        fold (such documents inflate every score), else none.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_charcnn.compare import shared_document_notes
    >>> shared_document_notes(["a", "b", "a"], [(np.array([0, 1]), np.array([2]))])
    ['1 of the 1 test documents (100.0%) also appear in the training part: they inflate every score; remove the duplicates to measure on unseen documents.']
    """
    shared = n_test = 0
    for train, test in splits:
        seen = {X[i] for i in train}
        shared += sum(X[i] in seen for i in test)
        n_test += len(test)
    if not shared:
        return []
    where = (
        "the training part of their fold" if len(splits) > 1 else "the training part"
    )
    return [
        f"{shared:,} of the {n_test:,} test documents ({shared / n_test:.1%}) "
        f"also appear in {where}: they inflate every score; remove the "
        "duplicates to measure on unseen documents."
    ]
