"""Shared machinery of the data set loaders.

Where data lives, how it is read, and how a missing file is downloaded safely.

Every loader looks for its files in a folder of the data home
(``<data_home>/ag_news/``, ``<data_home>/imdb/``, ...), reading an ``.xz``,
``.gz`` or ``.bz2`` copy as readily as the original. A file that is missing is
downloaded from the data set's public source, checked against a published
checksum and only then moved into place, so an interrupted or corrupted
download never leaves a file behind.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import logging
import lzma
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch, check_random_state

from sklearn_charcnn._compat import InvalidParameterError

__all__ = ["get_data_home"]

logger = logging.getLogger(__name__)

DATA_HOME_ENV = "SKLEARN_CHARCNN_DATA"
"""Environment variable that sets the default data home."""

_COMPRESSED_SUFFIXES = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}

# Text CSVs of the IMDB reviews have fields of up to ~14,000 characters; the
# csv module's default limit (131,072) is fine, but user CSVs may exceed it.
_CSV_FIELD_LIMIT = 2**28


class RemoteFile(NamedTuple):
    """A file of a data set's public source.

    ``checksum`` is ``"<algorithm>:<hex digest>"`` with an algorithm that
    :func:`hashlib.new` knows (``sha256`` where the source publishes one,
    ``md5`` where only that is published).
    """

    filename: str
    url: str
    checksum: str


def get_data_home(data_home: str | os.PathLike | None = None) -> str:
    """Return the folder where the data set loaders keep their files.

    The folder is, in order of precedence: ``data_home`` if given, the
    environment variable ``SKLEARN_CHARCNN_DATA`` if set, else
    ``~/sklearn_charcnn_data``. A ``~`` is expanded. The folder is not
    created; loaders create it only when they download a file.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use instead of the default.

    Returns
    -------
    data_home : str
        Path of the data home.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import get_data_home
    >>> get_data_home("~/my_data").endswith("my_data")
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or os.path.join(
            "~", "sklearn_charcnn_data"
        )
    return os.path.expanduser(os.fspath(data_home))


def _check_option(value, name: str, options: Sequence, caller: str):
    if not isinstance(value, str) or value not in options:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be a str among "
            f"{set(options)}. Got {value!r} instead."
        )


def _open_text(path: Path):
    """Open a text file for the csv module, decompressing by suffix."""
    opener = _COMPRESSED_SUFFIXES.get(path.suffix, open)
    return opener(path, "rt", encoding="utf-8", newline="")


def _read_csv(path: Path) -> Iterator[list[str]]:
    """Yield the rows of a (possibly compressed) RFC-4180 CSV file."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, _CSV_FIELD_LIMIT))
    try:
        with _open_text(path) as handle:
            yield from csv.reader(handle)
    finally:
        csv.field_size_limit(limit)


def _find_file(folder: Path, names: Sequence[str]) -> Path | None:
    """Return the first of ``names`` that exists in ``folder``, or None."""
    for name in names:
        path = folder / name
        if path.is_file():
            return path
    return None


def _candidates(name: str) -> list[str]:
    """List the accepted names of a file: compressed copies, then the original."""
    return [name + suffix for suffix in _COMPRESSED_SUFFIXES] + [name]


def _missing_error(
    dataset: str, folder: Path, files: Sequence[str], reason: str, source: str
) -> OSError:
    listing = ", ".join(files)
    return OSError(
        f"{dataset} data not found: {reason}. Put the file(s) {listing} (or the "
        f"same names with .xz, .gz or .bz2 appended) into the folder {folder} "
        f"(create it if needed; the data home is set by data_home= or the "
        f"{DATA_HOME_ENV} environment variable). Source: {source}"
    )


def _hash_file(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch_remote(remote: RemoteFile, folder: Path, *, timeout: float = 60) -> Path:
    """Download ``remote`` into ``folder`` and return the path of the file.

    The bytes go to a temporary file in ``folder``, are hashed on the way and
    the file is renamed into place (atomically, by :func:`os.replace`) only
    when the checksum matches; on any failure the temporary file is removed.

    Raises
    ------
    OSError
        If the download fails (no network, HTTP error) or the checksum of
        the downloaded bytes differs from ``remote.checksum``.
    """
    algorithm, _, expected = remote.checksum.partition(":")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / remote.filename
    logger.info("Downloading %s to %s", remote.url, path)
    handle, tmp_name = tempfile.mkstemp(
        dir=folder, prefix=f".{remote.filename}.", suffix=".part"
    )
    try:
        digest = hashlib.new(algorithm)
        with os.fdopen(handle, "wb") as out:
            with urllib.request.urlopen(remote.url, timeout=timeout) as response:
                for block in iter(lambda: response.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
        actual = digest.hexdigest()
        if actual != expected.lower():
            raise OSError(
                f"The file downloaded from {remote.url} has {algorithm} checksum "
                f"{actual}, but {expected} was expected; it was not saved. The "
                "download may be corrupted or the source may have changed."
            )
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def _download(
    remotes: Sequence[RemoteFile], folder: Path, dataset: str, source: str
) -> list[Path]:
    """Fetch every remote file, turning network failures into a clear error."""
    paths = []
    for remote in remotes:
        try:
            paths.append(_fetch_remote(remote, folder))
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _missing_error(
                dataset,
                folder,
                [r.filename for r in remotes],
                f"downloading {remote.url} failed ({reason})",
                source,
            ) from None
    return paths


def _load_descr(name: str) -> str:
    return (
        resources.files("sklearn_charcnn.datasets")
        .joinpath("descr", name)
        .read_text(encoding="utf-8")
    )


def _package_file(name: str) -> Path:
    """Path of a file shipped in ``sklearn_charcnn/datasets/data/``."""
    return Path(str(resources.files("sklearn_charcnn.datasets").joinpath("data", name)))


def _make_bunch(
    data: list[str],
    target,
    target_names: list[str],
    descr: str,
    *,
    shuffle: bool,
    random_state,
    return_X_y: bool,
):
    target = np.asarray(target, dtype=np.int64)
    if shuffle:
        order = check_random_state(random_state).permutation(len(data))
        data = [data[i] for i in order]
        target = target[order]
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, target_names=target_names, DESCR=descr)
