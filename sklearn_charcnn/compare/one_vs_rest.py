"""The multi-label baselines' classifier: one-vs-rest, tuned on held-out rows.

:class:`TunedOneVsRestClassifier` fits one binary classifier per label
(:class:`~sklearn.multiclass.OneVsRestClassifier`) and chooses, on rows held
out of its training data, both a setting such as logistic regression's ``C``
and one probability threshold per label, by the rule the char-CNN's
``threshold="validation"`` follows. It is what the TF-IDF baselines of a
multi-label comparison end with.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    MultiOutputMixin,
    clone,
)
from sklearn.metrics import f1_score
from sklearn.model_selection import ParameterGrid, ShuffleSplit, check_cv
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from sklearn_charcnn._compat import HasMethods, Interval, _fit_context

__all__ = ["TunedOneVsRestClassifier"]


def _split(validation, X, Y, random_state):
    """Return the (training, held-out) rows of ``validation``'s first split."""
    if isinstance(validation, Real):
        splitter = ShuffleSplit(
            n_splits=1, test_size=validation, random_state=random_state
        )
    else:
        splitter = check_cv(validation)
    train, held_out = next(iter(splitter.split(X, Y)))
    if not len(train) or not len(held_out):
        raise ValueError(
            "validation must leave rows on both sides: got "
            f"{len(train)} training and {len(held_out)} held-out rows."
        )
    return np.asarray(train), np.asarray(held_out)


def _thresholds(Y, proba) -> np.ndarray:
    """Each label's F1-best probability threshold (the char-CNN's rule)."""
    from sklearn_charcnn._training import best_f1_threshold

    return np.array(
        [best_f1_threshold(Y[:, k], proba[:, k]) for k in range(Y.shape[1])]
    )


class TunedOneVsRestClassifier(
    MultiOutputMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
    """One classifier per label; a setting and per-label thresholds chosen on held-out rows.

    ``fit`` holds out part of its rows (``validation``). For every candidate
    of ``param_grid`` it fits ``OneVsRestClassifier(estimator)`` on the
    other rows, predicts the held-out rows' probabilities, and gives each
    label the threshold that maximises that label's F1 there (the rule of
    :class:`~sklearn_charcnn.CharCNNClassifier`'s
    ``threshold="validation"``). The candidate whose held-out macro-F1 at
    its thresholds is highest is kept as it was fitted, on the training
    rows only: its thresholds belong to that fit.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        The binary classifier of each label, e.g.
        ``LogisticRegression(class_weight="balanced")``.
    param_grid : dict of str to list, default=None
        Settings of ``estimator`` to choose among, as for
        :class:`~sklearn.model_selection.GridSearchCV` (e.g. ``{"C": [1, 4,
        10]}``); None fits ``estimator`` as it is.
    validation : float or cross-validation splitter, default=0.2
        The held-out rows: a fraction of the rows drawn at random
        (:class:`~sklearn.model_selection.ShuffleSplit` seeded with
        ``random_state``), or a splitter or iterable of (train, held-out)
        index arrays whose first split is used, such as
        :class:`~sklearn.model_selection.PredefinedSplit` marking a data
        set's own development rows.
    random_state : int, RandomState instance or None, default=0
        Seed of the random held-out rows.
    n_jobs : int, default=None
        Labels fitted at a time (``OneVsRestClassifier``'s ``n_jobs``).

    Attributes
    ----------
    estimator_ : OneVsRestClassifier
        The kept candidate, fitted on the training rows.
    thresholds_ : ndarray of shape (n_labels,)
        The probability above which each label is predicted.
    best_params_ : dict
        The kept candidate's settings.
    best_score_ : float
        Its macro-F1 on the held-out rows, at ``thresholds_``.
    cv_results_ : dict
        ``params`` (the candidates) and ``mean_test_score`` (each one's
        held-out macro-F1 at its own thresholds).
    classes_ : ndarray of shape (n_labels,)
        ``np.arange(n_labels)``, the column indices of ``Y``.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : One threshold of a
        binary classifier.
    sklearn.multiclass.OneVsRestClassifier : The labels' classifiers, at
        one fixed threshold.

    Notes
    -----
    ``OneVsRestClassifier`` predicts a label where its classifier's
    ``decision_function`` is positive, so it would ignore the thresholds of
    a :class:`~sklearn.model_selection.TunedThresholdClassifierCV` inside
    it; this class applies them to ``predict_proba`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_charcnn.compare import TunedOneVsRestClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> Y = (X[:, :2] + 0.5 * rng.normal(size=(200, 2)) > 0.8).astype(int)
    >>> model = TunedOneVsRestClassifier(
    ...     LogisticRegression(), param_grid={"C": [0.1, 1.0]}).fit(X, Y)
    >>> model.predict(X[:3]).shape, model.thresholds_.shape
    ((3, 2), (2,))
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "param_grid": [dict, None],
        "validation": [
            Interval(Real, 0, 1, closed="neither"),
            "cv_object",
        ],
        "random_state": ["random_state"],
        "n_jobs": [int, None],
    }

    def __init__(
        self,
        estimator,
        *,
        param_grid=None,
        validation=0.2,
        random_state=0,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.param_grid = param_grid
        self.validation = validation
        self.random_state = random_state
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y):
        """Fit every candidate on the training rows and keep the best.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The features (e.g. TF-IDF vectors).
        Y : array-like or sparse matrix of shape (n_samples, n_labels)
            The 0/1 label indicator matrix.

        Returns
        -------
        self : TunedOneVsRestClassifier
            The fitted classifier.
        """
        if type_of_target(Y) != "multilabel-indicator":
            raise ValueError(
                "TunedOneVsRestClassifier needs a multi-label indicator matrix "
                f"of 0 and 1 (Y of shape (n_samples, n_labels)); got a "
                f"{type_of_target(Y)!r} target."
            )
        Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y)
        # Sorted indices: joblib's read-only memory maps of the rows cannot
        # be sorted in the workers, as the solvers ask.
        X = X.tocsr().sorted_indices() if sp.issparse(X) else np.asarray(X)
        train, held_out = _split(self.validation, X, Y, self.random_state)
        X_train, X_held_out = X[train], X[held_out]
        results, best = {"params": [], "mean_test_score": []}, None
        for params in ParameterGrid(self.param_grid or {}):
            candidate = OneVsRestClassifier(
                clone(self.estimator).set_params(**params), n_jobs=self.n_jobs
            ).fit(X_train, Y[train])
            proba = candidate.predict_proba(X_held_out)
            thresholds = _thresholds(Y[held_out], proba)
            score = f1_score(
                Y[held_out], proba > thresholds, average="macro", zero_division=0.0
            )
            results["params"].append(params)
            results["mean_test_score"].append(float(score))
            if best is None or score > best[0]:
                best = (float(score), params, candidate, thresholds)
        results["mean_test_score"] = np.asarray(results["mean_test_score"])
        self.best_score_, self.best_params_, self.estimator_, self.thresholds_ = best
        self.cv_results_ = results
        self.classes_ = np.arange(Y.shape[1])
        return self

    def predict_proba(self, X):
        """Return each label's probability.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def decision_function(self, X):
        """Return each label's decision value (before the thresholds).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels)
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def predict(self, X):
        """Return the labels whose probability exceeds their threshold.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        Y : ndarray of shape (n_samples, n_labels)
            The 0/1 indicator matrix.
        """
        return (self.predict_proba(X) > self.thresholds_).astype(np.int64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = False
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags
