"""Shared machinery of the data set loaders.

Where data lives, how files are read and verified, and how a missing file is
downloaded safely.

Every loader looks for its files in a folder of the data home
(``<data_home>/ag_news/``, ``<data_home>/imdb/``, ...), reading an ``.xz``,
``.gz`` or ``.bz2`` copy as readily as the original. A file that is missing is
downloaded from the data set's public source, checked against a published
checksum and only then moved into place, so an interrupted or corrupted
download never leaves a file behind.

Every file is verified each time it is read, in the same pass that parses it
(:class:`FileSpec`, :func:`_read_records`): it is accepted when its bytes, or
its uncompressed content, match a checksum published for the data set; else
when they match the SHA-256 recorded beside it in ``<file>.sha256`` (written
by the loader when it downloads or converts a file, in ``sha256sum`` format);
else, for a file without either, when a strict parse finds exactly the
records the data set defines, ending with a complete line. Anything else
raises :class:`DataFileError`, which names the file and how to fix it. Loading
never writes, so a read-only data home that holds the files loads.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import http.client
import io
import logging
import lzma
import os
import stat
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch, check_random_state

from sklearn_charcnn._compat import Interval, validate_params

__all__ = ["DataFileError", "get_data_home"]

logger = logging.getLogger(__name__)

DATA_HOME_ENV = "SKLEARN_CHARCNN_DATA"
"""Environment variable that sets the data home; it wins over scikit-learn's."""

SKLEARN_DATA_HOME_ENV = "SCIKIT_LEARN_DATA"
"""scikit-learn's own variable (:func:`sklearn.datasets.get_data_home`)."""

DATA_HOME_FOLDER = "sklearn_charcnn"
"""Folder of this package inside scikit-learn's data home."""

_DECOMPRESSORS: dict[str, Callable] = {
    ".xz": lzma.LZMAFile,
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": bz2.BZ2File,
}
_COMPRESSED_SUFFIXES = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}

# Text CSVs of the IMDB reviews have fields of up to ~14,000 characters; the
# csv module's default limit (131,072) is fine, but user CSVs may exceed it.
_CSV_FIELD_LIMIT = 2**28

# What a damaged file raises while it is decompressed and decoded: a truncated
# .xz gives EOFError, garbage LZMAError, a bad .gz BadGzipFile (an OSError) or
# zlib.error, a bad .bz2 a plain OSError; a cut inside a quoted CSV field
# csv.Error (with strict=True; without it the field is silently cut short).
_READ_ERRORS = (
    lzma.LZMAError,
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    tarfile.TarError,
    UnicodeDecodeError,
    csv.Error,
    OSError,
)
_HASHES = ("sha256", "md5")
_BLOCK = 1 << 20


class DataFileError(OSError, ValueError):
    """A data set file is damaged, cut short or not the published file.

    It is both an :class:`OSError` (a file problem) and a
    :class:`ValueError` (bad content), as scikit-learn's ``NotFittedError``
    is both a ``ValueError`` and an ``AttributeError``. The message names the
    file and how to fix it.

    Parameters
    ----------
    problem : str
        What is wrong, naming the file.
    fix : str, default=""
        What to do about it (which file to delete, which call fetches it
        again).

    Attributes
    ----------
    problem : str
        The ``problem`` part of the message alone.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import DataFileError
    >>> error = DataFileError("train.csv is cut short.", "Delete it.")
    >>> print(error)
    train.csv is cut short. Delete it.
    >>> isinstance(error, OSError) and isinstance(error, ValueError)
    True
    """

    def __init__(self, problem: str, fix: str = ""):
        super().__init__(f"{problem} {fix}".strip())
        self.problem = problem


class RemoteFile(NamedTuple):
    """A file of a data set's public source.

    ``checksum`` is ``"<algorithm>:<hex digest>"`` with an algorithm that
    :func:`hashlib.new` knows (``sha256`` where the source publishes one,
    ``md5`` where only that is published).
    """

    filename: str
    url: str
    checksum: str


