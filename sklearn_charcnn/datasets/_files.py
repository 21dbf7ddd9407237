"""One reader for labelled text files: CSV, JSON Lines, or a folder per class."""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import itertools
import json
import lzma
import os
import sys
import zlib
from collections.abc import Iterator
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.datasets import load_files
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils import Bunch

from sklearn_charcnn._compat import Interval, StrOptions, validate_params
from sklearn_charcnn.datasets._base import DataFileError

__all__ = ["iter_text_file", "load_text_file"]

_OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}
_SEPARATORS = (",", ";", "\t", "|")
_WORKBOOKS = {".xlsx", ".xlsm", ".xls", ".ods"}
# A workbook is a zip archive (xlsx, ods) or an OLE2 compound file (xls).
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_DECOMPRESSION_ERRORS = (lzma.LZMAError, EOFError, zlib.error, gzip.BadGzipFile)
# Fields above the csv module's default limit (131,072 characters) are
# documents like any other here.
_FIELD_LIMIT = 2**28
_CONSTRAINTS = {
    "path": [str, os.PathLike],
    "text_column": [str, list],
    "label_column": [str, None],
    "sep": [str, None],
    "encoding": [str],
    "label_sep": [str, None],
    "missing_labels": [StrOptions({"raise", "drop"})],
    "columns": [list, None],
    "quoting": ["boolean"],
}


def _damaged(path, where, exc) -> DataFileError:
    return DataFileError(
        f"{path} cannot be decompressed{where} ({type(exc).__name__}: {exc}): it "
        "is damaged or cut short."
    )


def _open_binary(path: Path, encoding: str):
    """Open ``path`` for reading bytes, decompressing by suffix; skip a UTF-8 BOM.

    Refuses a spreadsheet workbook, a binary file and a UTF-16 file read
    with another encoding, saying what to do.
    """
    workbook = DataFileError(
        f"{path} is a spreadsheet workbook, not a text file.",
        "Save it as CSV (UTF-8) from your spreadsheet program and read that file.",
    )
    if path.suffix.lower() in _WORKBOOKS:
        raise workbook
    binary = _OPENERS.get(path.suffix.lower(), open)(path, "rb")
    try:
        head = binary.peek(4096)[:4096]
    except (*_DECOMPRESSION_ERRORS, OSError) as exc:
        binary.close()
        raise _damaged(path, "", exc) from exc
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    error = None
    if head.startswith(_WORKBOOK_MAGIC):
        error = workbook
    elif utf16 and "utf-16" not in codecs.lookup(encoding).name:
        error = DataFileError(
            f"{path} is UTF-16 text (it starts with a UTF-16 byte-order mark).",
            "Pass encoding='utf-16'.",
        )
    elif b"\x00" in head and not utf16 and "\n".encode(encoding) == b"\n":
        error = DataFileError(
            f"{path} is a binary file, not text.",
            "Pass a CSV, TSV or JSON Lines file, or a folder of text files.",
        )
    if error is not None:
        binary.close()
        raise error
    if head.startswith(codecs.BOM_UTF8):
        binary.read(len(codecs.BOM_UTF8))
    return binary


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """Yield the decoded lines of ``path``, line ends kept."""
    binary = _open_binary(path, encoding)
    if "\n".encode(encoding) == b"\n":
        # Split the bytes and decode line by line: an error names its line.
        source = (raw.decode(encoding) for raw in binary)
    else:
        source = io.TextIOWrapper(binary, encoding=encoding, newline="")
    number = 0
    try:
        for number, line in enumerate(source, 1):  # noqa: B007 - used below
            yield line
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path}, line {number + 1}: not {encoding} text ({exc.reason} at "
            f"byte {exc.start}).",
            "Pass the file's encoding, e.g. encoding='latin-1' or 'cp1252'.",
        ) from None
    except _DECOMPRESSION_ERRORS as exc:
        raise _damaged(path, f" after line {number}", exc) from None
    finally:
        binary.close()


def _header_error(path: Path, header: list[str], missing: list[str]):
    if any(
        not name.strip() or len(name) > 50 or name.strip().lstrip("-").isdigit()
        for name in header
    ):
        return DataFileError(
            f"{path} has no header row: its first line is data "
            f"({[name[:20] for name in header[:3]]}...).",
            f"Name its {len(header)} columns with columns=[...] (CLI --columns), "
            "or add a header row.",
        )
    return DataFileError(
        f"{path} has no column(s) {missing}; its header is {header}.",
        "Name the text and label columns (text_column=, label_column=; CLI "
        "--text-column, --label-column).",
    )


