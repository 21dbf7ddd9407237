"""Movie Review sentence polarity data set, "MR" (Pang & Lee, 2005)."""

from __future__ import annotations

import os
from pathlib import Path

from sklearn_charcnn.datasets._base import (
    RemoteFile,
    _candidates,
    _download,
    _find_file,
    _load_descr,
    _make_bunch,
    _missing_error,
    _read_csv,
    get_data_home,
)

__all__ = ["fetch_mr"]

_SOURCE = "https://www.cs.cornell.edu/people/pabo/movie-review-data/"
# The UTF-8 copy used by Kim (2014)-style code; the original tarball at
# _SOURCE holds the same sentences in Windows-1252.
_COMMIT = "18762b459e21d9c70e5c242f8d43fc4e6db37a0d"
_BASE_URL = (
    "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/"
    f"{_COMMIT}/data/rt-polaritydata/"
)
_REMOTES = [
    RemoteFile(
        "rt-polarity.neg",
        _BASE_URL + "rt-polarity.neg",
        "sha256:2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
    ),
    RemoteFile(
        "rt-polarity.pos",
        _BASE_URL + "rt-polarity.pos",
        "sha256:4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
    ),
]


def _read_sentences(path: Path) -> list[str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Cornell's own release is Windows-1252; latin-1 never fails.
        text = raw.decode("latin-1")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read_mr(folder: Path, download_if_missing: bool) -> tuple[list[str], list[int]]:
    csv_path = _find_file(folder, _candidates("rt-polarity.csv"))
    if csv_path is not None:
        rows = _read_csv(csv_path)
        header = next(rows, [])
        if header[:2] != ["label", "text"]:
            raise ValueError(
                f"{csv_path} must start with the header 'label,text'; got {header!r}."
            )
        pairs = [(row[1], int(row[0])) for row in rows]
        return [text for text, _ in pairs], [label for _, label in pairs]
    paths = [folder / remote.filename for remote in _REMOTES]
    if not all(path.is_file() for path in paths):
        files = ["rt-polarity.neg and rt-polarity.pos", "rt-polarity.csv"]
        if not download_if_missing:
            raise _missing_error(
                "MR", folder, files, "download_if_missing=False", _SOURCE
            )
        missing = [
            r for r, path in zip(_REMOTES, paths, strict=True) if not path.is_file()
        ]
        _download(missing, folder, "MR", _SOURCE)
    data, target = [], []
    for label, path in enumerate(paths):
        sentences = _read_sentences(path)
        data += sentences
        target += [label] * len(sentences)
    return data, target


def fetch_mr(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    shuffle: bool = False,
    random_state=None,
):
    """Load the Movie Review sentence polarity data set (MR, 2 classes).

    10,662 sentences of movie reviews from Rotten Tomatoes, 5,331 negative
    (0) and 5,331 positive (1), lower-cased and tokenised, as released by
    Pang & Lee (2005) ("sentence polarity dataset v1.0"). It has a single
    split; it is small, which suits quick experiments.

    =================   ==========================
    Classes                                      2
    Samples                                 10,662
    Features            text (str), ~115 chars avg
    =================   ==========================

    The loader reads ``<data_home>/mr/rt-polarity.csv`` (header
    ``label,text``, or that name with ``.xz``, ``.gz`` or ``.bz2`` appended),
    else the original ``rt-polarity.neg`` and ``rt-polarity.pos`` (one
    sentence a line, UTF-8 or Windows-1252), downloading those two from a
    pinned public copy, checked by SHA-256, if they are missing.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Data home; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the files when they are not in the data home. If False,
        missing files raise ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    shuffle : bool, default=False
        Shuffle the sentences; the files list negative sentences first.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str), ``target`` (ndarray of int64, 0 = negative,
        1 = positive), ``target_names`` (``['neg', 'pos']``) and ``DESCR``
        (description and citation).
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    OSError
        If the files are missing and cannot be downloaded; the message
        names the files and the folder to put them in.

    References
    ----------
    .. [1] B. Pang and L. Lee, "Seeing stars: Exploiting class relationships
       for sentiment categorization with respect to rating scales",
       ACL 2005, pp. 115-124.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_mr
    >>> mr = fetch_mr()  # doctest: +SKIP
    >>> len(mr.data), mr.data[0]  # doctest: +SKIP
    (10662, 'simplistic , silly and tedious .')
    """
    folder = Path(get_data_home(data_home)) / "mr"
    data, target = _read_mr(folder, download_if_missing)
    return _make_bunch(
        data,
        target,
        ["neg", "pos"],
        _load_descr("mr.rst"),
        shuffle=shuffle,
        random_state=random_state,
        return_X_y=return_X_y,
    )
