"""What the fetchers share, after :mod:`sklearn.datasets`.

The data home, one verification rule (:func:`_verify`), a download helper
(:func:`_fetch_remote`) and the Bunch they return.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from http.client import HTTPException
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch, check_random_state

from sklearn_charcnn._compat import Interval, validate_params

__all__ = ["DataFileError", "get_data_home"]

logger = logging.getLogger(__name__)

_TIMEOUT = 60.0  # seconds a download waits for the server before failing
_NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException)


class DataFileError(OSError, ValueError):
    """A data file is damaged, cut short, or not in the expected form.

    Both an :class:`OSError` (a file problem) and a :class:`ValueError` (bad
    content), as scikit-learn's ``NotFittedError`` is two exceptions.

    Parameters
    ----------
    problem : str
        What is wrong, naming the file; kept as the attribute ``problem``.
    fix : str, default=""
        What to do about it (the call that fetches it again, say).

    Examples
    --------
    >>> from sklearn_charcnn.datasets import DataFileError
    >>> print(DataFileError("train.csv is cut short.", "Delete it."))
    train.csv is cut short. Delete it.
    """

    def __init__(self, problem: str, fix: str = ""):
        super().__init__(f"{problem} {fix}".strip())
        self.problem = problem


class RemoteFile(NamedTuple):
    """A file of a data set's source (scikit-learn's ``RemoteFileMetadata``).

    ``checksum`` is ``"sha256:<hex>"``, or ``"md5:<hex>"`` if only that is
    published.
    """

    filename: str
    url: str
    checksum: str


class FileSpec(NamedTuple):
    """A data set file: its name, digests, fix and source.

    ``digests`` (``"<algorithm>:<hex>"``) are those of the published file and
    of its known compressed copies; ``fix`` names the call that fetches it
    again; a missing file is downloaded from ``remote``.
    """

    name: str
    digests: tuple[str, ...]
    fix: str
    remote: RemoteFile | None = None


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
def get_data_home(data_home: str | os.PathLike | None = None) -> str:
    """Return the folder where the fetchers keep their files.

    In order of precedence: ``data_home``; the environment variable
    ``SKLEARN_CHARCNN_DATA``; the folder ``sklearn_charcnn`` inside
    scikit-learn's data home (:func:`sklearn.datasets.get_data_home`). A
    ``~`` is expanded. The folder is created only when a file is downloaded.

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
    >>> import os
    >>> from sklearn_charcnn.datasets import get_data_home
    >>> get_data_home("~/my_data") == os.path.expanduser("~/my_data")
    True
    """
    if data_home is None:
        data_home = os.environ.get("SKLEARN_CHARCNN_DATA")
    if not data_home:  # sklearn.datasets.get_data_home's rule, without makedirs
        home = os.environ.get(
            "SCIKIT_LEARN_DATA", os.path.join("~", "scikit_learn_data")
        )
        data_home = os.path.join(home, "sklearn_charcnn")
    return os.path.expanduser(os.fspath(data_home))


def _is_writable(folder: Path) -> bool:
    """Whether files may be written into ``folder`` (created if missing).

    The permission bits count too, so that a data home marked read-only
    (``chmod a-w``) is never written to, even by root.
    """
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            bits = candidate.stat().st_mode & (
                stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
            )
            return bool(bits) and os.access(candidate, os.W_OK)
    return False


def _missing_error(folder: Path, files: str, reason: str, source: str) -> OSError:
    return OSError(
        f"Data not found: {reason}. Put {files} (or the same names with .xz, .gz "
        f"or .bz2 appended) into the folder {folder} (the data home is set by "
        "data_home=, the SKLEARN_CHARCNN_DATA environment variable, or "
        f"scikit-learn's SCIKIT_LEARN_DATA). Source: {source}"
    )


def _find_file(folder: Path, name: str) -> Path | None:
    """Return ``folder/name`` or its first compressed copy that exists."""
    for candidate in (name, name + ".xz", name + ".gz", name + ".bz2"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def _file_digests(path: Path, algorithms: Iterable[str]) -> set[str]:
    """Return ``{"<algorithm>:<hex>"}`` of the bytes of ``path``, in one pass."""
    hashes = {name: hashlib.new(name, usedforsecurity=False) for name in algorithms}
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            for digest in hashes.values():
                digest.update(block)
    return {f"{name}:{digest.hexdigest()}" for name, digest in hashes.items()}


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _recorded_sha256(path: Path) -> str | None:
    """Return ``"sha256:<hex>"`` recorded beside ``path`` ("" if unreadable)."""
    try:
        fields = _sidecar(path).read_text(encoding="ascii").split()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""
    return f"sha256:{fields[0].lower()}" if fields else ""


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _record_sha256(path: Path) -> None:
    """Write ``<name>.sha256`` beside ``path``, as ``sha256sum`` would."""
    [digest] = _file_digests(path, ["sha256"])
    _sidecar(path).write_text(f"{digest[7:]}  {path.name}\n", encoding="ascii")


def _verify(path: Path, spec: FileSpec) -> None:
    """Raise :class:`DataFileError` unless ``path`` has a published or recorded digest."""
    recorded = _recorded_sha256(path)
    accepted = set(spec.digests) | {recorded} - {None, ""}
    digests = _file_digests(path, {d.split(":")[0] for d in accepted} | {"sha256"})
    if digests & accepted:
        return
    if recorded is not None:
        problem = (
            f"{path} does not match its checksum file {_sidecar(path).name}: it "
            "was changed or damaged after it was written."
        )
    else:
        [sha256] = [digest for digest in digests if digest.startswith("sha256:")]
        problem = (
            f"{path} is not the published {spec.name} ({sha256}): it is damaged, "
            "cut short or another version. To load a variant of your own, record "
            f"its checksum: sha256sum {path.name} > {path.name}.sha256."
        )
    raise DataFileError(problem, spec.fix)


def _load_file(
    folder: Path,
    spec: FileSpec,
    read: Callable[[Path], object],
    download_if_missing: bool,
    options: dict,
    missing: Callable[[], object] | None = None,
):
    """Return ``read(path)`` for the verified copy of ``spec.name`` in ``folder``.

    A missing file is downloaded from ``spec.remote`` (``options`` are those
    of :func:`_fetch_remote`), or ``missing()`` returns the result instead.
    A bad copy that a fetcher wrote (it has a checksum file) is deleted with
    a warning and fetched again when ``download_if_missing`` and the folder
    is writable; any other raises.
    """
    for attempt in range(2):
        path = _find_file(folder, spec.name)
        if path is None and missing is not None:
            return missing()
        if path is None:
            return read(_download(spec, folder, download_if_missing, options))
        try:
            _verify(path, spec)
        except DataFileError as error:
            refetch = download_if_missing and _recorded_sha256(path) is not None
            if attempt or not (refetch and _is_writable(folder)):
                raise
            warnings.warn(
                f"{error.problem} It was written by this package, so it is deleted "
                "and fetched again.",
                UserWarning,
                stacklevel=3,
            )
            path.unlink(missing_ok=True)
            _sidecar(path).unlink(missing_ok=True)
            continue
        return read(path)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_transient(exc: Exception) -> bool:
    """Whether a failed download may succeed if tried again (not HTTP 404)."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code in (408, 429)
    return not isinstance(getattr(exc, "reason", None), FileNotFoundError)