def _csv_records(path, lines, sep, quoting, columns, needed):
    """Yield the separator, then ``(line number, {column: field})`` per row.

    Without ``sep``, the separator that splits the first line into the most
    fields (or into as many as ``columns`` names) is used.
    """
    first = next(lines, "")
    quoting = csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE
    counts = {
        candidate: len(next(csv.reader([first], delimiter=candidate, quoting=quoting)))
        for candidate in _SEPARATORS
    }
    exact = [candidate for candidate, n in counts.items() if n == len(columns or "")]
    sep = sep or (exact or [max(_SEPARATORS, key=counts.get)])[0]
    lines = itertools.chain([first], lines)
    reader = csv.reader(lines, delimiter=sep, quoting=quoting, strict=True)
    limit = csv.field_size_limit(_FIELD_LIMIT)
    try:
        header = list(columns) if columns else next(reader, None)
        if header is None:
            raise DataFileError(f"{path} is empty.", "Pass a file with a header row.")
        if not columns:  # a BOM that the encoding kept (utf-16-le, say)
            header[0] = header[0].lstrip("\ufeff")
        missing = [name for name in needed if name not in header]
        if missing:
            raise _header_error(path, header, missing)
        yield sep
        line = reader.line_num
        for row in reader:
            if row and len(row) != len(header):
                raise DataFileError(
                    f"{path}, line {line + 1}: {len(row)} fields where the "
                    f"{'columns' if columns else 'header'} name {len(header)} "
                    f"(separator {sep!r}).",
                    "Quote the fields that hold the separator, or pass sep= "
                    "(CLI --sep).",
                )
            if row:
                yield line + 1, dict(zip(header, row, strict=True))
            line = reader.line_num
    except csv.Error as exc:
        raise DataFileError(
            f"{path}, line {reader.line_num}: {exc}.",
            "Check the quotes around that line; if the fields are not quoted "
            "(as in many TSV files), pass quoting=False.",
        ) from None
    finally:
        csv.field_size_limit(limit)


def _jsonl_records(path: Path, lines) -> Iterator:
    """Yield None (no separator), then ``(line number, object)`` per line."""
    yield None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record = exc
        if not isinstance(record, dict):
            raise DataFileError(
                f"{path}, line {number}: not a JSON object ({str(record)[:60]}).",
                "Each line of a JSON Lines file must hold one object, e.g. "
                '{"text": "...", "label": "..."}.',
            )
        yield number, record


def _folder_records(path: Path, encoding: str):
    """Yield None (no separator), then ``(file name, record)`` per document."""
    listing = load_files(path, load_content=False, shuffle=False)
    if not len(listing.filenames):
        raise DataFileError(
            f"{path} holds no sub-folder with files.",
            "Put each class's documents in a sub-folder named after the class.",
        )
    yield None
    for name, label in zip(listing.filenames, listing.target, strict=True):
        text = "".join(_lines(Path(name), encoding))
        yield name, {"text": text, "label": listing.target_names[label]}


def _labels(value, label_sep: str | None, where: str):
    """Return the label (str), the labels (list of str), or None if missing."""
    if isinstance(value, list):
        if label_sep is None:
            raise DataFileError(
                f"{where}: the label is a list.", "Pass label_sep= for multi-label."
            )
        labels = [str(label).strip() for label in value]
    elif value is None or not str(value).strip():
        return None
    elif label_sep is None:
        return str(value).strip()
    else:
        labels = [label.strip() for label in str(value).split(label_sep)]
    return [label for label in labels if label] or None


