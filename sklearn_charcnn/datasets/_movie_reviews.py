"""Movie review polarity: IMDB (Maas et al., 2011) and MR (Pang & Lee, 2005)."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import lzma
import os
import re
import tarfile
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from sklearn_charcnn._atomic import atomic_write
from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import load_text_file

__all__ = ["fetch_imdb", "fetch_mr"]

logger = logging.getLogger(__name__)

_IMDB_SOURCE = "https://ai.stanford.edu/~amaas/data/sentiment/"
# 84,125,825 bytes; the MD5 published by torchtext and PaddlePaddle.
_ARCHIVE_FIX = (
    "Delete it and call fetch_imdb() to download the original archive, or "
    "replace it with a good copy (extract the archive again for a folder)."
)
_ARCHIVE = _base.RemoteFile(
    "aclImdb_v1.tar.gz",
    _IMDB_SOURCE + "aclImdb_v1.tar.gz",
    "md5:7c2ac02c03563afcf9b574c7e56c153a",
    fix=_ARCHIVE_FIX,
)
_REVIEW = re.compile(r"(?:^|/)aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
# The SHA-256 of the CSV file that _convert writes from the original archive
# (header label,rating,id,text; rows sorted by label, then id), then of its
# xz copy in the benchmark data.
_IMDB_FILES = {
    split: _base.RemoteFile(
        f"{split}.csv",
        None,
        csv_digest,
        (xz,),
        _base._fix(
            f"fetch_imdb(subset={split!r})",
            "rebuild it from the original archive (downloaded if missing)",
        ),
    )
    for split, (csv_digest, xz) in {
        "train": (
            "sha256:3b9ea9ea967d4492154b1b0a21a971da6d8d2ccb258becfef4f1087fc1495399",
            "sha256:734d1d796698821e40682d018faab0a9f0db82a6e15639c8ae4458df12f9d17b",
        ),
        "test": (
            "sha256:a455968c7e172c976831ed9fca039f58fcc34837ff011cab5edd52a47ce98857",
            "sha256:7ef358ec713c085bd825f588297fe9332d142cc07af30253262692805a10d918",
        ),
    }.items()
}
_MR_SOURCE = "https://www.cs.cornell.edu/people/pabo/movie-review-data/"
# The UTF-8 copy used by Kim (2014)-style code; the original tarball at
# _MR_SOURCE holds the same sentences in Windows-1252.
_MR_URL = (
    "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/"
    "18762b459e21d9c70e5c242f8d43fc4e6db37a0d/data/rt-polaritydata/rt-polarity."
)
_MR_FIX = _base._fix("fetch_mr()", "download rt-polarity.neg and .pos again")
_MR_FILES = [
    _base.RemoteFile(f"rt-polarity.{polarity}", _MR_URL + polarity, digest, fix=_MR_FIX)
    for polarity, digest in [
        (
            "neg",
            "sha256:2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
        ),
        (
            "pos",
            "sha256:4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
        ),
    ]
]
# The CSV layout (header label,text, negative sentences first, each line
# stripped): the SHA-256 of the two files' conversion, then of its xz copy in
# the benchmark data.
_MR_CSV = _base.RemoteFile(
    "rt-polarity.csv",
    None,
    "sha256:6095a5e022727d3f24d5d0d0964eee706d686f34a5aa64184d2bcc890066b818",
    ("sha256:63dd8cca5c71c7b473bbc464b009ba39568a9dde62c171d175398440ab1d510e",),
    _MR_FIX,
)
_DOC_TARGET = "ndarray of int64, 0 = ``neg``, 1 = ``pos``"


def _read_polarity_csv(path: Path, fix: str):
    bunch = load_text_file(path, sep=",")
    unknown = sorted(set(bunch.target_names) - {"0", "1"})
    if unknown:
        message = f"{path} has the label(s) {unknown[:5]}, not ('0', '1')."
        raise _base.DataFileError(message, fix)
    return bunch.data, bunch.target.astype(np.int64)


def _review_files(source: Path):
    """Yield ``(name, bytes)`` of the files of the archive or extracted folder."""
    if source.is_dir():
        for path in sorted(source.glob("*/*/*.txt")):
            yield f"aclImdb/{path.relative_to(source).as_posix()}", path.read_bytes()
        return
    with tarfile.open(source) as archive:
        for member in archive:
            if member.isfile() and _REVIEW.search(member.name):
                yield member.name, archive.extractfile(member).read()


def _reviews(source: Path) -> dict:
    """Return ``{split: [(label, id, rating, text)]}`` of the labelled reviews."""
    rows, name = {"train": [], "test": []}, source
    try:
        for name, content in _review_files(source):  # noqa: B007 - used below
            match = _REVIEW.search(name)
            if match:
                split, polarity, review_id, rating = match.groups()
                review = (int(review_id), int(rating), content.decode("utf-8"))
                rows[split].append((int(polarity == "pos"), *review))
    except UnicodeDecodeError as exc:
        message = f"The review {name} is not UTF-8 ({exc}): the archive or folder"
        raise _base.DataFileError(f"{message} is damaged.", _ARCHIVE_FIX) from None
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
        raise _base.DataFileError(
            f"{source} cannot be read ({type(exc).__name__}: {exc}): the archive "
            "is damaged or cut short.",
            _ARCHIVE_FIX,
        ) from exc
    return rows


def _convert(source: Path, split: str, home: Bunch):
    """Return ``split``'s (data, target) of the original reviews in ``source``.

    Both CSV files are written when they match the published conversion and
    the folder is writable; a ``split`` that does not match raises.
    """
    rows, writable = _reviews(source), _base._is_writable(home.folder)
    for name, split_rows in rows.items():
        split_rows.sort()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["label", "rating", "id", "text"])
        writer.writerows((label, rate, i, text) for label, i, rate, text in split_rows)
        content = buffer.getvalue().encode("utf-8")
        digest = f"sha256:{hashlib.sha256(content).hexdigest()}"
        published = digest == _IMDB_FILES[name].checksum
        path = home.folder / f"{name}.csv"
        if published and writable and not _base._find_file(home.folder, path.name):
            with atomic_write(path, "wb") as out:
                out.write(content)
            _base._record(path)
        if name == split and not published:
            raise _base.DataFileError(
                f"{source} does not convert to the published {name}.csv ({digest}; "
                f"{len(split_rows):,} {name} reviews where the data set has 25,000): "
                "it is incomplete, damaged or another version.",
                _ARCHIVE_FIX,
            )
    if not writable:
        message = "%s is read-only: the IMDB reviews were converted in memory."
        logger.info(message, home.folder)
    target = np.asarray([row[0] for row in rows[split]], dtype=np.int64)
    return [row[3] for row in rows[split]], target


def _imdb_from_source(split: str, home: Bunch):
    """Convert the original reviews, downloading the archive if need be."""
    source = home.folder / "aclImdb"
    if not source.is_dir():
        source = _base._find_file(home.folder, _ARCHIVE.filename)
    if source is not None:
        return _convert(source, split, home)
    if not home.download_if_missing:
        files = f"train.csv and test.csv, or the original {_ARCHIVE.filename},"
        reason = "download_if_missing=False"
        raise _base._missing_error(home.folder, files, reason, _IMDB_SOURCE)
    source = _base._download(_ARCHIVE, home)
    try:
        return _convert(source, split, home)
    finally:
        source.unlink()
        _base._sidecar(source).unlink(missing_ok=True)


def _read_sentences(path: Path, fix: str) -> list[str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Cornell's own release
    return [line.strip() for line in text.splitlines() if line.strip()]


def _mr_from_source(split: None, home: Bunch):
    """Return (data, target) of rt-polarity.neg and .pos, downloaded if missing."""
    if not home.download_if_missing and not all(
        _base._find_file(home.folder, spec.filename) for spec in _MR_FILES
    ):
        files = "rt-polarity.neg and rt-polarity.pos, or rt-polarity.csv,"
        reason = "download_if_missing=False"
        raise _base._missing_error(home.folder, files, reason, _MR_SOURCE)
    neg, pos = [_base._load_file(home, spec, _read_sentences) for spec in _MR_FILES]
    return neg + pos, np.repeat(np.array([0, 1], dtype=np.int64), [len(neg), len(pos)])


@_base._fetcher(_DOC_TARGET, subsets=("train", "test"))
def fetch_imdb(
    subset: str = "train",
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
    """Load the Large Movie Review Dataset (IMDB sentiment, 2 classes).

    50,000 movie reviews from IMDB, half for training, half for testing, each
    half balanced between negative and positive, as released by Maas et al.
    (2011). The fetcher reads ``train.csv`` and ``test.csv``, written from
    the original archive if missing (see :ref:`datasets`).

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    {parameters}

    {returns}

    References
    ----------
    .. [1] A. L. Maas, R. E. Daly, P. T. Pham, D. Huang, A. Y. Ng and
       C. Potts, "Learning Word Vectors for Sentiment Analysis", ACL 2011.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_imdb
    >>> train = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(train.data), train.target_names  # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    files, names = _IMDB_FILES, ["neg", "pos"]
    return _base._fetch(
        "imdb", files, _read_polarity_csv, names, _imdb_from_source, locals()
    )


@_base._fetcher(_DOC_TARGET)
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

    10,662 sentences of Rotten Tomatoes reviews, half negative, half
    positive, as released by Pang & Lee (2005), in a single split. The
    fetcher reads ``rt-polarity.csv``, else the original ``rt-polarity.neg``
    and ``.pos``, downloaded if missing (see :ref:`datasets`).

    Parameters
    ----------
    {parameters}

    {returns}

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
    files, names = {None: _MR_CSV}, ["neg", "pos"]
    return _base._fetch(
        "mr", files, _read_polarity_csv, names, _mr_from_source, locals()
    )
