"""Splitting a corpus and fitting one model on one split.

:func:`~sklearn_charcnn.compare.split_indices` draws the train/test indices of a comparison;
:func:`~sklearn_charcnn.compare.fit_and_predict` fits a copy of one model on the training part and
predicts the test part. The model it is given is never changed: the copy is
fitted, with the comparison's own callbacks on its char-CNNs during the fit
only, and comes back in the result.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline

from sklearn_charcnn.compare.models import charcnn_pipelines
from sklearn_charcnn.compare.one_vs_rest import TunedOneVsRestClassifier

__all__ = [
    "FittedModel",
    "check_class_sizes",
    "fit_and_predict",
    "split_indices",
    "subsample",
]


def subsample(X, y, n_samples=None, *, random_state=0):
    """Return the documents, or a stratified subsample of ``n_samples`` of them.

    Parameters
    ----------
    X : sequence of str
        The documents.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Their labels (the draw is stratified on them), or a 0/1 indicator
        matrix (then the draw is not stratified).
    n_samples : int, default=None
        How many to keep; all of them if None or not fewer than there are.
    random_state : int or None, default=0
        Seed of the draw.

    Returns
    -------
    X : list of str
    y : ndarray

    Examples
    --------
    >>> from sklearn_charcnn.compare import subsample
    >>> X, y = subsample([f"doc {i}" for i in range(10)], [0, 1] * 5, 4)
    >>> len(X), sorted(y.tolist())
    (4, [0, 0, 1, 1])
    """
    X, y = list(X), np.asarray(y)
    if n_samples is not None and n_samples < len(X):
        X, _, y, _ = train_test_split(
            X,
            y,
            train_size=n_samples,
            stratify=None if y.ndim == 2 else y,
            random_state=random_state,
        )
    return X, y


def check_class_sizes(y, *, cv=None, test_size=0.2) -> None:
    """Raise before any fit when a class is too small for the split.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels.
    cv : int, default=None
        Folds of stratified cross-validation: each class needs ``cv``
        documents. Without it, a hold-out part of ``test_size`` needs at
        least ``ceil(1 / test_size)`` documents per class to test each one.
    test_size : float, default=0.2
        The hold-out fraction (without ``cv``).

    Raises
    ------
    ValueError
        Naming the classes that are too small and a split that would do.

    Examples
    --------
    >>> from sklearn_charcnn.compare import check_class_sizes
    >>> check_class_sizes(["a"] * 5 + ["b"] * 5)
    >>> check_class_sizes(["a"] * 5 + ["b"] * 3, cv=4)
    Traceback (most recent call last):
    ...
    ValueError: 1 class(es) have too few documents: 'b' (3); cv=4 (--cv 4) needs at least 4 documents per class (one per fold). Add documents of those classes or remove their rows, or pass cv=3 (--cv 3).
    """
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    smallest = int(counts.min())
    if cv is not None:
        need = cv
        fix = f"cv={smallest} (--cv {smallest})" if smallest >= 2 else None
        why = f"cv={cv} (--cv {cv}) needs at least {cv} documents per class (one per fold)"
    else:
        need = max(2, math.ceil(1 / test_size - 1e-9))
        larger = math.ceil(100 / smallest) / 100
        fix = f"test_size={larger:g} or more (--test-size)" if smallest >= 2 else None
        why = (
            f"a test part of {test_size:g} needs at least {need} documents per "
            "class to test each class"
        )
    small = [(str(c), int(n)) for c, n in zip(labels, counts, strict=True) if n < need]
    if small:
        listed = ", ".join(f"{label!r} ({n})" for label, n in small[:5])
        raise ValueError(
            f"{len(small)} class(es) have too few documents: {listed}; {why}. "
            "Add documents of those classes or remove their rows"
            + (f", or pass {fix}." if fix else ".")
        )


def split_indices(y, *, cv=None, test_size=0.2, random_state=0) -> list:
    """Return the (train, test) index arrays of a comparison.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        The labels (the split is stratified on them), or a 0/1 indicator
        matrix (several labels per document: the split is shuffled, not
        stratified).
    cv : int or iterable of (train, test) index arrays, default=None
        Stratified K-fold cross-validation with K folds, or given splits;
        one stratified hold-out split if None.
    test_size : float, default=0.2
        Fraction held out for testing (without ``cv``).
    random_state : int or None, default=0
        Seed of the split or folds.

    Returns
    -------
    splits : list of (ndarray, ndarray)
        One pair per fold.

    Raises
    ------
    ValueError
        If a class is too small for the split (:func:`~sklearn_charcnn.compare.check_class_sizes`).

    Examples
    --------
    >>> from sklearn_charcnn.compare import split_indices
    >>> [(train.size, test.size) for train, test in split_indices([0, 1] * 10)]
    [(16, 4)]
    >>> len(split_indices([0, 1] * 10, cv=5))
    5
    """
    y = np.asarray(y)
    if y.ndim == 2 and (cv is None or isinstance(cv, int)):
        return _multilabel_split(len(y), cv, test_size, random_state)
    if cv is None or isinstance(cv, int):
        check_class_sizes(y, cv=cv, test_size=test_size)
    if cv is None:
        train, test = train_test_split(
            np.arange(len(y)),
            test_size=test_size,
            stratify=y,
            random_state=random_state,
        )
        return [(train, test)]
    if isinstance(cv, int):
        splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        return list(splitter.split(np.zeros(len(y)), y))
    return [(np.asarray(train), np.asarray(test)) for train, test in cv]


def _multilabel_split(n_samples, cv, test_size, random_state) -> list:
    """Shuffled hold-out or K-fold indices for a multi-label target."""
    rows = np.arange(n_samples)
    if cv is None:
        train, test = train_test_split(
            rows, test_size=test_size, random_state=random_state
        )
        return [(train, test)]
    splitter = KFold(cv, shuffle=True, random_state=random_state)
    return list(splitter.split(rows))


@dataclass
class FittedModel:
    """One model fitted on one training part, with its test predictions.

    Attributes
    ----------
    name : str
        The model's name.
    estimator : estimator
        The fitted copy of the model.
    y_pred : ndarray
        Its predictions of the test documents.
    fit_s, predict_s : float
        Seconds to fit and to predict.
    device : str
        Where it ran.
    params : dict
        What it chose: the TF-IDF baselines' ``C``, the char-CNN's
        ``epochs_run``, an ensemble's number of ``members``.
    history : list of dict
        The char-CNN's per-epoch history (empty otherwise).
    members : list of dict
        For a vote of char-CNNs, each member's ``name``, ``random_state``,
        ``epochs_run``, ``history`` and test predictions ``y_pred``.
    """

    name: str
    estimator: object
    y_pred: np.ndarray
    fit_s: float
    predict_s: float
    device: str
    params: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    members: list = field(default_factory=list)


def _history_rows(classifier) -> list[dict]:
    keys = (
        "epoch",
        "train_loss",
        "valid_loss",
        "valid_acc",
        "valid_f1_micro",
        "test_acc",
        "test_macro_f1",
        "dur",
    )
    return [
        {key: epoch[key] for key in keys if key in epoch}
        for epoch in classifier.history_
    ]


def _comparison_callbacks(pipeline, label, X_test, y_test, y_train, options):
    """Build the callbacks a comparison adds to one char-CNN for one fit."""
    from sklearn_charcnn._epoch_callbacks import EpochLine, EpochTestScore

    callbacks = []
    if options.get("test_curve") and y_test is not None:
        # The test documents are encoded once, by a copy of the pipeline's own
        # quantizer (the step just before the classifier); the classifier
        # trains its net on label indices into the sorted training labels,
        # or on the indicator matrix itself.
        quantizer = clone(pipeline[-2]).fit(X_test[:1])
        if np.ndim(y_test) == 2:
            target, name = np.asarray(y_test), "test_macro_f1"
        else:
            classes = np.unique(y_train)
            target = np.where(
                np.isin(y_test, classes), np.searchsorted(classes, y_test), -1
            )
            name = "test_acc"
        score = EpochTestScore(quantizer.transform(X_test), target, name=name)
        callbacks.append(("test_score", score))
    if options.get("epoch_lines"):
        callbacks.append(("epoch_line", EpochLine(prefix=f"{label}: ")))
    return callbacks


def _prepare(name, model, X_test, y_test, y_train, options):
    """Return a copy of ``model`` set up for one fit, and its users' callbacks."""
    model = clone(model)
    originals = []
    for member, pipeline in charcnn_pipelines(model):
        label = f"{name} {member}" if member else name
        extra = _comparison_callbacks(pipeline, label, X_test, y_test, y_train, options)
        if extra:
            classifier = pipeline[-1]
            originals.append((member, classifier.callbacks))
            classifier.set_params(callbacks=[*(classifier.callbacks or []), *extra])
    final = model[-1] if isinstance(model, Pipeline) else model
    if isinstance(final, GridSearchCV) and isinstance(final.cv, int):
        # Fewer folds when a class has fewer training documents than folds.
        smallest = int(np.unique(y_train, return_counts=True)[1].min())
        final.set_params(cv=max(2, min(final.cv, smallest)))
    return model, originals


