"""What the fetchers share, after :mod:`sklearn.datasets`.

The data home, one verification rule (:func:`_verify`), downloads, the Bunch
they return, their shared body (:func:`_fetch`) and their parameter checks
and shared docstring blocks (:func:`_fetcher`).
"""

from __future__ import annotations

import hashlib
import logging
import os
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

from sklearn_charcnn._atomic import atomic_write
from sklearn_charcnn._compat import Interval, StrOptions, validate_params

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
    """scikit-learn's ``RemoteFileMetadata``; ``checksum`` is ``"<algorithm>:<hex>"``."""

    filename: str
    url: str
    checksum: str


class FileSpec(NamedTuple):
    """A data set file: its name, accepted digests, fix, and source if any."""

    name: str
    digests: tuple[str, ...]
    fix: str
    remote: RemoteFile | None = None


class _Home(NamedTuple):
    """A data set's folder in the data home, and the fetcher's download options."""

    folder: Path
    download_if_missing: bool
    n_retries: int
    delay: float


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
def get_data_home(data_home: str | os.PathLike | None = None) -> str:
    """Return the folder where the fetchers keep their files.

    In order of precedence: ``data_home``; the environment variable
    ``SKLEARN_CHARCNN_DATA``; the folder ``sklearn_charcnn`` inside
    scikit-learn's data home. A ``~`` is expanded; nothing is created.

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
    """Whether ``folder`` (or its first existing parent) may be written to.

    The permission bits count too: a data home marked read-only (``chmod
    a-w``) is never written to, even by root.
    """
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            writable_bits = candidate.stat().st_mode & 0o222
            return bool(writable_bits) and os.access(candidate, os.W_OK)
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
    candidates = [folder / (name + suffix) for suffix in ("", ".xz", ".gz", ".bz2")]
    return next((path for path in candidates if path.is_file()), None)


def _fix(call: str, action: str) -> str:
    """Return what to do about a damaged file: ``call`` does ``action``."""
    return (
        f"Delete it (with its .sha256 file, if any) and call {call} to {action}, "
        "or replace it with a good copy."
    )


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


def _write_atomically(path: Path, write: Callable) -> Path:
    """Call ``write(binary file)``, move the file to ``path``, record its SHA-256.

    The temporary file is removed on any failure: nothing is half-written.
    """
    with atomic_write(path, "wb") as out:
        write(out)
    [digest] = _file_digests(path, ["sha256"])
    _sidecar(path).write_text(f"{digest[7:]}  {path.name}\n", encoding="ascii")
    return path


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


def _load_file(home: _Home, spec: FileSpec, read: Callable, missing=None):
    """Return ``read(path)`` for the verified copy of ``spec.name`` in ``home``.

    A missing file is downloaded from ``spec.remote``, or ``missing()``
    returns the result instead. A bad copy that a fetcher wrote (it has a
    checksum file) is deleted with a warning and fetched again when
    ``download_if_missing`` and the folder is writable; any other raises.
    """
    for attempt in range(2):
        path = _find_file(home.folder, spec.name)
        if path is None:
            return missing() if missing else read(_download(spec, home))
        try:
            _verify(path, spec)
        except DataFileError as error:
            written = _recorded_sha256(path) is not None  # by a fetcher
            if attempt or not (written and home.download_if_missing):
                raise
            if not _is_writable(home.folder):
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


def _fetch_remote(remote: RemoteFile, folder: Path, *, n_retries=3, delay=1.0) -> Path:
    """Download ``remote`` into ``folder``, check it and return its path.

    As :func:`sklearn.datasets._base._fetch_remote`: the file is kept only
    when its checksum matches. A network failure (not an HTTP client error
    such as 404) is retried ``n_retries`` times, ``delay`` seconds apart.
    """

    def download(out):
        for retries_left in range(n_retries, -1, -1):
            digest = hashlib.new(remote.checksum.split(":")[0], usedforsecurity=False)
            out.seek(0)
            out.truncate()
            try:
                with urllib.request.urlopen(remote.url, timeout=_TIMEOUT) as answer:
                    for block in iter(lambda: answer.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
                break
            except _NETWORK_ERRORS as exc:
                code = getattr(exc, "code", 500)  # HTTP 4xx: retrying won't help
                missing = isinstance(getattr(exc, "reason", None), FileNotFoundError)
                if (
                    not retries_left
                    or missing
                    or (code < 500 and code not in (408, 429))
                ):
                    raise
                warnings.warn(
                    f"Downloading {remote.url} failed ({exc}); retrying in {delay} s "
                    f"({retries_left} retries left).",
                    UserWarning,
                    stacklevel=2,
                )
                time.sleep(delay)
        digest = f"{digest.name}:{digest.hexdigest()}"
        if digest != remote.checksum.lower():
            raise OSError(
                f"The file downloaded from {remote.url} has the checksum {digest}, "
                f"not {remote.checksum}; it was not saved. The download was "
                "corrupted or the source has changed."
            )

    folder.mkdir(parents=True, exist_ok=True)
    logger.info("Downloading %s from %s", remote.filename, remote.url)
    return _write_atomically(folder / remote.filename, download)


def _download(spec: FileSpec, home: _Home) -> Path:
    """Run :func:`_fetch_remote` for ``spec``; a failure says what to do."""
    url, files = spec.remote.url, f"the file {spec.name}"
    reason = "download_if_missing=False"
    if home.download_if_missing and not _is_writable(home.folder):
        reason = f"cannot download {url}: {home.folder} is read-only"
    elif home.download_if_missing:
        try:
            return _fetch_remote(
                spec.remote, home.folder, n_retries=home.n_retries, delay=home.delay
            )
        except _NETWORK_ERRORS as exc:
            reason = f"downloading {url} failed ({getattr(exc, 'reason', exc)})"
    raise _missing_error(home.folder, files, reason, url) from None


def _package_file(name: str) -> Path:
    """Path of a file shipped in ``sklearn_charcnn/datasets/data/``."""
    return Path(str(resources.files("sklearn_charcnn.datasets").joinpath("data", name)))


def _bunch(splits, target_names, name, shuffle, random_state, as_frame, return_X_y):
    """Return the Bunch, or ``(data, target)``, of the ``(data, target)`` splits.

    The splits are concatenated in order; the description is ``descr/<name>.rst``.
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
            message = "as_frame=True needs pandas (pip install pandas)."
            raise ImportError(message) from exc
        frame = pd.DataFrame({"text": pd.Series(data, dtype=object)})
        columns = target_names if target.ndim == 2 else "target"  # multi-label
        frame[columns] = target
        data, target = frame[["text"]], frame[columns]
    if return_X_y:
        return data, target
    descr = resources.files("sklearn_charcnn.datasets") / "descr" / f"{name}.rst"
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        DESCR=descr.read_text(encoding="utf-8"),
        target_names=list(target_names),
        feature_names=["text"],
    )


