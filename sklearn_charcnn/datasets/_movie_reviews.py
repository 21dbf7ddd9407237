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

from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import load_text_file

__all__ = ["fetch_imdb", "fetch_mr"]

logger = logging.getLogger(__name__)

_IMDB_SOURCE = "https://ai.stanford.edu/~amaas/data/sentiment/"
# 84,125,825 bytes; the MD5 published by torchtext and PaddlePaddle.
_ARCHIVE = _base.RemoteFile(
    "aclImdb_v1.tar.gz",
    _IMDB_SOURCE + "aclImdb_v1.tar.gz",
    "md5:7c2ac02c03563afcf9b574c7e56c153a",
)
_REVIEW = re.compile(r"(?:^|/)aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
# SHA-256 of the CSV files that _convert writes from the original archive
# (header label,rating,id,text; rows sorted by label, then id), then of
# their xz copies in the benchmark data.
_CSV_DIGESTS = {
    "train": (
        "sha256:3b9ea9ea967d4492154b1b0a21a971da6d8d2ccb258becfef4f1087fc1495399",
        "sha256:734d1d796698821e40682d018faab0a9f0db82a6e15639c8ae4458df12f9d17b",
    ),
    "test": (
        "sha256:a455968c7e172c976831ed9fca039f58fcc34837ff011cab5edd52a47ce98857",
        "sha256:7ef358ec713c085bd825f588297fe9332d142cc07af30253262692805a10d918",
    ),
}
_ARCHIVE_FIX = (
    "Delete it and call fetch_imdb() to download the original archive, or "
    "replace it with a good copy (extract the archive again for a folder)."
)
_MR_SOURCE = "https://www.cs.cornell.edu/people/pabo/movie-review-data/"
# The UTF-8 copy used by Kim (2014)-style code; the original tarball at
# _MR_SOURCE holds the same sentences in Windows-1252.
_MR_URL = (
    "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/"
    "18762b459e21d9c70e5c242f8d43fc4e6db37a0d/data/rt-polaritydata/"
)
_MR_REMOTES = [
    _base.RemoteFile(
        "rt-polarity.neg",
        _MR_URL + "rt-polarity.neg",
        "sha256:2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
    ),
    _base.RemoteFile(
        "rt-polarity.pos",
        _MR_URL + "rt-polarity.pos",
        "sha256:4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
    ),
]
_MR_FIX = _base._fix("fetch_mr()", "download rt-polarity.neg and .pos again")
# The CSV layout (header label,text, negative sentences first, each line
# stripped): the SHA-256 of the conversion of the two files, then of its xz
# copy in the benchmark data.
_MR_CSV = _base.FileSpec(
    "rt-polarity.csv",
    (
        "sha256:6095a5e022727d3f24d5d0d0964eee706d686f34a5aa64184d2bcc890066b818",
        "sha256:63dd8cca5c71c7b473bbc464b009ba39568a9dde62c171d175398440ab1d510e",
    ),
    _MR_FIX,
)
_DOC_TARGET = "ndarray of int64, 0 = ``neg``, 1 = ``pos``"


def _read_polarity_csv(path: Path, fix: str):
    """Return (documents, int64 target) of a CSV file of columns text and label 0/1."""
    bunch = load_text_file(path, sep=",")
    unknown = sorted(set(bunch.target_names) - {"0", "1"})
    if unknown:
        message = f"{path} has the label(s) {unknown[:5]}, not ('0', '1')."
        raise _base.DataFileError(message, fix)
    return bunch.data, bunch.target.astype(np.int64)


def _review(name: str, content: bytes):
    """Return (split, label, id, rating, text) of a review file, or None."""
    match = _REVIEW.search(name)
    if match is None:
        return None
    split, polarity, review_id, rating = match.groups()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _base.DataFileError(
            f"The review {name} is not UTF-8 ({exc}): the archive or folder is "
            "damaged.",
            _ARCHIVE_FIX,
        ) from None
    return split, int(polarity == "pos"), int(review_id), int(rating), text


def _reviews(source: Path) -> list[tuple]:
    """Read the labelled reviews of the archive or the extracted folder."""
    if source.is_dir():
        files = sorted(source.glob("*/*/*.txt"))
        members = ((f"aclImdb/{p.relative_to(source).as_posix()}", p) for p in files)
        reviews = [_review(name, path.read_bytes()) for name, path in members]
        return [review for review in reviews if review]
    try:
        with tarfile.open(source) as archive:
            return [
                _review(member.name, archive.extractfile(member).read())
                for member in archive
                if member.isfile() and _REVIEW.search(member.name)
            ]
    except _base.DataFileError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
        raise _base.DataFileError(
            f"{source} cannot be read ({type(exc).__name__}: {exc}): the archive "
            "is damaged or cut short.",
            _ARCHIVE_FIX,
        ) from exc


def _convert(source: Path, split: str, home: _base._Home):
    """Return (data, target) of ``split`` from the original reviews in ``source``.

    Both CSV files are written (rows sorted by label, then id) when they
    match the published conversion and the folder is writable; a ``split``
    that does not match raises :class:`DataFileError`.
    """
    rows = {"train": [], "test": []}
    for review_split, *row in _reviews(source):
        rows[review_split].append(row)
    writable = _base._is_writable(home.folder)
    for name, split_rows in rows.items():
        split_rows.sort()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["label", "rating", "id", "text"])
        writer.writerows(
            [label, rating, i, text] for label, i, rating, text in split_rows
        )
        csv_bytes = buffer.getvalue().encode("utf-8")
        digest = f"sha256:{hashlib.sha256(csv_bytes).hexdigest()}"
        published = digest in _CSV_DIGESTS[name]
        path = home.folder / f"{name}.csv"
        if published and writable and not _base._find_file(home.folder, path.name):
            _base._write_atomically(path, lambda out, data=csv_bytes: out.write(data))
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


