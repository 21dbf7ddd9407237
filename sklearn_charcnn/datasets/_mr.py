"""Movie Review sentence polarity data set, "MR" (Pang & Lee, 2005)."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import numpy as np

from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._imdb import _read_polarity_csv

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
_FIX = _base._fix("fetch_mr()", "download rt-polarity.neg and .pos again")
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


def _read_sentence_file(path: Path) -> list[str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Cornell's own release
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read_sentences(home: _base._Home):
    """Return (data, target) of rt-polarity.neg and .pos, downloaded if missing."""
    names = [remote.filename for remote in _REMOTES]
    if not home.download_if_missing and not all(
        _base._find_file(home.folder, name) for name in names
    ):
        files = "rt-polarity.neg and rt-polarity.pos, or rt-polarity.csv,"
        reason = "download_if_missing=False"
        raise _base._missing_error(home.folder, files, reason, _SOURCE)
    neg, pos = [
        _base._load_file(
            home,
            _base.FileSpec(r.filename, (r.checksum,), _FIX, r),
            _read_sentence_file,
        )
        for r in _REMOTES
    ]
    return neg + pos, np.repeat(np.array([0, 1], dtype=np.int64), [len(neg), len(pos)])


@_base._fetcher({}, "ndarray of int64, 0 = ``neg``, 1 = ``pos``")
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

    10,662 sentences of movie reviews from Rotten Tomatoes, half negative,
    half positive, lower-cased and tokenised, as released by Pang & Lee
    (2005) ("sentence polarity dataset v1.0"), in a single split.

    The fetcher reads ``<data_home>/mr/rt-polarity.csv`` (header
    ``label,text``; or a ``.xz``, ``.gz``, ``.bz2`` copy), else the original
    ``rt-polarity.neg`` and ``.pos`` (a sentence a line), downloaded if
    missing; each file only when its SHA-256 is the published one or its
    ``.sha256`` file's (see :ref:`datasets`).

    Parameters
    ----------
    {parameters}

    {returns}

    {raises}

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
    home = _base._Home(folder, download_if_missing, n_retries, delay)
    read_csv = partial(_read_polarity_csv, fix=_FIX)
    split = _base._load_file(home, _CSV, read_csv, lambda: _read_sentences(home))
    labels = ["neg", "pos"]
    return _base._bunch(
        [split], labels, "mr", shuffle, random_state, as_frame, return_X_y
    )