@dataclass(frozen=True)
class FileSpec:
    """What a local copy of one data set file is checked against.

    Attributes
    ----------
    name : str
        The file's published name, e.g. ``"train.csv"``.
    digests : frozenset of str
        ``"<algorithm>:<hex digest>"`` of the published file: of its bytes,
        or of its uncompressed content (so ``train.csv.xz`` made by the user
        from the published ``train.csv`` matches too).
    n_records : int
        The number of records (CSV rows without the header, or non-empty
        lines) that the data set defines for the file.
    fix : str
        What the user should do when the file is bad (the loader call that
        fetches it again).
    exact : bool
        If True, only ``digests`` are accepted (files shipped in the package).
    """

    name: str
    digests: frozenset[str]
    n_records: int
    fix: str
    exact: bool = False


# ----------------------------------------------------------------- data home


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
def get_data_home(data_home: str | os.PathLike | None = None) -> str:
    """Return the folder where the data set loaders keep their files.

    The folder is, in order of precedence:

    1. ``data_home`` if given;
    2. the environment variable ``SKLEARN_CHARCNN_DATA`` if set;
    3. the folder ``sklearn_charcnn`` inside scikit-learn's data home, the
       folder of :func:`sklearn.datasets.get_data_home` (the environment
       variable ``SCIKIT_LEARN_DATA``, else ``~/scikit_learn_data``).

    A ``~`` is expanded. The folder is not created: loaders create it only
    when they download or convert a file, and read a folder they cannot
    write to.

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
        data_home = os.environ.get(DATA_HOME_ENV)
    if not data_home:
        # sklearn.datasets.get_data_home's own rule, without its makedirs.
        sklearn_home = os.environ.get(
            SKLEARN_DATA_HOME_ENV, os.path.join("~", "scikit_learn_data")
        )
        data_home = os.path.join(sklearn_home, DATA_HOME_FOLDER)
    return os.path.expanduser(os.fspath(data_home))


def _is_writable(folder: Path) -> bool:
    """Whether files may be written into ``folder`` (created if missing).

    The nearest existing folder must allow writing, both for the process
    (:func:`os.access`) and by its permission bits, so that a data home marked
    read-only (``chmod a-w``) is never written to, even by root.
    """
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            mode = candidate.stat().st_mode
            return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and (
                os.access(candidate, os.W_OK)
            )
    return False


def _folder_note() -> str:
    return (
        f"the data home is set by data_home=, the {DATA_HOME_ENV} environment "
        f"variable, or scikit-learn's {SKLEARN_DATA_HOME_ENV}"
    )


def _missing_error(
    dataset: str, folder: Path, files: Sequence[str], reason: str, source: str
) -> OSError:
    listing = ", ".join(files)
    return OSError(
        f"{dataset} data not found: {reason}. Put the file(s) {listing} (or the "
        f"same names with .xz, .gz or .bz2 appended) into the folder {folder} "
        f"(create it if needed; {_folder_note()}). Source: {source}"
    )


# ------------------------------------------------------------------- reading


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


def _open_text(path: Path):
    """Open a text file for the csv module, decompressing by suffix."""
    opener = _COMPRESSED_SUFFIXES.get(path.suffix, open)
    return opener(path, "rt", encoding="utf-8", newline="")


def _read_csv(path: Path) -> Iterator[list[str]]:
    """Yield the rows of a (possibly compressed) RFC-4180 CSV file.

    A file that cannot be decompressed or decoded raises
    :class:`DataFileError` naming it.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, _CSV_FIELD_LIMIT))
    try:
        with _open_text(path) as handle:
            yield from csv.reader(handle)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except _READ_ERRORS as exc:
        raise DataFileError(
            f"{path} cannot be read ({_error_name(exc)}: {exc}); it is damaged, "
            "cut short or not a UTF-8 CSV file."
        ) from exc
    finally:
        csv.field_size_limit(limit)


