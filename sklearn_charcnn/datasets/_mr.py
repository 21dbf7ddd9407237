"""Movie Review sentence polarity data set, "MR" (Pang & Lee, 2005)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sklearn_charcnn._compat import validate_params
from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import load_text_file

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
    _base.RemoteFile(
        "rt-polarity.neg",
        _BASE_URL + "rt-polarity.neg",
        "sha256:2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
    ),
    _base.RemoteFile(
        "rt-polarity.pos",
        _BASE_URL + "rt-polarity.pos",
        "sha256:4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
    ),
]
_FIX = (
    "Delete it (with its .sha256 file, if any) and call fetch_mr() to download "
    "rt-polarity.neg and .pos again, or replace it with a good copy."
)
# The CSV layout (header label,text, negative sentences first, each line
# stripped): the SHA-256 of the conversion of the two files, then of its xz
# copy in the benchmark data.
_CSV = _base.FileSpec(
    "rt-polarity.csv",
    (
        "sha256:6095a5e022727d3f24d5d0d0964eee706d686f34a5aa64184d2bcc890066b818",
        "sha256:63dd8cca5c71c7b473bbc464b009ba39568a9dde62c171d175398440ab1d510e",
    ),
    _FIX,
)


def _read_csv(path: Path):
    bunch = load_text_file(path, sep=",")
    return bunch.data, _base._int_target(bunch.target, ("0", "1"), path, _FIX)


def _read_sentences(path: Path) -> list[str]:
    """Return the non-empty, stripped lines of a sentence file."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Cornell's own release
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read_mr(folder: Path, download_if_missing: bool, options):
    def from_sentence_files():
        paths = [folder / remote.filename for remote in _REMOTES]
        if not all(path.is_file() for path in paths) and not download_if_missing:
            files = "rt-polarity.neg and rt-polarity.pos, or rt-polarity.csv,"
            reason = "download_if_missing=False"
            raise _base._missing_error(folder, files, reason, _SOURCE)
        specs = [_base.FileSpec(r.filename, (r.checksum,), _FIX, r) for r in _REMOTES]
        data = [
            _base._load_file(
                folder, spec, _read_sentences, download_if_missing, options
            )
            for spec in specs
        ]
        target = np.repeat([0, 1], [len(data[0]), len(data[1])])
        return data[0] + data[1], target.astype(np.int64)

    return _base._load_file(
        folder, _CSV, _read_csv, download_if_missing, options, from_sentence_files
    )


@validate_params(_base.FETCH_CONSTRAINTS, prefer_skip_nested_validation=True)
@_base._fill_doc
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

    The fetcher reads ``<data_home>/mr/rt-polarity.csv`` (header
    ``label,text``; ``.xz``, ``.gz`` or ``.bz2`` copies too), else the
    original ``rt-polarity.neg`` and ``.pos`` (a sentence a line),
    downloaded if missing. A file is read only when its SHA-256 is the
    published one or the ``.sha256`` file's (see :ref:`datasets`).

    Parameters
    ----------
    {fetch_parameters}

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame), ``target`` (ndarray of int64,
        0 = negative, 1 = positive, or Series), ``frame`` (DataFrame or
        None), ``target_names`` (``['neg', 'pos']``), ``feature_names``
        (``['text']``) and ``DESCR`` (description and citation).
    (data, target) : tuple
        With ``return_X_y=True``.

    {fetch_raises}

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
    folder = Path(_base.get_data_home(data_home)) / "mr"
    options = {"n_retries": n_retries, "delay": delay}
    splits = [_read_mr(folder, download_if_missing, options)]
    labels = ["neg", "pos"]
    return _base._bunch(
        splits, labels, "mr", shuffle, random_state, as_frame, return_X_y
    )
