"""The whole comparison: build the models, evaluate them, complete the record."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np

from sklearn_charcnn.compare.evaluation import evaluate
from sklearn_charcnn.compare.fitting import subsample
from sklearn_charcnn.compare.models import (
    MODEL_NAMES,
    _build,
    _check_names_and_ensemble,
    charcnn_params,
)
from sklearn_charcnn.compare.record import Comparison, machine_info

__all__ = ["run_comparison"]


def _checked_settings(models, ensemble, charcnn, multilabel):
    """Check the model names and ensemble size; return the char-CNN's settings."""
    _check_names_and_ensemble(models, ensemble, multilabel)
    if "char-cnn" not in models:
        return None
    return charcnn_params(charcnn, multilabel=multilabel)


def _classes(y, target_names) -> list[str]:
    """Return the record's ``classes``: the labels, or the indicator's columns."""
    if np.ndim(y) == 2:
        names = target_names if target_names is not None else range(y.shape[1])
        return [str(name) for name in names]
    return [str(c) for c in np.unique(y)]


def _stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_comparison(
    X,
    y,
    *,
    models: Sequence[str] = MODEL_NAMES,
    charcnn: Mapping | None = None,
    augment: int = 0,
    augment_per_epoch: bool = False,
    ensemble: int = 1,
    test_size: float = 0.2,
    cv=None,
    random_state: int | None = 0,
    n_samples: int | None = None,
    test_curve: bool = True,
    progress: str = "none",
    corpus_name: str = "documents",
    name: str = "compare",
    question: str | None = None,
    command: str | None = None,
    notes: Sequence[str] = (),
    scheduler: str | None = None,
    corpus_details: Mapping | None = None,
    validation=0.2,
    target_names: Sequence[str] | None = None,
) -> Comparison:
    """Build the models, evaluate them on one corpus, return the record.

    Parameters
    ----------
    X : sequence of str
        The documents.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Their labels, or a 0/1 indicator matrix for several labels per
        document (the multi-label models of
        :func:`~sklearn_charcnn.compare.make_models`, scored as
        :func:`~sklearn_charcnn.compare.evaluate` says).
    models : sequence of str, default=MODEL_NAMES
        The models to compare (see :func:`~sklearn_charcnn.compare.make_models`).
    charcnn : mapping, default=None
        The char-CNN's settings (see :func:`~sklearn_charcnn.compare.charcnn_params`).
    augment : int, default=0
        Augmented copies per training document (``ThesaurusAugmenter``).
    augment_per_epoch : bool, default=False
        One of the ``augment`` copies per document in each epoch (see
        :func:`~sklearn_charcnn.compare.make_models`).
    ensemble : int, default=1
        A soft vote of this many char-CNNs with consecutive seeds (see
        :func:`~sklearn_charcnn.compare.make_models`); the record's notes give each member's
        accuracy on its own.
    test_size, cv, random_state
        The split, as in :func:`~sklearn_charcnn.compare.evaluate`; ``random_state`` also seeds the
        subsample and the char-CNN.
    n_samples : int, default=None
        First draw a stratified subsample of this many documents.
    test_curve : bool, default=True
        Record the char-CNN's test accuracy after every epoch.
    progress : {"none", "lines", "bar"}, default="none"
        ``"lines"``: a line per fit and per epoch on standard error (for
        logs); ``"bar"``: a line per fit, and the char-CNN's own epoch table
        and progress bar (for a terminal).
    corpus_name : str, default="documents"
        How the record names the corpus.
    name, question, command : str
        The record's ``name``, ``question`` and ``command``.
    notes : sequence of str, default=()
        Extra summary lines for the record.
    scheduler : str, default=None
        Address of a Dask scheduler to run the fits on (see :func:`~sklearn_charcnn.compare.evaluate`).
    corpus_details : mapping, default=None
        More facts for the record's ``corpus``, such as the file, columns
        and encoding it was read with (:meth:`Corpus.details
        <sklearn_charcnn.compare.Corpus.details>`).
    validation : float or cross-validation splitter, default=0.2
        Several labels per document only: the rows of each training part on
        which the TF-IDF baselines choose ``C`` and their thresholds (see
        :func:`~sklearn_charcnn.compare.make_models`), e.g. the
        ``PredefinedSplit`` of a data set's development split from
        :meth:`Corpus.official_split
        <sklearn_charcnn.compare.Corpus.official_split>`.
    target_names : sequence of str, default=None
        The names of an indicator matrix's columns, for the record's
        ``classes``.

    Returns
    -------
    comparison : Comparison
        The complete record.

    Examples
    --------
    >>> from sklearn_charcnn.compare import run_comparison
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    >>> labels = [1, 1, 0, 0] * 5
    >>> result = run_comparison(docs, labels, models=["tfidf-word"])
    >>> print(result.table())  # doctest: +ELLIPSIS
    model       accuracy  95% CI         macro-F1  fit s  predict s  device
    ----------  --------  -------------  --------  -----  ---------  ------
    tfidf-word    1.0000  1.000 - 1.000    1.0000  ...
    """
    if progress not in ("none", "lines", "bar"):
        raise ValueError(
            f"progress must be 'none', 'lines' or 'bar'; got {progress!r}."
        )
    started = time.perf_counter()
    multilabel = np.ndim(y) == 2
    settings = _checked_settings(models, ensemble, charcnn, multilabel)
    X, y = subsample(X, y, n_samples, random_state=random_state)
    verbose = 1 if progress == "bar" else 0
    built = _build(
        models, settings, augment, augment_per_epoch, ensemble, random_state, verbose,
        multilabel=multilabel, validation=validation,
    )  # fmt: skip
    log = None if progress == "none" else _stderr_log
    comparison = evaluate(
        built, X, y, test_size=test_size, cv=cv, random_state=random_state,
        test_curve=test_curve, epoch_lines=progress == "lines", log=log,
        scheduler=scheduler,
    )  # fmt: skip
    comparison.name, comparison.command = name, command
    comparison.question = comparison.question if question is None else question
    comparison.corpus = {
        "name": corpus_name,
        "n_documents": len(X),
        "classes": _classes(y, target_names),
        **dict(corpus_details or {}),
    }
    comparison.settings = _settings_record(
        models, settings, augment, augment_per_epoch, ensemble,
        validation if multilabel else None,
    )  # fmt: skip
    comparison.machine = machine_info()
    comparison.notes = [*comparison.notes, *notes]
    comparison.wall_s = time.perf_counter() - started
    return comparison


def _settings_record(models, charcnn, augment, per_epoch, ensemble, validation):
    """Return the settings of a comparison as its record states them."""
    settings = {
        "models": list(models),
        "charcnn": charcnn,
        "augment": augment,
        "augment_per_epoch": per_epoch,
        "ensemble": ensemble,
    }
    if validation is not None:  # how the multi-label baselines hold out rows
        settings["baseline_validation"] = (
            float(validation)
            if isinstance(validation, Real)
            else type(validation).__name__
        )
    return settings