def _chunks(records, texts, label_column, missing_labels, size, settings):
    """Group the records into Bunches of ``size`` documents."""
    rows, missing, n_dropped, n_chunks = [], [], 0, 0
    for position, record in records:
        where, label = f"{settings['path']}, line {position}", None
        if label_column is not None:
            label = _labels(record.get(label_column), settings["label_sep"], where)
            if label is None:
                missing.append(position)
                n_dropped += 1
            if label is None or (missing and missing_labels == "raise"):
                continue  # after a missing label, "raise" only counts them
        absent = [name for name in texts if name not in record]
        if absent:
            message = f"{where} has no key(s) {absent}; its keys are {sorted(record)}."
            raise DataFileError(message, "Name the text column (text_column=).")
        fields = ("" if record[name] is None else str(record[name]) for name in texts)
        rows.append((position, " ".join(fields), label))
        if len(rows) == size:
            yield _chunk(rows, n_dropped, label_column is not None, settings)
            rows, n_dropped, n_chunks = [], 0, n_chunks + 1
    if missing and missing_labels == "raise":
        shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
        raise DataFileError(
            f"{settings['path']}: {len(missing)} row(s) have no {label_column!r} "
            f"label (line(s) {shown}).",
            "Fill them in, or drop those rows with missing_labels='drop' (CLI "
            "--drop-missing-labels).",
        )
    if rows or n_dropped or not n_chunks:
        yield _chunk(rows, n_dropped, label_column is not None, settings)


def _chunk(rows: list, n_dropped: int, labelled: bool, settings: dict) -> Bunch:
    positions, data, labels = map(list, zip(*rows, strict=True)) if rows else [[]] * 3
    folder = settings["format"] == "folder"
    if labelled:  # multi-label targets stay lists until load_text_file binarizes
        labels = labels if settings["label_sep"] else np.asarray(labels, dtype=str)
    return Bunch(
        data=data,
        target=labels if labelled else None,
        line_numbers=None if folder else np.asarray(positions, dtype=np.int64),
        filenames=positions if folder else None,
        n_dropped=n_dropped,
        n_empty=sum(not text.strip() for text in data),
        **settings,
    )


def _csv_rows(path: Path, columns: list[str]):
    """Yield ``(line number, {column: field})`` per row of a header-less CSV file."""
    records = _csv_records(path, _lines(path, "utf-8"), ",", True, columns, [])
    next(records)  # the separator
    yield from records


