"""The documents of a comparison: a known data set or the user's own file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Corpus", "load_corpus"]


@dataclass
class Corpus:
    """Labelled documents and the name to report them by."""

    data: list
    target: np.ndarray
    name: str


def _read_labelled_csv(path: Path, text_column: str, label_column: str):
    from sklearn_charcnn.datasets._base import _read_csv

    rows = _read_csv(path)
    header = next(rows, [])
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise ValueError(
            f"{path} has no column(s) {missing}; its header is {header}. Name the "
            "text and label columns (--text-column and --label-column)."
        )
    text_at, label_at = header.index(text_column), header.index(label_column)
    X, y = [], []
    for line, row in enumerate(rows, 2):
        if len(row) != len(header):
            raise ValueError(
                f"{path}, line {line}: {len(row)} fields, but the header has "
                f"{len(header)}."
            )
        X.append(row[text_at])
        y.append(row[label_at])
    return X, np.asarray(y)


def _known_dataset(dataset: str, subset, data_home) -> Corpus:
    from sklearn_charcnn import datasets

    if dataset == "ag_news" and data_home is None and subset in (None, "test"):
        X, y = datasets.load_ag_news(return_X_y=True)
        return Corpus(list(X), np.asarray(y), "AG News test split (embedded)")
    if dataset == "ag_news":
        subset = subset or "test"
        X, y = datasets.fetch_ag_news(subset, data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), f"AG News {subset}")
    if dataset == "imdb":
        subset = subset or "train"
        X, y = datasets.fetch_imdb(subset, data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), f"IMDB {subset}")
    if dataset == "mr":
        X, y = datasets.fetch_mr(data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), "MR")
    raise ValueError(
        f"Unknown dataset {dataset!r}; choose among 'ag_news', 'imdb' and 'mr'."
    )


def load_corpus(
    dataset: str | None = None,
    *,
    subset: str | None = None,
    data_home=None,
    csv=None,
    text_column: str = "text",
    label_column: str = "label",
) -> Corpus:
    """Read the documents of a comparison.

    Parameters
    ----------
    dataset : {"ag_news", "imdb", "mr"}, default=None
        A known data set; None is the AG News test split shipped with the
        package (:func:`~sklearn_charcnn.datasets.load_ag_news`) unless
        ``subset`` or ``data_home`` point at the full data set.
    subset : {"train", "test", "all"}, default=None
        Its split: ``"test"`` for AG News and ``"train"`` for IMDB if None.
    data_home : str or path, default=None
        Folder of the data sets (the fetchers' default if None).
    csv : str or path, default=None
        A CSV file with a header row, instead of ``dataset``.
    text_column, label_column : str, default="text", "label"
        The columns of ``csv`` holding the documents and their labels.

    Returns
    -------
    corpus : Corpus
        ``data`` (list of str), ``target`` and ``name``.

    Examples
    --------
    >>> from sklearn_charcnn.compare import load_corpus
    >>> corpus = load_corpus()
    >>> corpus.name, len(corpus.data)
    ('AG News test split (embedded)', 7600)
    """
    if csv is not None:
        X, y = _read_labelled_csv(Path(csv), text_column, label_column)
        return Corpus(X, y, Path(csv).name)
    return _known_dataset(dataset or "ag_news", subset, data_home)
