"""Movie Review sentence polarity data set, "MR" (Pang & Lee, 2005)."""

from __future__ import annotations

import os
from pathlib import Path

from sklearn_charcnn._compat import validate_params
from sklearn_charcnn.datasets._base import (
    FETCH_CONSTRAINTS,
    DataFileError,
    FileSpec,
    RemoteFile,
    _candidates,
    _discard,
    _download,
    _find_file,
    _load_descr,
    _make_bunch,
    _may_fetch_again,
    _missing_error,
    _read_lines,
    _read_records,
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
# The data set's definition: 5,331 sentences of each polarity.
_SENTENCES_PER_LABEL = 5_331
_FIX = (
    "Delete it (with its .sha256 file, if any) and call fetch_mr() to download "
    "the original files again, or replace it with a good copy."
)
# The CSV layout (header label,text, negative sentences first, each line
# stripped): the SHA-256 of the conversion of the two files above.
_CSV_SHA256 = "sha256:6095a5e022727d3f24d5d0d0964eee706d686f34a5aa64184d2bcc890066b818"


def _csv_spec() -> FileSpec:
    return FileSpec(
        "rt-polarity.csv",
        frozenset({_CSV_SHA256}),
        2 * _SENTENCES_PER_LABEL,
        _FIX.replace("the original files", "rt-polarity.neg and .pos"),
    )


def _line_spec(remote: RemoteFile) -> FileSpec:
    return FileSpec(
        remote.filename,
        frozenset({remote.checksum}),
        _SENTENCES_PER_LABEL,
        _FIX,
    )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Cornell's own release is Windows-1252; latin-1 never fails.
        return raw.decode("latin-1")


def _parse_mr_rows(path: Path, rows, fix: str):
    header = next(rows, [])
    if header[:2] != ["label", "text"]:
        raise DataFileError(
            f"{path} must start with the header 'label,text'; got {header[:2]!r}.",
            fix,
        )
    data, target = [], []
    for number, row in enumerate(rows, 1):
        if len(row) != 2 or row[0] not in ("0", "1"):
            raise DataFileError(
                f"{path}, row {number} after the header: expected 2 fields (label 0 "
                f"or 1, text), got {len(row)} field(s). The file is damaged or cut "
                "short.",
                fix,
            )
        data.append(row[1])
        target.append(int(row[0]))
    return (data, target), len(data)


def _read_sentence_file(
    folder: Path, remote: RemoteFile, download_if_missing: bool, download_options
) -> list[str]:
    path = folder / remote.filename
    for attempt in range(2):
        if not path.is_file():
            # Only reached when downloading is allowed (see _read_mr).
            _download([remote], folder, "MR", _SOURCE, **download_options)
        try:
            return _read_lines(path, _line_spec(remote), _decode)
        except DataFileError as error:
            if attempt or not _may_fetch_again(path, download_if_missing):
                raise
            _discard(path, error)
    raise AssertionError("unreachable")  # pragma: no cover


def _read_mr(
    folder: Path, download_if_missing: bool, download_options: dict
) -> tuple[list[str], list[int]]:
    csv_path = _find_file(folder, _candidates("rt-polarity.csv"))
    if csv_path is not None:
        spec = _csv_spec()
        return _read_records(
            csv_path, spec, lambda rows: _parse_mr_rows(csv_path, rows, spec.fix)
        )
    paths = [folder / remote.filename for remote in _REMOTES]
    if not all(path.is_file() for path in paths) and not download_if_missing:
        files = ["rt-polarity.neg and rt-polarity.pos", "rt-polarity.csv"]
        raise _missing_error("MR", folder, files, "download_if_missing=False", _SOURCE)
    data, target = [], []
    for label, remote in enumerate(_REMOTES):
        sentences = _read_sentence_file(
            folder, remote, download_if_missing, download_options
        )
        data += sentences
        target += [label] * len(sentences)
    return data, target


@validate_params(FETCH_CONSTRAINTS, prefer_skip_nested_validation=True)
def fetch_mr(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
    shuffle: bool = False,
    random_state=None,
    n_retries: int = 3,
    delay: float = 1.0,
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
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with one column ``"text"``,
        ``target`` as a Series and both as ``frame`` (pandas is imported
        only then). Pass ``data["text"]`` to a text estimator.
    shuffle : bool, default=False
        Shuffle the sentences; the files list negative sentences first.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    n_retries : int, default=3
        Number of retries when a download fails on a network error.
    delay : float, default=1.0
        Seconds between retries.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame), ``target`` (ndarray of int64,
        0 = negative, 1 = positive, or Series), ``frame`` (DataFrame or
        None), ``target_names`` (``['neg', 'pos']``), ``feature_names``
        (``['text']``) and ``DESCR`` (description and citation).
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    OSError
        If the files are missing and cannot be downloaded; the message
        names the files and the folder to put them in.
    DataFileError
        If a file is damaged, cut short or not the published one (an
        ``OSError`` and a ``ValueError``); the message names the file and
        how to fix it.

    Notes
    -----
    ``rt-polarity.neg`` and ``.pos`` are accepted when they match the
    published SHA-256 or the ``<file>.sha256`` file beside them (written
    when the loader downloads them); else, placed by hand (Cornell's
    Windows-1252 release, say), when each has exactly 5,331 non-empty
    lines and ends with a line break. ``rt-polarity.csv`` is accepted when
    its content matches the conversion of those files, its ``.sha256``
    file, or has 10,662 well-formed rows. A damaged file the loader
    downloaded is downloaded again (with a warning) when
    ``download_if_missing=True``; files placed by hand are never deleted.

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
    data, target = _read_mr(
        folder, download_if_missing, {"n_retries": n_retries, "delay": delay}
    )
    return _make_bunch(
        data,
        target,
        ["neg", "pos"],
        _load_descr("mr.rst"),
        shuffle=shuffle,
        random_state=random_state,
        return_X_y=return_X_y,
        as_frame=as_frame,
        caller="fetch_mr",
    )
