"""Large Movie Review Dataset, "IMDB" (Maas et al., 2011)."""

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

from sklearn_charcnn._compat import StrOptions, validate_params
from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import load_text_file

__all__ = ["fetch_imdb"]

logger = logging.getLogger(__name__)

_SOURCE = "https://ai.stanford.edu/~amaas/data/sentiment/"
# 84,125,825 bytes; the MD5 published by torchtext and PaddlePaddle.
_ARCHIVE = _base.RemoteFile(
    "aclImdb_v1.tar.gz",
    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
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


def _fix(split: str) -> str:
    return (
        "Delete it (with its .sha256 file, if any) and call fetch_imdb(subset="
        f"{split!r}) to rebuild it from the original archive (downloaded if "
        "missing), or replace it with a good copy."
    )


def _review(name: str, content: bytes):
    """Return (split, label, rating, id, text) of a review file, or None."""
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
        reviews = [
            _review(f"aclImdb/{path.relative_to(source).as_posix()}", path.read_bytes())
            for path in sorted(source.glob("*/*/*.txt"))
        ]
        return [review for review in reviews if review]
    reviews = []
    try:
        with tarfile.open(source) as archive:
            for member in archive:
                if member.isfile() and _REVIEW.search(member.name):
                    content = archive.extractfile(member).read()
                    reviews.append(_review(member.name, content))
    except _base.DataFileError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
        raise _base.DataFileError(
            f"{source} cannot be read ({type(exc).__name__}: {exc}): the archive "
            "is damaged or cut short.",
            _ARCHIVE_FIX,
        ) from exc
    return reviews


def _convert(source: Path) -> dict[str, tuple]:
    """Convert the reviews of ``source`` into (data, target, CSV bytes) per split.

    A split whose CSV differs from the published conversion raises
    :class:`DataFileError`, when it is asked for (see :func:`_from_source`).
    """
    rows = {"train": [], "test": []}
    for split, *row in _reviews(source):
        rows[split].append(row)
    converted = {}
    for split, split_rows in rows.items():
        split_rows.sort()  # by (label, id), the order of the CSV files
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["label", "rating", "id", "text"])
        writer.writerows(
            [label, rating, i, text] for label, i, rating, text in split_rows
        )
        csv_bytes = buffer.getvalue().encode("utf-8")
        target = np.asarray([row[0] for row in split_rows], dtype=np.int64)
        converted[split] = ([row[3] for row in split_rows], target, csv_bytes)
    return converted


def _from_source(split: str, folder: Path, download_if_missing: bool, options):
    """Convert the original reviews, writing the CSV files where possible."""
    source = folder / "aclImdb"
    if not source.is_dir():
        source = _base._find_file(folder, _ARCHIVE.filename)
    downloaded = source is None
    if downloaded and not download_if_missing:
        files = f"train.csv and test.csv, or the original {_ARCHIVE.filename},"
        raise _base._missing_error(folder, files, "download_if_missing=False", _SOURCE)
    if downloaded:
        spec = _base.FileSpec(_ARCHIVE.filename, (), _ARCHIVE_FIX, _ARCHIVE)
        source = _base._download(spec, folder, download_if_missing, options)
    try:
        converted = _convert(source)
    finally:
        if downloaded:
            source.unlink()
            _base._sidecar(source).unlink(missing_ok=True)
    writable = _base._is_writable(folder)
    for name, (data, _, csv_bytes) in converted.items():
        digest = f"sha256:{hashlib.sha256(csv_bytes).hexdigest()}"
        published = digest in _CSV_DIGESTS[name]
        if published and writable and _base._find_file(folder, f"{name}.csv") is None:
            _base._write_atomically(folder / f"{name}.csv", csv_bytes)
            _base._record_sha256(folder / f"{name}.csv")
        if name == split and not published:
            raise _base.DataFileError(
                f"{source} does not convert to the published {name}.csv ({digest}; "
                f"{len(data):,} {name} reviews where the data set has 25,000): it "
                "is incomplete, damaged or another version.",
                _ARCHIVE_FIX,
            )
    if not writable:
        message = "%s is read-only: the IMDB reviews were converted in memory."
        logger.info(message, folder)
    return converted[split][:2]


def _imdb_split(split: str, folder: Path, download_if_missing: bool, options):
    spec = _base.FileSpec(f"{split}.csv", _CSV_DIGESTS[split], _fix(split))

    def read(path):
        bunch = load_text_file(path, sep=",")
        return bunch.data, _base._int_target(bunch.target, ("0", "1"), path, spec.fix)

    def missing():
        return _from_source(split, folder, download_if_missing, options)

    return _base._load_file(folder, spec, read, download_if_missing, options, missing)


# Merged with | rather than ** inside the literal: Sphinx's source parser
# (the documentation's [source] pages) fails on ** in a decorator's dict.
@validate_params(
    {"subset": [StrOptions({"train", "test", "all"})]} | _base.FETCH_CONSTRAINTS,
    prefer_skip_nested_validation=True,
)
@_base._fill_doc
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

    50,000 highly polar movie reviews from IMDB, half of them for training,
    half for testing, each half balanced between negative (0) and positive
    (1) reviews, as released by Maas et al. (2011). The text of a review is
    its file's exact content, HTML line breaks ``<br />`` included.

    =================   ============================
    Classes                                        2
    Samples (train)                           25,000
    Samples (test)                            25,000
    Features            text (str), ~1,300 chars avg
    =================   ============================

    The fetcher reads ``<data_home>/imdb/train.csv`` and ``test.csv``
    (header ``label,rating,id,text``, sorted by label then id; ``.xz``,
    ``.gz`` or ``.bz2`` copies too). When they are missing it writes them
    from the original archive ``aclImdb_v1.tar.gz`` or its extracted
    ``aclImdb/`` folder, downloading the archive (84 MB) if neither is
    there; in a read-only folder it converts the archive in memory at every
    load. A CSV file, like a conversion, is read only when its SHA-256 is
    the published one or the ``.sha256`` file's (see :ref:`datasets`).

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
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
    .. [1] A. L. Maas, R. E. Daly, P. T. Pham, D. Huang, A. Y. Ng and
       C. Potts, "Learning Word Vectors for Sentiment Analysis", ACL 2011.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_imdb
    >>> train = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(train.data), train.target_names  # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    folder = Path(_base.get_data_home(data_home)) / "imdb"
    options = {"n_retries": n_retries, "delay": delay}
    splits = [
        _imdb_split(split, folder, download_if_missing, options)
        for split in (["train", "test"] if subset == "all" else [subset])
    ]
    labels = ["neg", "pos"]
    return _base._bunch(
        splits, labels, "imdb", shuffle, random_state, as_frame, return_X_y
    )