@validate_params(
    {"chunk_size": [Interval(Integral, 1, None, closed="left")]} | _CONSTRAINTS,
    prefer_skip_nested_validation=True,
)
def iter_text_file(
    path,
    *,
    chunk_size: int = 1000,
    text_column="text",
    label_column="label",
    sep=None,
    encoding="utf-8",
    label_sep=None,
    missing_labels="raise",
    columns=None,
    quoting=True,
) -> Iterator[Bunch]:
    r"""Read a labelled text file in chunks, in constant memory.

    The streaming form of :func:`load_text_file`, for files too large to
    hold (the documents to predict, say): one Bunch per ``chunk_size``
    documents.

    Parameters
    ----------
    path : str or path-like
        A CSV or TSV file, a JSON Lines file, or a folder with one sub-folder
        per class.
    chunk_size : int, default=1000
        Number of documents per chunk (the last one may hold fewer).
    text_column, label_column, sep, encoding, label_sep, missing_labels, columns
        See :func:`load_text_file`.
    quoting : bool, default=True
        See :func:`load_text_file`.

    Yields
    ------
    chunk : :class:`~sklearn.utils.Bunch`
        The Bunch of :func:`load_text_file` for the chunk's documents,
        without ``target_names``; with ``label_sep``, ``target`` is a list
        of lists of labels (the set of labels is known only at the end).
        A file that cannot be read raises :class:`DataFileError` when the
        reading reaches the problem.

    See Also
    --------
    load_text_file : The whole file at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_charcnn.datasets import iter_text_file
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "new.csv").write_text("text\nfirst\nsecond\nthird\n")
    >>> for chunk in iter_text_file(folder / "new.csv", chunk_size=2, label_column=None):
    ...     print(chunk.data, chunk.line_numbers.tolist())
    ['first', 'second'] [2, 3]
    ['third'] [4]
    """
    path = Path(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        message = f"Unknown encoding={encoding!r}; pass a codec Python knows"
        raise ValueError(f"{message}, e.g. 'utf-8', 'latin-1' or 'cp1252'.") from None
    if sep is not None and len(sep) != 1:
        raise ValueError(f"sep must be one character, got {sep!r}.")
    texts = [text_column] if isinstance(text_column, str) else list(text_column)
    inner = Path(path.stem if path.suffix.lower() in _OPENERS else path.name).suffix
    fmt = "jsonl" if inner.lower() in (".jsonl", ".ndjson") else "csv"
    fmt = "folder" if path.is_dir() else fmt
    settings = {"text_columns": texts, "label_sep": label_sep, "path": str(path)}
    settings.update(format=fmt, sep=None, encoding=encoding)
    if fmt == "folder":  # the sub-folder names are the labels
        records = _folder_records(path, encoding)
        settings["text_columns"], texts = [], ["text"]
        label_column = None if label_column is None else "label"
    elif fmt == "jsonl":
        records = _jsonl_records(path, _lines(path, encoding))
    else:
        needed = texts + ([] if label_column is None else [label_column])
        sep = sep or ("\t" if inner.lower() == ".tsv" else None)
        records = _csv_records(
            path, _lines(path, encoding), sep, quoting, columns, needed
        )
    settings["sep"] = next(records)
    yield from _chunks(
        records, texts, label_column, missing_labels, chunk_size, settings
    )


@validate_params(_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_text_file(
    path,
    *,
    text_column="text",
    label_column="label",
    sep=None,
    encoding="utf-8",
    label_sep=None,
    missing_labels="raise",
    columns=None,
    quoting=True,
) -> Bunch:
    r"""Read labelled documents from a CSV, JSON Lines file or a folder per class.

    The reader for your own data, the way the fetchers return theirs (see
    :ref:`own-data`): a CSV file with a header row (or ``columns``), whose
    separator is found among comma, semicolon, tab and pipe; a JSON Lines
    file (``.jsonl``, ``.ndjson``), one object per line; or a folder with
    one sub-folder of documents per class, as
    :func:`sklearn.datasets.load_files` reads. Files ending in ``.gz``,
    ``.xz`` or ``.bz2`` are decompressed.

    Parameters
    ----------
    path : str or path-like
        The file or folder.
    text_column : str or list of str, default="text"
        The column holding the documents; with several, a document is their
        fields joined by a single space, in the order given.
    label_column : str or None, default="label"
        The column holding the labels; None reads no labels (documents to
        predict) and ``target`` is None.
    sep : str, default=None
        The one-character separator of a CSV file; None finds it (a ``.tsv``
        file is tab-separated).
    encoding : str, default="utf-8"
        Any codec Python knows; a UTF-8 byte-order mark is always skipped.
    label_sep : str, default=None
        A separator inside the label field, for several labels per document:
        ``target`` is then a binary indicator matrix.
    missing_labels : {"raise", "drop"}, default="raise"
        What to do with rows whose label is empty: raise an error that
        counts them, or drop them (counted in ``n_dropped``).
    columns : list of str, default=None
        Names of the fields of a CSV file without a header row, in order.
    quoting : bool, default=True
        Whether fields may be quoted; False reads every character as it is
        (TSV files whose text holds unpaired quotes).

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str); ``target`` (ndarray of the label strings, an
        indicator ndarray with ``label_sep``, or None); ``target_names``
        (the sorted labels, or None); ``line_numbers`` (the line each
        document starts on; None for a folder); ``filenames`` (for a folder,
        else None); ``n_dropped`` (rows dropped for a missing label);
        ``n_empty`` (blank documents, kept); ``text_columns``, ``path``,
        ``format`` (``"csv"``, ``"jsonl"`` or ``"folder"``), ``sep``,
        ``encoding`` and ``label_sep``. A file that cannot be read as asked
        (a missing column, a wrong encoding, ...) raises
        :class:`DataFileError`, naming the file, the line and the fix.

    See Also
    --------
    iter_text_file : The same, in chunks of constant memory.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_charcnn.datasets import load_text_file
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text('text;label\n"Great, really";pos\nDull;neg\n')
    >>> reviews = load_text_file(path)
    >>> reviews.data, reviews.target.tolist(), reviews.sep
    (['Great, really', 'Dull'], ['pos', 'neg'], ';')
    """
    # One chunk of every document: the set of labels is known at the end.
    [bunch] = iter_text_file(chunk_size=sys.maxsize, **locals())
    bunch.target_names = None
    if label_column is not None and label_sep is not None:
        binarizer = MultiLabelBinarizer()
        bunch.target = binarizer.fit_transform(bunch.target)
        bunch.target_names = binarizer.classes_.tolist()
    elif label_column is not None:
        bunch.target_names = np.unique(bunch.target).tolist()
    return bunch