def _error_name(exc: BaseException) -> str:
    """Name an exception for a message: ``LZMAError``, ``csv.Error``."""
    return "csv.Error" if type(exc) is csv.Error else type(exc).__name__


class _HashingReader(io.RawIOBase):
    """A readable stream that hashes the bytes read through it."""

    def __init__(self, raw, algorithms: Iterable[str] = _HASHES):
        self._raw = raw
        self.hashes = {
            name: hashlib.new(name, usedforsecurity=False) for name in algorithms
        }
        self.last_byte = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n_read = self._raw.readinto(buffer)
        if n_read:
            view = memoryview(buffer)[:n_read]
            for digest in self.hashes.values():
                digest.update(view)
            self.last_byte = bytes(view[-1:])
        return n_read

    def digests(self) -> set[str]:
        return {f"{name}:{d.hexdigest()}" for name, d in self.hashes.items()}


class _CheckedFile:
    """Open a (possibly compressed) file and hash it while it is read.

    The uncompressed bytes are hashed with ``content_algorithms`` and the
    stored bytes with ``stored_algorithms`` on the way, so that verifying a
    file costs no second pass over it (and only the hashes that can be
    compared with something are computed).
    """

    def __init__(
        self,
        path: Path,
        content_algorithms: Iterable[str] = _HASHES,
        stored_algorithms: Iterable[str] = (),
    ):
        self.path = path
        self._content_algorithms = set(content_algorithms)
        self._stored_algorithms = set(stored_algorithms)

    def __enter__(self) -> _CheckedFile:
        self._file = open(self.path, "rb")
        decompress = _DECOMPRESSORS.get(self.path.suffix)
        if decompress is None:  # stored bytes are the content
            algorithms = self._content_algorithms | self._stored_algorithms
            self.stored = self.content = _HashingReader(self._file, algorithms)
        else:
            self.stored = _HashingReader(self._file, self._stored_algorithms)
            self.content = _HashingReader(
                decompress(self.stored), self._content_algorithms
            )
        self.binary = io.BufferedReader(self.content, _BLOCK)
        return self

    def __exit__(self, *exc_info) -> None:
        self._file.close()

    def text(self) -> io.TextIOWrapper:
        self._text = io.TextIOWrapper(self.binary, encoding="utf-8", newline="")
        return self._text

    def finish(self) -> None:
        """Read what the parser left, so the digests cover the whole file."""
        if getattr(self, "_text", None) is not None:
            self._text.detach()  # else collecting it would close self.binary
            self._text = None
        while self.binary.read(_BLOCK):
            pass
        while self.stored.read(_BLOCK):
            pass

    @property
    def digests(self) -> set[str]:
        return self.stored.digests() | self.content.digests()

    @property
    def stored_sha256(self) -> str | None:
        digest = self.stored.hashes.get("sha256")
        return None if digest is None else digest.hexdigest()

    @property
    def ends_with_newline(self) -> bool:
        return self.content.last_byte == b"\n"


def _sidecar(path: Path) -> Path:
    """Return the checksum file beside ``path`` (``<name>.sha256``)."""
    return path.with_name(path.name + ".sha256")


def _recorded_sha256(path: Path) -> str | None:
    """Return the SHA-256 recorded beside ``path``: "" if unreadable, None if absent."""
    sidecar = _sidecar(path)
    if not sidecar.is_file():
        return None
    try:
        first = sidecar.read_text(encoding="ascii").split(maxsplit=1)
    except (OSError, UnicodeDecodeError):
        return ""
    return first[0].lower() if first else ""


def _write_sidecar(path: Path, sha256: str) -> None:
    """Record ``sha256`` beside ``path``, atomically."""
    _write_atomically(_sidecar(path), f"{sha256}  {path.name}\n".encode("ascii"))


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _hexdigest(data: bytes, algorithm: str = "sha256") -> str:
    return hashlib.new(algorithm, data, usedforsecurity=False).hexdigest()


def _digests(data: bytes) -> set[str]:
    return {f"{name}:{_hexdigest(data, name)}" for name in _HASHES}