# The fetchers' shared docstring blocks, put by _fetcher in place of the
# lines "    {parameters}", "    {returns}" and "    {raises}".
_DOC = {
    "parameters": """\
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
""",
    "returns": """\
    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame); ``target`` ({target}; pandas
        with ``as_frame``); ``frame`` (DataFrame or None); ``target_names``;
        ``feature_names`` (``['text']``) and ``DESCR`` (description and
        citation).
    (data, target) : tuple
        With ``return_X_y=True``.
""",
    "raises": """\
    Raises
    ------
    OSError
        If a file is missing and cannot be downloaded; the message names the
        file and the folder to put it in.
    DataFileError
        If a file is damaged, cut short or not the published one; the
        message names the file and the call that fetches it again.
""",
}


def _fetcher(target: str, subsets=(), **more):
    """Fill a ``fetch_<name>``'s shared docstring blocks and validate its parameters.

    ``target`` describes the Bunch's ``target``; ``subsets`` are the values
    of its ``subset`` besides ``"all"``; ``more`` the constraints of its own
    parameters.
    """

    def decorate(function):
        for key, block in _DOC.items():
            block = block.replace("{target}", target)
            function.__doc__ = function.__doc__.replace(f"    {{{key}}}\n", block)
        constraints = {"subset": [StrOptions({*subsets, "all"})]} if subsets else {}
        constraints.update(
            more,
            data_home=[str, os.PathLike, None],
            download_if_missing=["boolean"],
            return_X_y=["boolean"],
            as_frame=["boolean"],
            shuffle=["boolean"],
            random_state=["random_state"],
            n_retries=[Interval(Integral, 1, None, closed="left")],
            delay=[Interval(Real, 0.0, None, closed="neither")],
        )
        return validate_params(constraints, prefer_skip_nested_validation=True)(
            function
        )

    return decorate


def _fetch(name, read_split, splits, target_names, download, output):
    """Read each split of a data set from the data home; return its Bunch.

    ``download`` is ``(data_home, download_if_missing, n_retries, delay)``,
    ``output`` is ``(shuffle, random_state, as_frame, return_X_y)`` and
    ``read_split(split, home)`` returns ``(data, target)``.
    """
    data_home, *options = download
    home = _Home(Path(get_data_home(data_home)) / name, *options)
    return _bunch(
        [read_split(split, home) for split in splits], target_names, name, *output
    )
