"""The documents of a comparison: a known data set or the user's own file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["Corpus", "load_corpus"]


@dataclass
class Corpus:
    """Labelled documents, the name to report them by, and how they were read.

    Attributes
    ----------
    data : list of str
        The documents.
    target : ndarray
        Their labels.
    name : str
        How a record names the corpus (a data set's name, or the file's).
    file : str, default=None
        The file or folder read, as given; None for a known data set.
    format : {"csv", "jsonl", "folder"}, default=None
        The file's format, as the reader found it.
    text_columns : list of str, default=[]
        The columns read and joined into each document.
    label_column : str, default=None
        The column of the labels.
    sep : str, default=None
        The separator of a CSV file (given or found).
    encoding : str, default=None
        The text encoding the file was read with.
    n_dropped : int, default=0
        Rows dropped because their label was empty.
    n_empty : int, default=0
        Documents that are empty or blank (kept).
    """

    data: list
    target: np.ndarray
    name: str
    file: str | None = None
    format: str | None = None
    text_columns: list = field(default_factory=list)
    label_column: str | None = None
    sep: str | None = None
    encoding: str | None = None
    n_dropped: int = 0
    n_empty: int = 0

    def details(self) -> dict:
        """Return what a record should say about the corpus besides its name.

        Returns
        -------
        details : dict
            ``n_empty`` always; for a file also ``file``, ``format``,
            ``text_columns``, ``label_column``, ``sep``, ``encoding`` and
            ``n_dropped``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_charcnn.compare import Corpus
        >>> Corpus(["a", " "], np.array(["x", "y"]), "two").details()
        {'n_empty': 1}
        """
        if self.file is None:
            return {"n_empty": sum(not text.strip() for text in self.data)}
        return {
            "file": self.file,
            "format": self.format,
            "text_columns": list(self.text_columns),
            "label_column": self.label_column,
            "sep": self.sep,
            "encoding": self.encoding,
            "n_dropped": self.n_dropped,
            "n_empty": self.n_empty,
        }


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


def _read_file(path, label_column, options) -> Corpus:
    from sklearn_charcnn.datasets import load_text_file

    bunch = load_text_file(path, label_column=label_column, **options)
    if len(bunch.target_names) < 2:
        raise ValueError(
            f"{path} has {len(bunch.target_names)} class(es) in its "
            f"{label_column!r} column ({bunch.target_names}); a classifier needs "
            "at least two. Check the label column (--label-column)."
        )
    return Corpus(
        bunch.data,
        bunch.target,
        Path(path).name,
        file=str(path),
        format=bunch.format,
        text_columns=list(bunch.text_columns),
        label_column=label_column,
        sep=bunch.sep,
        encoding=bunch.encoding,
        n_dropped=int(bunch.n_dropped),
        n_empty=int(bunch.n_empty),
    )


def load_corpus(
    dataset: str | None = None,
    *,
    subset: str | None = None,
    data_home=None,
    path=None,
    csv=None,
    text_column: str | list[str] = "text",
    label_column: str = "label",
    sep: str | None = None,
    encoding: str = "utf-8",
    missing_labels: str = "raise",
    columns: list[str] | None = None,
    quoting: bool = True,
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
    path : str or path, default=None
        Your own labelled documents instead of ``dataset``: a CSV or TSV
        file, a JSON Lines file or a folder with one sub-folder per class,
        read by :func:`~sklearn_charcnn.datasets.load_text_file`.
    csv : str or path, default=None
        The same as ``path``.
    text_column : str or list of str, default="text"
        The column(s) of the file holding the documents; several are joined
        with a space.
    label_column : str, default="label"
        The column of the file holding the labels.
    sep : str, default=None
        The separator of a CSV file; None finds it.
    encoding : str, default="utf-8"
        The file's text encoding.
    missing_labels : {"raise", "drop"}, default="raise"
        Rows with an empty label: an error, or dropped (counted in
        ``n_dropped``).
    columns : list of str, default=None
        The column names of a CSV file without a header row.
    quoting : bool, default=True
        Whether the fields of a CSV file may be quoted.

    Returns
    -------
    corpus : Corpus
        ``data`` (list of str), ``target``, ``name`` and, for a file, how it
        was read (:meth:`Corpus.details`).

    Raises
    ------
    DataFileError
        If the file cannot be read as asked (see
        :func:`~sklearn_charcnn.datasets.load_text_file`).
    ValueError
        If both ``path`` and ``csv`` are given, or the file holds fewer than
        two classes.

    Examples
    --------
    >>> from sklearn_charcnn.compare import load_corpus
    >>> corpus = load_corpus()
    >>> corpus.name, len(corpus.data)
    ('AG News test split (embedded)', 7600)
    """
    if path is not None and csv is not None:
        raise ValueError("Pass the file as path= or as csv=, not both.")
    path = csv if path is None else path
    if path is None:
        return _known_dataset(dataset or "ag_news", subset, data_home)
    options = {
        "text_column": text_column,
        "sep": sep,
        "encoding": encoding,
        "missing_labels": missing_labels,
        "columns": columns,
        "quoting": quoting,
    }
    return _read_file(path, label_column, options)
