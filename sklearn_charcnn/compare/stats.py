"""Uncertainty of a comparison: intervals and paired tests.

One label per document: accuracy intervals and McNemar's paired test, on
plain counts. Several labels per document (0/1 indicator matrices): the five
multi-label scores (:func:`multilabel_scores`), their bootstrap intervals
over the test documents (:func:`multilabel_bootstrap_ci`) and a paired
permutation test of macro-F1 (:func:`paired_permutation_test`).

They take plain counts and arrays, and know nothing of models, so a script
can score any pair of classifiers with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MULTILABEL_METRICS",
    "McNemar",
    "PairedPermutation",
    "bootstrap_accuracy_ci",
    "fold_mean_ci",
    "format_p_value",
    "mcnemar",
    "multilabel_bootstrap_ci",
    "multilabel_scores",
    "paired_permutation_test",
]

# Below this many discordant documents the chi-square approximation of
# McNemar's statistic is poor, so the exact binomial test is used instead
# (the usual rule, e.g. Agresti, "Categorical Data Analysis", section 10.1).
EXACT_MCNEMAR_BELOW = 25


def bootstrap_accuracy_ci(
    n_correct: int,
    n_total: int,
    *,
    confidence: float = 0.95,
    n_bootstrap: int = 10_000,
    random_state: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of an accuracy over the test documents.

    Resampling ``n_total`` documents with replacement from a test set in
    which ``n_correct`` were classified correctly draws the number of
    correct ones from ``Binomial(n_total, n_correct / n_total)``; drawing
    that number directly is the same bootstrap, costs ``n_bootstrap`` draws
    instead of ``n_bootstrap * n_total``, and depends only on the two counts
    (not on the order of the documents).

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import bootstrap_accuracy_ci
    >>> bootstrap_accuracy_ci(1520, 1520)
    (1.0, 1.0)
    >>> low, high = bootstrap_accuracy_ci(1216, 1520)
    >>> round(low, 3), round(high, 3)
    (0.78, 0.82)
    """
    if n_total <= 0:
        raise ValueError(f"An accuracy needs at least one document; got {n_total}.")
    rng = np.random.default_rng(random_state)
    draws = rng.binomial(n_total, n_correct / n_total, size=n_bootstrap) / n_total
    alpha = 1.0 - confidence
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def fold_mean_ci(scores, *, confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of per-fold scores, clipped to [0, 1].

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import fold_mean_ci
    >>> low, high = fold_mean_ci([0.80, 0.82, 0.84])
    >>> round(low, 4), round(high, 4)
    (0.7703, 0.8697)
    """
    from scipy import stats

    scores = np.asarray(scores, dtype=float)
    if scores.size < 2:
        raise ValueError("An interval across folds needs at least two folds.")
    mean = scores.mean()
    half = stats.t.ppf(0.5 + confidence / 2, scores.size - 1) * (
        scores.std(ddof=1) / math.sqrt(scores.size)
    )
    return float(max(0.0, mean - half)), float(min(1.0, mean + half))


@dataclass(frozen=True)
class McNemar:
    """McNemar's test of two classifiers on the same documents.

    Attributes
    ----------
    only_first : int
        Documents the first model classifies correctly and the second not.
    only_second : int
        Documents the second model classifies correctly and the first not.
    p_value : float
        Two-sided p-value of "both models have the same accuracy".
    method : str
        ``"exact binomial"`` (fewer than 25 discordant documents) or
        ``"chi-square, continuity-corrected"``.
    """

    only_first: int
    only_second: int
    p_value: float
    method: str


def mcnemar(only_first: int, only_second: int) -> McNemar:
    """McNemar's test from the two discordant counts.

    Only documents on which the models disagree about correctness carry
    information: under the null hypothesis each of them is equally likely to
    favour either model. With ``n = only_first + only_second`` below 25 the
    p-value is the exact two-sided binomial one, ``min(1, 2 P[X <= min])``
    for ``X ~ Binomial(n, 1/2)``; otherwise ``(|b - c| - 1)^2 / (b + c)``
    against a chi-square with one degree of freedom.

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import mcnemar
    >>> mcnemar(1, 5).p_value  # 2 * (1 + 6) / 64
    0.21875
    >>> mcnemar(0, 0).p_value
    1.0
    """
    from scipy import stats

    b, c = int(only_first), int(only_second)
    if b < 0 or c < 0:
        raise ValueError(f"Counts must be non-negative; got {b} and {c}.")
    n = b + c
    if n == 0:
        return McNemar(b, c, 1.0, "exact binomial")
    if n < EXACT_MCNEMAR_BELOW:
        p_value = min(1.0, 2.0 * float(stats.binom.cdf(min(b, c), n, 0.5)))
        return McNemar(b, c, p_value, "exact binomial")
    statistic = (abs(b - c) - 1) ** 2 / n
    p_value = float(stats.chi2.sf(statistic, 1))
    return McNemar(b, c, p_value, "chi-square, continuity-corrected")


def format_p_value(p_value: float, *, sentence: bool = False) -> str:
    """Write a p-value for a table: three decimals, or ``< 0.001``.

    With ``sentence=True``, for a sentence: ``p = 0.219`` or ``p < 0.001``.

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import format_p_value
    >>> format_p_value(0.21875), format_p_value(2e-9)
    ('0.219', '< 0.001')
    >>> format_p_value(0.21875, sentence=True), format_p_value(2e-9, sentence=True)
    ('p = 0.219', 'p < 0.001')
    """
    text = "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"
    if not sentence:
        return text
    return f"p {text}" if text.startswith("<") else f"p = {text}"


# ------------------------------------------------------------ multi-label

MULTILABEL_METRICS = (
    "macro_f1",
    "micro_f1",
    "samples_f1",
    "subset_accuracy",
    "hamming_loss",
)
"""The scores of a multi-label comparison, the primary one (macro-F1) first."""

# Resampled columns are held as (2 * n_labels [+ 2], batch, n_documents)
# arrays of small integers: batches of this many bytes at most keep the memory small.
_BATCH_BYTES = 64 * 2**20


def _check_indicators(y_true, *predictions):
    """Return the 0/1 matrices as bool arrays of one shape, or raise."""
    arrays = []
    for name, y in [("y_true", y_true), *(("y_pred", p) for p in predictions)]:
        y = y.toarray() if hasattr(y, "toarray") else np.asarray(y)
        if y.ndim != 2 or not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"{name} must be a 0/1 indicator matrix of shape (n_documents, "
                f"n_labels); got an array of shape {y.shape}."
            )
        arrays.append(y.astype(bool))
    if any(y.shape != arrays[0].shape for y in arrays) or not arrays[0].shape[0]:
        raise ValueError(
            "The indicator matrices must have one shape and at least one "
            f"document; got {[y.shape for y in arrays]}."
        )
    return arrays


def multilabel_scores(y_true, y_pred) -> dict:
    """Score multi-label predictions with :mod:`sklearn.metrics`.

    Parameters
    ----------
    y_true, y_pred : array-like or sparse matrix of shape (n_documents, n_labels)
        0/1 indicator matrices: the true labels and the predicted ones.

    Returns
    -------
    scores : dict
        The :data:`MULTILABEL_METRICS`: ``macro_f1`` (the mean of the
        labels' F1), ``micro_f1`` (F1 of all the label decisions pooled),
        ``samples_f1`` (the mean of the documents' F1), ``subset_accuracy``
        (documents whose labels are all right) and ``hamming_loss`` (the
        fraction of wrong label decisions). An F1 of no true and no
        predicted label counts 0 (``zero_division=0``).

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import multilabel_scores
    >>> scores = multilabel_scores([[1, 0], [1, 1]], [[1, 0], [1, 0]])
    >>> {name: round(value, 4) for name, value in scores.items()}
    {'macro_f1': 0.5, 'micro_f1': 0.8, 'samples_f1': 0.8333, 'subset_accuracy': 0.5, 'hamming_loss': 0.25}
    """
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    y_true, y_pred = _check_indicators(y_true, y_pred)
    scores = {
        f"{average}_f1": f1_score(y_true, y_pred, average=average, zero_division=0.0)
        for average in ("macro", "micro", "samples")
    }
    scores["subset_accuracy"] = accuracy_score(y_true, y_pred)
    scores["hamming_loss"] = hamming_loss(y_true, y_pred)
    return {name: float(scores[name]) for name in MULTILABEL_METRICS}


def _label_columns(y_true, y_pred) -> np.ndarray:
    """Per document and label: a true positive, and a wrong decision.

    An array of shape (n_documents, 2 * n_labels) of 0/1 (uint8): the
    labels' F1 scores are functions of its column sums (F1 is
    ``2 TP / (2 TP + FP + FN)``), so resampling documents is resampling
    its rows.
    """
    return np.concatenate([y_true & y_pred, y_true != y_pred], axis=1).astype(np.uint8)


def _ratio(numerator, denominator):
    """``numerator / denominator``, 0 where the denominator is 0."""
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    return np.divide(
        numerator,
        denominator,
        out=np.zeros(numerator.shape),
        where=denominator > 0,
    )


def _f1_scores(labels) -> tuple[np.ndarray, np.ndarray]:
    """Macro- and micro-F1 of resampled documents, from :func:`_label_columns`.

    ``labels`` has shape (..., 2 * n_labels, n_documents), the documents
    last; both results have shape (...).
    """
    sums = labels.sum(axis=-1, dtype=np.int64)
    tp, errors = np.split(sums, 2, axis=-1)
    macro = _ratio(2 * tp, 2 * tp + errors).mean(axis=-1)
    tp, errors = tp.sum(axis=-1), errors.sum(axis=-1)
    return macro, _ratio(2 * tp, 2 * tp + errors)


def _batch(columns) -> int:
    """Resamples per batch that keep a batch under :data:`_BATCH_BYTES`."""
    return max(1, _BATCH_BYTES // columns.size)


def multilabel_bootstrap_ci(
    y_true,
    y_pred,
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    random_state: int = 0,
) -> dict:
    """Percentile bootstrap intervals of the multi-label scores.

    The test documents are resampled with replacement
    (:func:`scipy.stats.bootstrap`, ``method="percentile"``), and each
    resample is scored from the sums of its documents' true positives and
    wrong decisions per label, in one vectorised pass per batch of
    resamples instead of one :func:`~sklearn.metrics.f1_score` call per
    resample (and from each document's own sums for the three
    per-document scores). The scores at the full sample are those of
    :func:`multilabel_scores`.

    Parameters
    ----------
    y_true, y_pred : array-like or sparse matrix of shape (n_documents, n_labels)
        0/1 indicator matrices: the true labels and the predicted ones.
    confidence : float, default=0.95
        Level of the intervals.
    n_resamples : int, default=1000
        Bootstrap resamples.
    random_state : int, default=0
        Seed of the resampling.

    Returns
    -------
    intervals : dict of str to (float, float)
        ``(low, high)`` per score of :data:`MULTILABEL_METRICS`.

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import multilabel_bootstrap_ci
    >>> y = [[1, 0], [0, 1], [1, 1], [0, 1]]
    >>> multilabel_bootstrap_ci(y, y)["micro_f1"]
    (1.0, 1.0)
    """
    from scipy import stats

    y_true, y_pred = _check_indicators(y_true, y_pred)
    labels = _label_columns(y_true, y_pred)
    n_labels = y_true.shape[1]
    # Each document's own true positives and wrong decisions, last.
    columns = np.column_stack(
        [labels, (y_true & y_pred).sum(axis=1), (y_true != y_pred).sum(axis=1)]
    ).astype(np.min_scalar_type(n_labels))

    def statistic(sample, axis=-1):
        # scipy passes (columns, resamples, documents).
        sample = np.moveaxis(sample, 0, -2)
        macro, micro = _f1_scores(sample[..., :-2, :])
        tp, errors = sample[..., -2, :].astype(np.int64), sample[..., -1, :]
        return np.stack(
            [
                macro,
                micro,
                _ratio(2 * tp, 2 * tp + errors).mean(axis=-1),
                (errors == 0).mean(axis=-1),
                errors.mean(axis=-1) / n_labels,
            ]
        )

    result = stats.bootstrap(
        (columns,),
        statistic,
        axis=0,
        vectorized=True,
        n_resamples=n_resamples,
        batch=_batch(columns),
        confidence_level=confidence,
        method="percentile",
        random_state=np.random.default_rng(random_state),
    )
    low, high = result.confidence_interval
    return {
        name: (float(low[i]), float(high[i]))
        for i, name in enumerate(MULTILABEL_METRICS)
    }


@dataclass(frozen=True)
class PairedPermutation:
    """A paired permutation test of one score of two models on the same documents.

    Attributes
    ----------
    difference : float
        The score of the first model minus that of the second.
    p_value : float
        Two-sided p-value of "both models have the same score".
    n_resamples : int
        Permutations drawn (every one of the ``2 ** n_documents`` when
        that is fewer: an exact test).
    method : str
        How the p-value was computed, in words: ``"exact, all N swaps"`` or
        ``"N random swaps"``.
    """

    difference: float
    p_value: float
    n_resamples: int
    method: str


def paired_permutation_test(
    y_true,
    y_pred_first,
    y_pred_second,
    *,
    n_resamples: int = 9999,
    random_state: int = 0,
) -> PairedPermutation:
    """Paired permutation test of the macro-F1 of two multi-label models.

    Under the null hypothesis that the two models are exchangeable, which of
    them made a document's predictions is a coin flip.
    :func:`scipy.stats.permutation_test` with ``permutation_type="samples"``
    swaps the two models' predictions of each document independently and
    recomputes the difference of macro-F1 each time (from the documents'
    per-label counts, as :func:`multilabel_bootstrap_ci` does). With
    ``2 ** n_documents`` swaps or fewer than ``n_resamples``, all are
    enumerated (an exact test).

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_documents, n_labels)
        The true 0/1 labels.
    y_pred_first, y_pred_second : array-like or sparse matrix
        The two models' 0/1 predictions of the same documents, same shape.
    n_resamples : int, default=9999
        Random permutations.
    random_state : int, default=0
        Seed of the permutations.

    Returns
    -------
    test : PairedPermutation

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import paired_permutation_test
    >>> y = [[1, 0], [0, 1], [1, 1]]
    >>> test = paired_permutation_test(y, y, [[1, 0], [0, 0], [0, 1]])
    >>> round(test.difference, 4), test.p_value, test.n_resamples
    (0.3333, 0.5, 8)
    """
    from scipy import stats

    y_true, first, second = _check_indicators(y_true, y_pred_first, y_pred_second)
    first, second = _label_columns(y_true, first), _label_columns(y_true, second)

    def statistic(x, y, axis=-1):
        return _f1_scores(x)[0] - _f1_scores(y)[0]

    result = stats.permutation_test(
        (first, second),
        statistic,
        permutation_type="samples",
        vectorized=True,
        axis=0,
        n_resamples=n_resamples,
        batch=_batch(first),
        alternative="two-sided",
        random_state=np.random.default_rng(random_state),
    )
    n_drawn = len(result.null_distribution)
    exact = n_drawn < n_resamples or 2 ** len(y_true) <= n_resamples
    method = f"exact, all {n_drawn:,} swaps" if exact else f"{n_drawn:,} random swaps"
    return PairedPermutation(
        float(result.statistic), float(result.pvalue), n_drawn, method
    )