def _verify(
    path: Path,
    spec: FileSpec,
    digests: set[str],
    stored_sha256: str | None,
    n_records: int,
    ends_with_newline: bool,
    unit: str = "rows",
) -> None:
    """Accept the file read from ``path`` or raise :class:`DataFileError`.

    Accepted: a published digest matches; else the SHA-256 recorded beside
    the file matches; else (no record) the strict parse found the data set's
    number of records and the file ends with a complete line.
    """
    if digests & spec.digests:
        return
    if spec.exact:
        raise DataFileError(
            f"The file {path} shipped with sklearn-charcnn is damaged: its "
            "checksum differs from the published file's.",
            spec.fix,
        )
    recorded = _recorded_sha256(path)
    if recorded is not None:
        if recorded == stored_sha256:
            return
        raise DataFileError(
            f"{path} does not match its checksum file {_sidecar(path).name} "
            f"(SHA-256 {stored_sha256}, recorded {recorded or 'unreadable'}): it "
            "was changed or damaged after it was written.",
            spec.fix,
        )
    problems = []
    if n_records != spec.n_records:
        problems.append(
            f"it has {n_records:,} {unit} where the published {spec.name} has "
            f"{spec.n_records:,}"
        )
    if not ends_with_newline:
        problems.append("it does not end with a line break, so its last record is cut")
    if problems:
        raise DataFileError(
            f"{path} is not the published {spec.name}: {'; '.join(problems)}. It is "
            "cut short, damaged or a different version, and has no checksum "
            f"file ({_sidecar(path).name}) that vouches for it.",
            spec.fix,
        )


def _read_records(
    path: Path, spec: FileSpec, parse: Callable[[Iterable[list[str]]], tuple]
):
    """Parse the CSV file ``path`` with ``parse`` and verify it against ``spec``.

    ``parse`` receives the rows and returns ``(result, n_records)``; it raises
    :class:`DataFileError` for a malformed row. Returns ``result``.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, _CSV_FIELD_LIMIT))
    published = {digest.partition(":")[0] for digest in spec.digests}
    recorded = () if _recorded_sha256(path) is None else ("sha256",)
    try:
        with _CheckedFile(path, published, recorded) as checked:
            result, n_records = parse(csv.reader(checked.text(), strict=True))
            checked.finish()
    except DataFileError:
        raise
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except _READ_ERRORS as exc:
        raise DataFileError(
            f"{path} cannot be read ({_error_name(exc)}: {exc}): it is damaged or "
            "cut short.",
            spec.fix,
        ) from exc
    finally:
        csv.field_size_limit(limit)
    _verify(
        path,
        spec,
        checked.digests,
        checked.stored_sha256,
        n_records,
        checked.ends_with_newline,
    )
    return result


def _read_lines(
    path: Path, spec: FileSpec, decode: Callable[[bytes], str]
) -> list[str]:
    """Read the non-empty, stripped lines of a small text file and verify it."""
    raw = path.read_bytes()
    lines = [line.strip() for line in decode(raw).splitlines() if line.strip()]
    _verify(
        path,
        spec,
        _digests(raw),
        _hexdigest(raw),
        len(lines),
        raw.endswith(b"\n"),
        unit="non-empty lines",
    )
    return lines


def _may_fetch_again(path: Path, download_if_missing: bool) -> bool:
    """Tell whether a bad file may be replaced by a fresh copy.

    Only a file the loader wrote itself (it has a checksum file), when
    downloading is allowed and the folder is writable: files placed by hand
    are never deleted.
    """
    return (
        download_if_missing
        and _recorded_sha256(path) is not None
        and _is_writable(path.parent)
    )


def _discard(path: Path, error: DataFileError) -> None:
    """Delete a bad file the loader wrote, and its checksum file, with a warning."""
    warnings.warn(
        f"{error.problem} It was written by this loader, so it is deleted and "
        "fetched again.",
        UserWarning,
        stacklevel=2,
    )
    path.unlink(missing_ok=True)
    _sidecar(path).unlink(missing_ok=True)


# ------------------------------------------------------------------ download


def _format_size(n_bytes: int | None) -> str:
    if n_bytes is None:
        return "size unknown"
    if n_bytes < 1_000_000:
        return f"{n_bytes / 1000:.1f} kB"
    return f"{n_bytes / 1_000_000:.1f} MB"


class _Progress:
    """A one-line progress indicator, redrawn in place on a terminal.

    ``train.csv: 12.1 MB of 29.5 MB (41%)``; at most ten redraws a second.
    """

    def __init__(self, stream, name: str, total: int | None):
        self.stream, self.name, self.total = stream, name, total
        self.done = 0
        self._last_draw = 0.0

    def update(self, n_bytes: int) -> None:
        self.done += n_bytes
        now = time.monotonic()
        if now - self._last_draw >= 0.1:
            self._draw()
            self._last_draw = now

    def close(self) -> None:
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        line = f"{self.name}: {_format_size(self.done)}"
        if self.total:
            percent = min(100, 100 * self.done // self.total)
            line += f" of {_format_size(self.total)} ({percent}%)"
        self.stream.write("\r" + line)
        self.stream.flush()


def _terminal_stream():
    """Return sys.stderr if it is a terminal (progress is drawn there), else None."""
    stream = sys.stderr
    try:
        return stream if stream is not None and stream.isatty() else None
    except (AttributeError, ValueError):
        return None


def _is_transient(exc: BaseException) -> bool:
    """Whether a failed download is worth retrying (not e.g. HTTP 404)."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code in (408, 429)
    if isinstance(exc, urllib.error.URLError) and isinstance(
        exc.reason, (FileNotFoundError, PermissionError, IsADirectoryError)
    ):
        return False  # a file:// URL that does not exist
    return isinstance(
        exc,
        (
            urllib.error.URLError,
            TimeoutError,
            ConnectionError,
            http.client.HTTPException,
        ),
    )


