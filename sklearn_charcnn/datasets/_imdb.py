"""Large Movie Review Dataset, "IMDB" (Maas et al., 2011).

The loader reads two CSV files, ``train.csv`` and ``test.csv``. When they are
missing it builds them, once, from the original archive ``aclImdb_v1.tar.gz``
(or its extracted ``aclImdb/`` folder), downloading the archive if needed.
"""

from __future__ import annotations

import csv
import os
import re
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sklearn_charcnn.datasets._base import (
    RemoteFile,
    _candidates,
    _check_option,
    _download,
    _find_file,
    _load_descr,
    _make_bunch,
    _missing_error,
    _read_csv,
    get_data_home,
)

__all__ = ["fetch_imdb"]

_SOURCE = "https://ai.stanford.edu/~amaas/data/sentiment/"
# 84,125,825 bytes; the MD5 published by torchtext and PaddlePaddle.
_ARCHIVE = RemoteFile(
    "aclImdb_v1.tar.gz",
    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    "md5:7c2ac02c03563afcf9b574c7e56c153a",
)
_REVIEW = re.compile(r"(?:^|/)aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
_HEADER = ["label", "rating", "id", "text"]


def _reviews(source: Path) -> Iterator[tuple[str, int, int, int, str]]:
    """Yield (split, label, rating, id, text) for each labelled review.

    ``source`` is the archive or the extracted ``aclImdb`` folder. The
    unlabelled ``unsup/`` reviews and the bag-of-words files are skipped.
    """
    if source.is_dir():
        files = sorted(source.glob("*/*/*.txt"))
        members = ((f"aclImdb/{p.relative_to(source).as_posix()}", p) for p in files)
        for name, path in members:
            match = _REVIEW.search(name)
            if match:
                yield _review(match, path.read_bytes())
        return
    with tarfile.open(source, "r:*") as archive:
        for member in archive:
            match = _REVIEW.search(member.name)
            if match and member.isfile():
                yield _review(match, archive.extractfile(member).read())


def _review(match: re.Match, content: bytes) -> tuple[str, int, int, int, str]:
    split, polarity, review_id, rating = match.groups()
    label = int(polarity == "pos")
    return split, label, int(rating), int(review_id), content.decode("utf-8")


def _convert(source: Path, folder: Path) -> None:
    """Write ``train.csv`` and ``test.csv`` from the original archive or folder.

    Columns label, rating, id, text; each file is written atomically.
    """
    rows = {"train": [], "test": []}
    for split, label, rating, review_id, text in _reviews(source):
        rows[split].append((label, review_id, rating, text))
    for split, split_rows in rows.items():
        if not split_rows:
            raise OSError(f"{source} holds no aclImdb/{split}/pos or neg reviews.")
        split_rows.sort()  # by (label, id), the order of the CSV files
        handle, tmp_name = tempfile.mkstemp(
            dir=folder, prefix=f".{split}.csv.", suffix=".part"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(_HEADER)
                for label, review_id, rating, text in split_rows:
                    writer.writerow([label, rating, review_id, text])
            os.replace(tmp_name, folder / f"{split}.csv")
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise


def _read_imdb_csv(path: Path) -> tuple[list[str], list[int]]:
    rows = _read_csv(path)
    header = next(rows, [])
    if "label" not in header or "text" not in header:
        raise ValueError(
            f"{path} must start with a header naming the columns 'label' and "
            f"'text' (as in 'label,rating,id,text'); got {header!r}."
        )
    label_at, text_at = header.index("label"), header.index("text")
    data, target = [], []
    for row in rows:
        data.append(row[text_at])
        target.append(int(row[label_at]))
    return data, target


def _imdb_split(split: str, folder: Path, download_if_missing: bool) -> Path:
    path = _find_file(folder, _candidates(f"{split}.csv"))
    if path is not None:
        return path
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
        [source] = _download([_ARCHIVE], folder, "IMDB", _SOURCE)
        downloaded = True
    _convert(source, folder)
    if downloaded:
        source.unlink()
    return folder / f"{split}.csv"


def fetch_imdb(
    subset: str = "train",
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    shuffle: bool = False,
    random_state=None,
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
    it writes them from the original archive ``aclImdb_v1.tar.gz`` or its
    extracted ``aclImdb/`` folder in that data home folder, downloading the
    archive (84 MB, checked against its published MD5) if neither is there,
    and deleting a downloaded archive afterwards.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    data_home : str or path-like, default=None
        Data home; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the archive when no file of the data set is in the data
        home. If False, missing files raise ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    shuffle : bool, default=False
        Shuffle the documents; the files list negative reviews first.
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
    .. [1] A. L. Maas, R. E. Daly, P. T. Pham, D. Huang, A. Y. Ng and
       C. Potts, "Learning Word Vectors for Sentiment Analysis", ACL 2011.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_imdb
    >>> train = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(train.data), train.target_names  # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    _check_option(subset, "subset", ("train", "test", "all"), "fetch_imdb")
    folder = Path(get_data_home(data_home)) / "imdb"
    splits = ["train", "test"] if subset == "all" else [subset]
    data, target = [], []
    for split in splits:
        split_data, split_target = _read_imdb_csv(
            _imdb_split(split, folder, download_if_missing)
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
    )