def _fetch_remote(
    remote: RemoteFile, folder: Path, *, n_retries=3, delay=1.0, timeout=None
) -> Path:
    """Download ``remote`` into ``folder``, check it and return its path.

    As :func:`sklearn.datasets._base._fetch_remote`: the bytes go to a
    temporary file in ``folder``, renamed into place only when its checksum
    matches and removed on any failure. A network failure (not an HTTP
    client error such as 404) is retried ``n_retries`` times, ``delay``
    seconds apart; an attempt fails after ``timeout`` seconds without an
    answer. The file's SHA-256 is recorded beside it (``<name>.sha256``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{remote.filename}.")
    os.close(handle)
    logger.info("Downloading %s from %s", remote.filename, remote.url)
    try:
        for retries_left in range(n_retries, -1, -1):
            try:
                timeout = timeout or _TIMEOUT
                with urllib.request.urlopen(remote.url, timeout=timeout) as answer:
                    with open(tmp, "wb") as out:
                        shutil.copyfileobj(answer, out)
                break
            except _NETWORK_ERRORS as exc:
                if not retries_left or not _is_transient(exc):
                    raise
                warnings.warn(
                    f"Downloading {remote.url} failed ({exc}); retrying in {delay} s "
                    f"({retries_left} retries left).",
                    UserWarning,
                    stacklevel=2,
                )
                time.sleep(delay)
        [digest] = _file_digests(Path(tmp), [remote.checksum.split(":")[0]])
        if digest != remote.checksum.lower():
            raise OSError(
                f"The file downloaded from {remote.url} has the checksum {digest}, "
                f"not {remote.checksum}; it was not saved. The download was "
                "corrupted or the source has changed."
            )
        os.replace(tmp, folder / remote.filename)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _record_sha256(folder / remote.filename)
    return folder / remote.filename


def _download(spec: FileSpec, folder: Path, download_if_missing: bool, options):
    """Run :func:`_fetch_remote` for ``spec``; a failure says what to do."""
    remote, files = spec.remote, f"the file {spec.name}"
    if not download_if_missing:
        raise _missing_error(folder, files, "download_if_missing=False", remote.url)
    if not _is_writable(folder):
        reason = f"cannot download {remote.url}: {folder} is read-only"
        raise _missing_error(folder, files, reason, remote.url)
    try:
        return _fetch_remote(remote, folder, **options)
    except _NETWORK_ERRORS as exc:
        reason = f"downloading {remote.url} failed ({getattr(exc, 'reason', exc)})"
        raise _missing_error(folder, files, reason, remote.url) from None


def _package_file(name: str) -> Path:
    """Path of a file shipped in ``sklearn_charcnn/datasets/data/``."""
    return Path(str(resources.files("sklearn_charcnn.datasets").joinpath("data", name)))


def _bunch(splits, target_names, name, shuffle, random_state, as_frame, return_X_y):
    """Return the Bunch, or ``(data, target)``, of the data set ``name``.

    ``splits`` are ``(data, target)`` pairs, concatenated in order; the
    description is ``descr/<name>.rst``.
    """
    data = [text for split_data, _ in splits for text in split_data]
    target = np.concatenate([split_target for _, split_target in splits])
    if shuffle:
        order = check_random_state(random_state).permutation(len(data))
        data, target = [data[i] for i in order], target[order]
    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "as_frame=True needs pandas (pip install pandas)."
            ) from exc
        frame = pd.DataFrame({"text": pd.Series(data, dtype=object)})
        columns = target_names if target.ndim == 2 else "target"  # multi-label
        frame[columns] = target
        data, target = frame[["text"]], frame[columns]
    if return_X_y:
        return data, target
    descr = resources.files("sklearn_charcnn.datasets") / "descr" / f"{name}.rst"
    descr = descr.read_text(encoding="utf-8")
    bunch = Bunch(data=data, target=target, frame=frame, DESCR=descr)
    return Bunch(**bunch, target_names=target_names, feature_names=["text"])


def _int_target(labels, allowed: Iterable[str], path: Path, fix: str) -> np.ndarray:
    """Turn the label strings read from ``path`` into an int64 array."""
    unknown = sorted(set(np.unique(labels).tolist()) - set(allowed))
    if unknown:
        message = f"{path} has the label(s) {unknown[:5]}, not {allowed}."
        raise DataFileError(message, fix)
    return np.asarray(labels).astype(np.int64)


# Parameter constraints shared by the fetch_* functions (validate_params).
FETCH_CONSTRAINTS = {
    "data_home": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "n_retries": [Interval(Integral, 1, None, closed="left")],
    "delay": [Interval(Real, 0.0, None, closed="neither")],
}

# The fetchers' shared parameters, inserted into their docstrings by
# _fill_doc in place of a line "    {fetch_parameters}".
_FETCH_PARAMETERS = """\
    data_home : str or path-like, default=None
        Data home; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download a missing file, and fetch again a file the fetcher wrote
        that has been damaged. If False, a missing file raises ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with one column ``"text"``,
        ``target`` as a Series (a DataFrame for several labels) and both
        as ``frame``. Pass ``data["text"]`` to a text estimator.
    shuffle : bool, default=False
        Shuffle the documents; the files are ordered by label.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    n_retries : int, default=3
        Number of retries when a download fails on a network error.
    delay : float, default=1.0
        Seconds between retries.
"""
_FETCH_RAISES = """\
    Raises
    ------
    OSError
        If a file is missing and cannot be downloaded; the message names the
        file and the folder to put it in.
    DataFileError
        If a file is damaged, cut short or not the published one; the
        message names the file and the call that fetches it again.
"""


def _fill_doc(function):
    """Insert the fetchers' shared parameters and errors into a docstring."""
    function.__doc__ = function.__doc__.replace(
        "    {fetch_parameters}\n", _FETCH_PARAMETERS
    ).replace("    {fetch_raises}\n", _FETCH_RAISES)
    return function