def _fetch_remote(
    remote: RemoteFile,
    folder: Path,
    *,
    n_retries: int = 3,
    delay: float = 1.0,
    timeout: float = 60,
    progress=None,
    record_checksum: bool = False,
) -> Path:
    """Download ``remote`` into ``folder`` and return the path of the file.

    The bytes go to a temporary file in ``folder``, are hashed on the way and
    the file is renamed into place (atomically, by :func:`os.replace`) only
    when the checksum matches; on any failure the temporary file is removed.
    A network failure (not an HTTP client error such as 404) is retried
    ``n_retries`` times, ``delay`` seconds apart, with a warning each time.
    The start (URL, size) and the end (time, checksum) are logged at INFO
    level; ``progress``, a text stream, receives a progress line.

    Raises
    ------
    OSError
        If the download fails (no network, HTTP error) or the checksum of
        the downloaded bytes differs from ``remote.checksum``.
    """
    algorithm, _, expected = remote.checksum.partition(":")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / remote.filename
    handle, tmp_name = tempfile.mkstemp(
        dir=folder, prefix=f".{remote.filename}.", suffix=".part"
    )
    os.close(handle)
    try:
        for attempt in range(n_retries + 1):
            try:
                digest, sha256 = _download_to(
                    remote, Path(tmp_name), algorithm, timeout, progress
                )
                break
            except Exception as exc:  # noqa: BLE001 - filtered by _is_transient
                if attempt == n_retries or not _is_transient(exc):
                    raise
                warnings.warn(
                    f"Downloading {remote.url} failed ({exc}); retrying in {delay} s "
                    f"({n_retries - attempt} retries left).",
                    UserWarning,
                    stacklevel=2,
                )
                time.sleep(delay)
        if digest != expected.lower():
            raise OSError(
                f"The file downloaded from {remote.url} has {algorithm} checksum "
                f"{digest}, but {expected} was expected; it was not saved. The "
                "download may be corrupted or the source may have changed."
            )
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if record_checksum:
        _write_sidecar(path, sha256)
    return path