def _restore_callbacks(model, originals) -> None:
    """Give the fitted char-CNNs back their users' callbacks (not the test set)."""
    pipelines = dict(charcnn_pipelines(model))
    fitted = getattr(model, "named_estimators_", {})
    for member, callbacks in originals:
        pipelines[member][-1].set_params(callbacks=callbacks)
        if member in fitted:
            fitted[member][-1].set_params(callbacks=callbacks)


def _members(model, X_test) -> list[dict]:
    """Each fitted member of a vote of char-CNNs, with its own predictions."""
    members = []
    for member, pipeline in model.named_estimators_.items():
        # The members are fitted on label indices; the voter maps them back.
        y_pred = model.le_.inverse_transform(pipeline.predict(X_test))
        members.append(
            {
                "name": member,
                "random_state": pipeline[-1].random_state,
                "epochs_run": len(pipeline[-1].history_),
                "history": _history_rows(pipeline[-1]),
                "y_pred": y_pred,
            }
        )
    return members


def _describe(fitted: FittedModel, X_test) -> None:
    """Fill in what a fitted model chose, its history and its device."""
    model = fitted.estimator
    final = model[-1] if isinstance(model, Pipeline) else model
    if isinstance(final, GridSearchCV | TunedOneVsRestClassifier):
        fitted.params = {key: float(v) for key, v in final.best_params_.items()}
    if getattr(final, "history_", None) is not None:
        fitted.history = _history_rows(final)
        fitted.params = {"epochs_run": len(fitted.history)}
    elif isinstance(model, VotingClassifier) and charcnn_pipelines(model):
        fitted.members = _members(model, X_test)
        fitted.params = {"members": len(fitted.members)}
    if isinstance(model, VotingClassifier):
        final = model.estimators_[0][-1]  # where the members ran
    fitted.device = str(getattr(final, "device_", "cpu"))


