"""Large Movie Review Dataset, "IMDB" (Maas et al., 2011).

The loader reads two CSV files, ``train.csv`` and ``test.csv``. When they are
missing it builds them, once, from the original archive ``aclImdb_v1.tar.gz``
(or its extracted ``aclImdb/`` folder), downloading the archive if needed.
A data home it cannot write to is read all the same: the reviews are then
converted in memory at every load.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from sklearn_charcnn._compat import StrOptions, validate_params
from sklearn_charcnn.datasets._base import (
    _BLOCK,
    _DECOMPRESSORS,
    _READ_ERRORS,
    FETCH_CONSTRAINTS,
    DataFileError,
    FileSpec,
    RemoteFile,
    _candidates,
    _discard,
    _download,
    _error_name,
    _find_file,
    _HashingReader,
    _hexdigest,
    _is_writable,
    _load_descr,
    _make_bunch,
    _may_fetch_again,
    _missing_error,
    _read_records,
    _recorded_sha256,
    _sidecar,
    _write_atomically,
    _write_sidecar,
    get_data_home,
)

__all__ = ["fetch_imdb"]

logger = logging.getLogger(__name__)

_SOURCE = "https://ai.stanford.edu/~amaas/data/sentiment/"
# 84,125,825 bytes; the MD5 published by torchtext and PaddlePaddle.
_ARCHIVE = RemoteFile(
    "aclImdb_v1.tar.gz",
    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    "md5:7c2ac02c03563afcf9b574c7e56c153a",
)
_REVIEW = re.compile(r"(?:^|/)aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
_HEADER = ["label", "rating", "id", "text"]

# The data set's definition: (negative, positive) reviews in each split.
_LABEL_COUNTS = {"train": (12_500, 12_500), "test": (12_500, 12_500)}
# SHA-256 of the CSV files that _convert writes from the original archive
# (the conversion is deterministic: rows sorted by label, then id).
_CSV_SHA256 = {
    "train": "sha256:3b9ea9ea967d4492154b1b0a21a971da6d8d2ccb258becfef4f1087fc1495399",
    "test": "sha256:a455968c7e172c976831ed9fca039f58fcc34837ff011cab5edd52a47ce98857",
}
_ARCHIVE_FIX = (
    "Delete it and call fetch_imdb() to download the original archive, or "
    "replace it with a good copy (extract the archive again for a folder)."
)


def _csv_spec(split: str) -> FileSpec:
    return FileSpec(
        f"{split}.csv",
        frozenset({_CSV_SHA256[split]}),
        sum(_LABEL_COUNTS[split]),
        "Delete it (with its .sha256 file, if any) and call "
        f"fetch_imdb(subset={split!r}) to rebuild it from the original archive "
        "(downloaded if missing), or replace it with a good copy.",
    )


class _Split(NamedTuple):
    """One split converted from the original reviews."""

    data: list[str]
    target: list[int]
    csv_bytes: bytes
    counts: tuple[int, int]
    verified: bool


def _review(match: re.Match, content: bytes, name: str):
    split, polarity, review_id, rating = match.groups()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"The review {name} is not UTF-8 ({exc}): the archive or folder is "
            "damaged.",
            _ARCHIVE_FIX,
        ) from None
    return split, int(polarity == "pos"), int(rating), int(review_id), text


def _folder_reviews(source: Path) -> Iterator[tuple[str, int, int, int, str]]:
    files = sorted(source.glob("*/*/*.txt"))
    for path in files:
        name = f"aclImdb/{path.relative_to(source).as_posix()}"
        match = _REVIEW.search(name)
        if match:
            yield _review(match, path.read_bytes(), str(path))


def _archive_reviews(source: Path) -> tuple[list, bool]:
    """Read the labelled reviews of the archive.

    Also return whether the archive is the published one (its MD5) or matches
    its recorded SHA-256.
    """
    reviews = []
    try:
        with open(source, "rb") as raw:
            stored = _HashingReader(raw)
            # Decompress here rather than in tarfile's stream mode, which
            # stops at the tar end marker without checking gzip's CRC.
            decompress = _DECOMPRESSORS.get(source.suffix)
            tar = io.BufferedReader(
                stored if decompress is None else decompress(stored), _BLOCK
            )
            with tarfile.open(fileobj=tar, mode="r|") as archive:
                for member in archive:
                    match = _REVIEW.search(member.name)
                    if match and member.isfile():
                        content = archive.extractfile(member).read()
                        reviews.append(
                            _review(match, content, f"{source}:{member.name}")
                        )
            while tar.read(_BLOCK):
                pass
            while stored.read(_BLOCK):
                pass
    except DataFileError:
        raise
    except (FileNotFoundError, PermissionError):
        raise
    except _READ_ERRORS as exc:
        raise DataFileError(
            f"{source} cannot be read ({_error_name(exc)}: {exc}): the archive is "
            "damaged or cut short.",
            _ARCHIVE_FIX,
        ) from exc
    digests = stored.digests()
    recorded = _recorded_sha256(source)
    published = _ARCHIVE.checksum in digests or (
        bool(recorded) and f"sha256:{recorded}" in digests
    )
    return reviews, published


def _convert(source: Path, trusted: bool) -> dict[str, _Split]:
    """Convert the original archive or folder into the two CSV files' content.

    A split is verified when the source is trusted (downloaded and checked, or
    matching the published MD5 or its recorded SHA-256), when its CSV matches
    the published conversion, or when it has the data set's 12,500 negative
    and 12,500 positive reviews.
    """
    if source.is_dir():
        reviews = list(_folder_reviews(source))
    else:
        reviews, published = _archive_reviews(source)
        trusted = trusted or published
    rows = {"train": [], "test": []}
    for split, label, rating, review_id, text in reviews:
        rows[split].append((label, review_id, rating, text))
    converted = {}
    for split, split_rows in rows.items():
        split_rows.sort()  # by (label, id), the order of the CSV files
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_HEADER)
        for label, review_id, rating, text in split_rows:
            writer.writerow([label, rating, review_id, text])
        csv_bytes = buffer.getvalue().encode("utf-8")
        target = [row[0] for row in split_rows]
        counts = (target.count(0), target.count(1))
        verified = (
            trusted
            or f"sha256:{_hexdigest(csv_bytes)}" == _CSV_SHA256[split]
            or counts == _LABEL_COUNTS[split]
        )
        converted[split] = _Split(
            [row[3] for row in split_rows], target, csv_bytes, counts, verified
        )
    return converted


def _parse_imdb_rows(path: Path, rows, fix: str):
    header = next(rows, [])
    if "label" not in header or "text" not in header:
        raise DataFileError(
            f"{path} must start with a header naming the columns 'label' and "
            f"'text' (as in 'label,rating,id,text'); got {header[:4]!r}.",
            fix,
        )
    label_at, text_at = header.index("label"), header.index("text")
    data, target = [], []
    for number, row in enumerate(rows, 1):
        if len(row) != len(header) or row[label_at] not in ("0", "1"):
            raise DataFileError(
                f"{path}, row {number} after the header: expected {len(header)} "
                f"fields with a label 0 or 1, got {len(row)} field(s). The file is "
                "damaged or cut short.",
                fix,
            )
        data.append(row[text_at])
        target.append(int(row[label_at]))
    return (data, target), len(data)


def _from_source(
    split: str, folder: Path, download_if_missing: bool, download_options: dict
) -> tuple[list[str], list[int]]:
    """Convert the original reviews, caching the CSV files where possible."""
    source = folder / "aclImdb"
    if not source.is_dir():
        source = _find_file(folder, [_ARCHIVE.filename])
    downloaded = False
    if source is None:
        if not download_if_missing:
            raise _missing_error(
                "IMDB",
                folder,
                ["train.csv and test.csv", f"the original {_ARCHIVE.filename}"],
                "download_if_missing=False",
                _SOURCE,
            )
        [source] = _download([_ARCHIVE], folder, "IMDB", _SOURCE, **download_options)
        downloaded = True
    converted = _convert(source, trusted=downloaded)
    if _is_writable(folder):
        for name, result in converted.items():
            existing = _find_file(folder, _candidates(f"{name}.csv"))
            if result.verified and existing is None:
                path = folder / f"{name}.csv"
                _write_atomically(path, result.csv_bytes)
                _write_sidecar(path, _hexdigest(result.csv_bytes))
    else:
        logger.info(
            "%s is read-only: the IMDB reviews were converted in memory and not "
            "cached, so every load reads %s again.",
            folder,
            source.name,
        )
    if downloaded:
        source.unlink()
        _sidecar(source).unlink(missing_ok=True)
    result = converted[split]
    if not result.verified:
        neg, pos = _LABEL_COUNTS[split]
        raise DataFileError(
            f"{source} holds {result.counts[0]:,} negative and {result.counts[1]:,} "
            f"positive {split} reviews where the IMDB data set has {neg:,} and "
            f"{pos:,}: it is incomplete or not the original, and it does not match "
            "the published checksum.",
            _ARCHIVE_FIX,
        )
    return result.data, result.target


def _imdb_split(
    split: str, folder: Path, download_if_missing: bool, download_options: dict
) -> tuple[list[str], list[int]]:
    spec = _csv_spec(split)
    for attempt in range(2):
        path = _find_file(folder, _candidates(spec.name))
        if path is None:
            return _from_source(split, folder, download_if_missing, download_options)
        try:
            return _read_records(
                path,
                spec,
                lambda rows, path=path: _parse_imdb_rows(path, rows, spec.fix),
            )
        except DataFileError as error:
            if attempt or not _may_fetch_again(path, download_if_missing):
                raise
            _discard(path, error)
    raise AssertionError("unreachable")  # pragma: no cover


# Merged with | rather than ** inside the literal: Sphinx's source parser
# (the documentation's [source] pages) fails on ** in a decorator's dict.
@validate_params(
    {"subset": [StrOptions({"train", "test", "all"})]} | FETCH_CONSTRAINTS,
    prefer_skip_nested_validation=True,
)
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

    The loader reads ``<data_home>/imdb/train.csv`` and ``test.csv`` (header
    ``label,rating,id,text``, rows sorted by label then id), or the same
    names with ``.xz``, ``.gz`` or ``.bz2`` appended. When they are missing
    it writes them, with their ``.sha256`` checksum files, from the original
    archive ``aclImdb_v1.tar.gz`` or its extracted ``aclImdb/`` folder in
    that data home folder, downloading the archive (84 MB, checked against
    its published MD5) if neither is there, and deleting a downloaded
    archive afterwards. In a folder it cannot write to, it converts the
    archive in memory at every load instead.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    data_home : str or path-like, default=None
        Data home; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the archive when no file of the data set is in the data
        home, and rebuild a CSV file this loader wrote that has been
        damaged. If False, missing files raise ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with one column ``"text"``,
        ``target`` as a Series and both as ``frame`` (pandas is imported
        only then). Pass ``data["text"]`` to a text estimator.
    shuffle : bool, default=False
        Shuffle the documents; the files list negative reviews first.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    n_retries : int, default=3
        Number of retries when the download fails on a network error.
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
    A CSV file is accepted when its content matches the SHA-256 of the
    conversion of the published archive; else when it matches the
    ``<file>.sha256`` file beside it, which the loader writes; else, for a
    file placed by hand, when it has exactly 25,000 well-formed rows and
    ends with a line break (a file cut inside a quoted review fails). The
    archive is accepted when it matches its published MD5, or when each
    split it holds converts to the published CSV or has 12,500 negative
    and 12,500 positive reviews; an incomplete extraction in ``aclImdb/``
    fails. A damaged CSV file the loader wrote is rebuilt (with a warning)
    when ``download_if_missing=True``; files placed by hand are never
    deleted.

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
    folder = Path(get_data_home(data_home)) / "imdb"
    splits = ["train", "test"] if subset == "all" else [subset]
    data, target = [], []
    for split in splits:
        split_data, split_target = _imdb_split(
            split, folder, download_if_missing, {"n_retries": n_retries, "delay": delay}
        )
        data += split_data
        target += split_target
    return _make_bunch(
        data,
        target,
        ["neg", "pos"],
        _load_descr("imdb.rst"),
        shuffle=shuffle,
        random_state=random_state,
        return_X_y=return_X_y,
        as_frame=as_frame,
        caller="fetch_imdb",
    )
