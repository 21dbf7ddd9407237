"""What the fetchers share, after :mod:`sklearn.datasets`.

The data home, one record per file (:class:`RemoteFile`), one verification
rule (:func:`_verify`), one download helper (:func:`_fetch_remote`) and one
fetch path (:func:`_fetch`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import urllib.error
import urllib.request
import warnings
from functools import partial
from http.client import HTTPException
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
    """scikit-learn's ``RemoteFileMetadata``, with what else a copy may match.

    ``checksum`` (``"<algorithm>:<hex>"``) is the download's; ``url`` is None
    for a file that is built, not downloaded; ``digests`` are other accepted
    copies' (an xz copy's); ``fix`` says what to do about a damaged copy.
    """

    filename: str
    url: str | None
    checksum: str
    digests: tuple[str, ...] = ()
    fix: str = ""


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
    # A folder marked read-only (chmod a-w) is never written to, even by root.
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    return bool(existing.stat().st_mode & 0o222) and os.access(existing, os.W_OK)


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
    return (
        f"Delete it (with its .sha256 file, if any) and call {call} to {action}, "
        "or replace it with a good copy."
    )


def _digests(path: Path, algorithms) -> set[str]:
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


def _record(path: Path) -> Path:
    """Write the SHA-256 of ``path`` beside it, as ``sha256sum`` does."""
    [digest] = _digests(path, ["sha256"])
    _sidecar(path).write_text(f"{digest[7:]}  {path.name}\n", encoding="ascii")
    return path


def _verify(path: Path, spec: RemoteFile) -> None:
    """Raise :class:`DataFileError` unless ``path`` has a published or recorded digest."""
    recorded = _recorded_sha256(path)
    accepted = {spec.checksum, *spec.digests, recorded} - {None, ""}
    digests = _digests(path, {d.split(":")[0] for d in accepted} | {"sha256"})
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
            f"{path} is not the published {spec.filename} ({sha256}): it is damaged, "
            "cut short or another version. To load a variant of your own, record "
            f"its checksum: sha256sum {path.name} > {path.name}.sha256."
        )
    raise DataFileError(problem, spec.fix)


def _load_file(home: Bunch, spec: RemoteFile, read, missing=None):
    """Return ``read(path, spec.fix)`` for the verified copy of ``spec`` in ``home``.

    A missing file is downloaded from ``spec.url``; without one, ``missing()``
    returns the result instead. A bad copy that a fetcher wrote (it has a
    checksum file) is deleted with a warning and fetched again when
    ``download_if_missing`` and the folder is writable; any other raises.
    """
    path = _find_file(home.folder, spec.filename)
    if path is None:
        return read(_download(spec, home), spec.fix) if spec.url else missing()
    try:
        _verify(path, spec)
    except DataFileError as error:
        written = _recorded_sha256(path) is not None  # by a fetcher
        if not (written and home.download_if_missing and _is_writable(home.folder)):
            raise
        message = "It was written by this package, so it is deleted and fetched again."
        warnings.warn(f"{error.problem} {message}", UserWarning, stacklevel=3)
        path.unlink(missing_ok=True)
        _sidecar(path).unlink(missing_ok=True)
        return _load_file(home, spec, read, missing)
    return read(path, spec.fix)


def _fetch_remote(remote: RemoteFile, folder: Path, *, n_retries=3, delay=1.0) -> Path:
    """Download ``remote`` into ``folder``, check it and return its path.

    As :func:`sklearn.datasets._base._fetch_remote`: the file is kept (and
    its SHA-256 recorded) only when its checksum matches, so nothing is left
    of a failed download. A network failure (not an HTTP client error such
    as 404) is retried ``n_retries`` times, ``delay`` seconds apart.
    """
    folder.mkdir(parents=True, exist_ok=True)
    logger.info("Downloading %s from %s", remote.filename, remote.url)
    with atomic_write(folder / remote.filename, "wb") as out:
        for retries_left in range(n_retries, -1, -1):
            out.seek(0)
            out.truncate()
            try:
                with urllib.request.urlopen(remote.url, timeout=_TIMEOUT) as answer:
                    shutil.copyfileobj(answer, out)
                break
            except _NETWORK_ERRORS as exc:
                code = getattr(exc, "code", 500)  # an HTTP status, if any
                client_error = code < 500 and code not in (408, 429)  # as 404
                missing = isinstance(getattr(exc, "reason", None), FileNotFoundError)
                if missing or client_error or not retries_left:
                    raise
                warnings.warn(
                    f"Downloading {remote.url} failed ({exc}); retrying in {delay} s "
                    f"({retries_left} retries left).",
                    UserWarning,
                    stacklevel=2,
                )
                time.sleep(delay)
        out.flush()
        [digest] = _digests(Path(out.name), [remote.checksum.split(":")[0]])
        if digest != remote.checksum.lower():
            raise OSError(
                f"The file downloaded from {remote.url} has the checksum {digest}, "
                f"not {remote.checksum}; it was not saved. The download was "
                "corrupted or the source has changed."
            )
    return _record(folder / remote.filename)


def _download(spec: RemoteFile, home: Bunch) -> Path:
    """Run :func:`_fetch_remote` for ``spec``; a failure says what to do."""
    reason = "download_if_missing=False"
    if home.download_if_missing and not _is_writable(home.folder):
        reason = f"cannot download {spec.url}: {home.folder} is read-only"
    elif home.download_if_missing:
        try:
            return _fetch_remote(
                spec, home.folder, n_retries=home.n_retries, delay=home.delay
            )
        except _NETWORK_ERRORS as exc:
            reason = f"downloading {spec.url} failed ({getattr(exc, 'reason', exc)})"
    files = f"the file {spec.filename}"
    raise _missing_error(home.folder, files, reason, spec.url) from None


def _bunch(splits, target_names, name, shuffle, random_state, as_frame, return_X_y):
    """Return the Bunch, or ``(data, target)``, of the ``(data, target)`` splits."""
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
    descr = Path(__file__).with_name("descr") / f"{name}.rst"
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        DESCR=descr.read_text(encoding="utf-8"),
        target_names=list(target_names),
        feature_names=["text"],
    )


def _fetch(name, files, read, target_names, missing, params):
    """Return the Bunch of data set ``name``: the body of every fetcher.

    ``files`` maps each split to its file, in the order of ``subset="all"``;
    ``read(path, fix)`` returns a file's ``(data, target)``; ``missing(split,
    home)`` those of a split whose file is absent and has no ``url``.
    ``params`` are the fetcher's parameters (its ``locals()``).
    """
    home = Bunch(folder=Path(get_data_home(params["data_home"])) / name, **params)
    subset = params.get("subset", "all")
    splits = [
        _load_file(home, files[split], read, missing and partial(missing, split, home))
        for split in (files if subset == "all" else [subset])
    ]
    output = [params[k] for k in ("shuffle", "random_state", "as_frame", "return_X_y")]
    return _bunch(splits, target_names, name, *output)


# The fetchers' shared docstring blocks, which _fetcher puts in place of the
# lines "    {parameters}" and "    {returns}".
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
    """Fill a fetcher's shared docstring blocks and validate its parameters.

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