def _imdb_from_source(split: str, home: _base._Home):
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
    spec = _base.FileSpec(_ARCHIVE.filename, (), _ARCHIVE_FIX, _ARCHIVE)
    source = _base._download(spec, home)
    try:
        return _convert(source, split, home)
    finally:
        source.unlink()
        _base._sidecar(source).unlink(missing_ok=True)


def _read_imdb_split(split: str, home: _base._Home):
    action = "rebuild it from the original archive (downloaded if missing)"
    fix = _base._fix(f"fetch_imdb(subset={split!r})", action)
    spec = _base.FileSpec(f"{split}.csv", _CSV_DIGESTS[split], fix)
    return _base._load_file(
        home,
        spec,
        lambda path: _read_polarity_csv(path, spec.fix),
        lambda: _imdb_from_source(split, home),
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
    if not home.download_if_missing and not all(
        _base._find_file(home.folder, remote.filename) for remote in _MR_REMOTES
    ):
        files = "rt-polarity.neg and rt-polarity.pos, or rt-polarity.csv,"
        reason = "download_if_missing=False"
        raise _base._missing_error(home.folder, files, reason, _MR_SOURCE)
    neg, pos = [
        _base._load_file(
            home,
            _base.FileSpec(r.filename, (r.checksum,), _MR_FIX, r),
            _read_sentence_file,
        )
        for r in _MR_REMOTES
    ]
    return neg + pos, np.repeat(np.array([0, 1], dtype=np.int64), [len(neg), len(pos)])


def _read_mr(split: None, home: _base._Home):
    read_csv = lambda path: _read_polarity_csv(path, _MR_FIX)  # noqa: E731
    return _base._load_file(home, _MR_CSV, read_csv, lambda: _read_sentences(home))


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

    {raises}

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
    return _base._fetch(
        "imdb",
        _read_imdb_split,
        ["train", "test"] if subset == "all" else [subset],
        ["neg", "pos"],
        (data_home, download_if_missing, n_retries, delay),
        (shuffle, random_state, as_frame, return_X_y),
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
    return _base._fetch(
        "mr",
        _read_mr,
        [None],
        ["neg", "pos"],
        (data_home, download_if_missing, n_retries, delay),
        (shuffle, random_state, as_frame, return_X_y),
    )