def fit_and_predict(
    name,
    model,
    X_train,
    y_train,
    X_test,
    y_test=None,
    *,
    test_curve=False,
    epoch_lines=False,
) -> FittedModel:
    """Fit a copy of one model and predict the test documents.

    Parameters
    ----------
    name : str
        The model's name (it prefixes the char-CNN's epoch lines).
    model : estimator
        The model; it is cloned, never changed.
    X_train, y_train : sequence of str, array-like
        The training documents and labels.
    X_test : sequence of str
        The test documents.
    y_test : array-like, default=None
        Their labels, for the char-CNN's test curve.
    test_curve : bool, default=False
        Score each char-CNN on the test documents after every epoch
        (``test_acc`` in its history, ``test_macro_f1`` for a multi-label
        target; needs ``y_test``).
    epoch_lines : bool, default=False
        Print one plain line per char-CNN epoch to standard error.

    Returns
    -------
    fitted : FittedModel
        The fitted copy, its predictions and timings.

    Examples
    --------
    >>> from sklearn_charcnn.compare import fit_and_predict, make_models
    >>> model = make_models(["tfidf-word"])["tfidf-word"]
    >>> docs, labels = ["good film", "bad film", "great plot", "awful plot"] * 3, [1, 0] * 6
    >>> fitted = fit_and_predict("tfidf-word", model, docs, labels, ["good plot"])
    >>> fitted.y_pred, fitted.params
    (array([1]), {'C': 1.0})
    """
    options = {"test_curve": test_curve, "epoch_lines": epoch_lines}
    y_train = np.asarray(y_train)
    model, originals = _prepare(name, model, X_test, y_test, y_train, options)
    try:
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
    finally:
        _restore_callbacks(model, originals)
    start = time.perf_counter()
    y_pred = np.asarray(model.predict(X_test))
    predict_s = time.perf_counter() - start
    fitted = FittedModel(name, model, y_pred, fit_s, predict_s, "cpu")
    _describe(fitted, X_test)
    return fitted
