"""The documents of a comparison: a known data set or the user's own file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["CORPUS_CHARCNN", "Corpus", "load_corpus"]

CORPUS_CHARCNN = {"goemotions": {"max_length": 128}}
"""The char-CNN settings a known data set brings, over the comparison's defaults.

GoEmotions' Reddit comments are short: 128 characters, just above the
network's minimum input length (123, see
:func:`~sklearn_charcnn.network.min_input_length`), keep most of them whole
at half the cost of the default 256.
"""


@dataclass
class Corpus:
    """Labelled documents, the name to report them by, and how they were read.

    Attributes
    ----------
    data : list of str
        The documents.
    target : ndarray
        Their labels: one per document, or a 0/1 indicator matrix of shape
        (n_documents, n_labels) for several labels per document.
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
    target_names : list of str, default=None
        For an indicator target, the name of each of its columns.
    label_sep : str, default=None
        The separator of several labels in a file's label column.
    subsets : dict of str to int, default=None
        A data set's own splits, as the number of documents of each, in
        the order of ``data`` (``train``, ``dev``, ``test``).
    charcnn : dict, default={}
        The char-CNN settings the data set brings (:data:`CORPUS_CHARCNN`).
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
    target_names: list | None = None
    label_sep: str | None = None
    subsets: dict | None = None
    charcnn: dict = field(default_factory=dict)

    @property
    def multilabel(self) -> bool:
        """Whether the target is an indicator matrix (several labels per document)."""
        return np.ndim(self.target) == 2

    def official_split(self):
        """Return a data set's own split as the comparison uses it.

        Returns
        -------
        cv : list of (ndarray, ndarray) or None
            One (train, test) pair: the ``train`` and ``dev`` documents
            train, the ``test`` documents test; None without ``subsets``.
        validation : PredefinedSplit or None
            Over the training documents: the ``dev`` ones are held out (the
            baselines' choices); None without a ``dev`` subset.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_charcnn.compare import Corpus
        >>> corpus = Corpus(list("abcdef"), np.eye(6, 2), "six",
        ...                 subsets={"train": 3, "dev": 1, "test": 2})
        >>> cv, validation = corpus.official_split()
        >>> [part.tolist() for part in cv[0]], validation.test_fold.tolist()
        ([[0, 1, 2, 3], [4, 5]], [-1, -1, -1, 0])
        """
        from sklearn.model_selection import PredefinedSplit

        if not self.subsets:
            return None, None
        sizes = dict(self.subsets)
        n_test = sizes.pop("test", 0)
        n_train = sum(sizes.values())
        cv = [(np.arange(n_train), np.arange(n_train, n_train + n_test))]
        if "dev" not in sizes:
            return cv, None
        fold = np.full(n_train, -1)
        fold[n_train - sizes["dev"] :] = 0
        return cv, PredefinedSplit(fold)

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
            details = {"n_empty": sum(not text.strip() for text in self.data)}
            if self.subsets:
                details["subsets"] = dict(self.subsets)
            return details
        details = {
            "file": self.file,
            "format": self.format,
            "text_columns": list(self.text_columns),
            "label_column": self.label_column,
            "sep": self.sep,
            "encoding": self.encoding,
            "n_dropped": self.n_dropped,
            "n_empty": self.n_empty,
        }
        if self.label_sep is not None:
            details["label_sep"] = self.label_sep
        return details


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
    if dataset == "goemotions":
        return _goemotions(subset, data_home)
    raise ValueError(
        f"Unknown dataset {dataset!r}; choose among 'ag_news', 'goemotions', "
        "'imdb' and 'mr'."
    )


def _goemotions(subset, data_home) -> Corpus:
    """GoEmotions: its published train/dev/test split, or one of its parts."""
    from sklearn_charcnn.datasets import fetch_goemotions

    parts = ("train", "dev", "test") if subset in (None, "all") else (subset,)
    bunches = [fetch_goemotions(part, data_home=data_home) for part in parts]
    name = "GoEmotions " + ("train / dev / test" if len(parts) > 1 else parts[0])
    return Corpus(
        [text for bunch in bunches for text in bunch.data],
        np.concatenate([bunch.target for bunch in bunches]),
        name,
        target_names=list(bunches[0].target_names),
        subsets=(
            {part: len(b.data) for part, b in zip(parts, bunches, strict=True)}
            if len(parts) > 1
            else None
        ),
        charcnn=dict(CORPUS_CHARCNN["goemotions"]),
    )


def _read_file(path, label_column, options) -> Corpus:
    from sklearn_charcnn.datasets import load_text_file

    bunch = load_text_file(path, label_column=label_column, **options)
    multilabel = options["label_sep"] is not None
    if len(bunch.target_names) < 2:
        kind, fix = (
            ("label(s)", " and the label separator (--label-sep)")
            if multilabel
            else ("class(es)", "")
        )
        raise ValueError(
            f"{path} has {len(bunch.target_names)} {kind} in its "
            f"{label_column!r} column ({bunch.target_names}); a classifier needs "
            f"at least two. Check the label column (--label-column){fix}."
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
        target_names=list(bunch.target_names) if multilabel else None,
        label_sep=options["label_sep"],
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
    label_sep: str | None = None,
    sep: str | None = None,
    encoding: str = "utf-8",
    missing_labels: str = "raise",
    columns: list[str] | None = None,
    quoting: bool = True,
) -> Corpus:
    """Read the documents of a comparison.

    Parameters
    ----------
    dataset : {"ag_news", "goemotions", "imdb", "mr"}, default=None
        A known data set; None is the AG News test split shipped with the
        package (:func:`~sklearn_charcnn.datasets.load_ag_news`) unless
        ``subset`` or ``data_home`` point at the full data set. GoEmotions
        is multi-label: ``target`` is an indicator matrix, with
        ``target_names``.
    subset : {"train", "dev", "test", "all"}, default=None
        Its split: ``"test"`` for AG News and ``"train"`` for IMDB if None;
        for GoEmotions, None or ``"all"`` reads its train, dev and test
        documents in that order and records them in ``subsets`` (see
        :meth:`Corpus.official_split`).
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
    label_sep : str, default=None
        The separator of several labels in one label field (e.g. ``","``
        for ``8,20``): ``target`` is then a 0/1 indicator matrix whose
        columns ``target_names`` names. Rows whose field holds no label
        follow ``missing_labels``.
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
        "label_sep": label_sep,
        "sep": sep,
        "encoding": encoding,
        "missing_labels": missing_labels,
        "columns": columns,
        "quoting": quoting,
    }
    return _read_file(path, label_column, options)