def _download_to(
    remote: RemoteFile, target: Path, algorithm: str, timeout: float, progress
) -> tuple[str, str]:
    """One download attempt into ``target``; returns (digest, sha256)."""
    digest = hashlib.new(algorithm, usedforsecurity=False)
    sha256 = hashlib.sha256()
    start = time.monotonic()
    with open(target, "wb") as out:
        with urllib.request.urlopen(remote.url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            logger.info(
                "Downloading %s (%s) from %s",
                remote.filename,
                _format_size(total),
                remote.url,
            )
            bar = (
                None
                if progress is None
                else _Progress(progress, remote.filename, total)
            )
            received = 0
            for block in iter(lambda: response.read(_BLOCK), b""):
                digest.update(block)
                sha256.update(block)
                out.write(block)
                received += len(block)
                if bar:
                    bar.update(len(block))
            if bar:
                bar.close()
    if total is not None and received != total:
        raise ConnectionError(
            f"the connection closed after {received:,} of {total:,} bytes"
        )
    logger.info(
        "Downloaded %s (%s) in %.1f s; %s checksum verified",
        target.parent / remote.filename,
        _format_size(received),
        time.monotonic() - start,
        algorithm,
    )
    return digest.hexdigest(), sha256.hexdigest()


def _download(
    remotes: Sequence[RemoteFile],
    folder: Path,
    dataset: str,
    source: str,
    *,
    n_retries: int = 3,
    delay: float = 1.0,
) -> list[Path]:
    """Fetch every remote file, turning network failures into a clear error.

    Each file gets its checksum file (``<name>.sha256``) beside it.
    """
    if not _is_writable(folder):
        raise OSError(
            f"Cannot download {dataset} into {folder}: the folder is read-only. "
            f"Choose a writable data home ({_folder_note()}), or put the file(s) "
            f"{', '.join(r.filename for r in remotes)} there by hand. Source: {source}"
        )
    paths = []
    for remote in remotes:
        try:
            paths.append(
                _fetch_remote(
                    remote,
                    folder,
                    n_retries=n_retries,
                    delay=delay,
                    progress=_terminal_stream(),
                    record_checksum=True,
                )
            )
        except (
            urllib.error.URLError,
            TimeoutError,
            ConnectionError,
            http.client.HTTPException,
        ) as exc:
            reason = getattr(exc, "reason", exc)
            raise _missing_error(
                dataset,
                folder,
                [r.filename for r in remotes],
                f"downloading {remote.url} failed ({reason})",
                source,
            ) from None
    return paths


# ------------------------------------------------------------------- results


def _load_descr(name: str) -> str:
    return (
        resources.files("sklearn_charcnn.datasets")
        .joinpath("descr", name)
        .read_text(encoding="utf-8")
    )


def _package_file(name: str) -> Path:
    """Path of a file shipped in ``sklearn_charcnn/datasets/data/``."""
    return Path(str(resources.files("sklearn_charcnn.datasets").joinpath("data", name)))


def _import_pandas(caller: str):
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            f"{caller}(as_frame=True) needs pandas, which is not installed. Install "
            "it with `pip install pandas`."
        ) from exc
    return pd


def _make_bunch(
    data: list[str],
    target,
    target_names: list[str],
    descr: str,
    *,
    shuffle: bool,
    random_state,
    return_X_y: bool,
    as_frame: bool = False,
    caller: str = "fetch",
):
    target = np.asarray(target, dtype=np.int64)
    if shuffle:
        order = check_random_state(random_state).permutation(len(data))
        data = [data[i] for i in order]
        target = target[order]
    frame = None
    if as_frame:
        pd = _import_pandas(caller)
        frame = pd.DataFrame({"text": pd.Series(data, dtype=object), "target": target})
        data, target = frame[["text"]], frame["target"]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        target_names=target_names,
        feature_names=["text"],
        DESCR=descr,
    )


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
