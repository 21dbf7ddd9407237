"""Uncertainty of a comparison: accuracy intervals and the paired McNemar test.

They take plain counts and arrays, and know nothing of models, so a script
can score any pair of classifiers with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "McNemar",
    "bootstrap_accuracy_ci",
    "fold_mean_ci",
    "format_p_value",
    "mcnemar",
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


def format_p_value(p_value: float) -> str:
    """Write a p-value for a table: three decimals, or ``< 0.001``.

    Examples
    --------
    >>> from sklearn_charcnn.compare.stats import format_p_value
    >>> format_p_value(0.21875), format_p_value(2e-9)
    ('0.219', '< 0.001')
    """
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"
