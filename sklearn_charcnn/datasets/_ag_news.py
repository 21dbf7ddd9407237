"""AG's News topic classification data set (Zhang, Zhao & LeCun, 2015).

The test split (7,600 articles) ships inside the package, byte for byte as
published; the training split (120,000 articles) is read from the data home
or downloaded.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from sklearn_charcnn._compat import StrOptions, validate_params
from sklearn_charcnn.datasets._base import (
    FETCH_CONSTRAINTS,
    DataFileError,
    FileSpec,
    RemoteFile,
    _candidates,
    _discard,
    _download,
    _find_file,
    _load_descr,
    _make_bunch,
    _may_fetch_again,
    _missing_error,
    _package_file,
    _read_lines,
    _read_records,
    get_data_home,
)

__all__ = ["fetch_ag_news", "load_ag_news"]


# The copy of the CSV files that torchtext downloads; the MD5s are the ones
# torchtext publishes, and the test file's MD5 is that of the embedded copy.
_SOURCE = "https://github.com/mhjabreel/CharCnn_Keras/tree/master/data/ag_news_csv"
_REMOTES = {
    "train": RemoteFile(
        "train.csv",
        "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/"
        "data/ag_news_csv/train.csv",
        "md5:b1a00f826fdfbd249f79597b59e1dc12",
    ),
    "test": RemoteFile(
        "test.csv",
        "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/"
        "data/ag_news_csv/test.csv",
        "sha256:521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
    ),
}
_EMBEDDED_TEST = "ag_news_test.csv.xz"
_EMBEDDED_CLASSES = "ag_news_classes.txt"

_TEST_SHA256 = "sha256:521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699"
_CLASSES_SHA256 = (
    "sha256:612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5"
)
_REINSTALL = (
    "Reinstall the package: pip install --force-reinstall --no-deps sklearn-charcnn."
)


def _fix(split: str) -> str:
    return (
        "Delete it (with its .sha256 file, if any) and call "
        f"fetch_ag_news(subset={split!r}) to "
        + ("download it again" if split == "train" else "use the embedded copy")
        + ", or replace it with a good copy."
    )


# Each file as the data set defines it (Zhang et al. 2015, 30,000 training and
# 1,900 test articles per class): its published checksums and its row count.
_SPECS = {
    "train": FileSpec(
        "train.csv",
        frozenset({_REMOTES["train"].checksum}),
        120_000,
        _fix("train"),
    ),
    "test": FileSpec(
        "test.csv",
        frozenset({_TEST_SHA256, "md5:d52ea96a97a2d943681189a97654912d"}),
        7_600,
        _fix("test"),
    ),
    "classes": FileSpec(
        "classes.txt",
        frozenset({_CLASSES_SHA256}),
        4,
        "Delete it (the package ships the class names) or replace it with a good copy.",
    ),
}
_EMBEDDED_SPECS = {
    "test": FileSpec(
        _EMBEDDED_TEST, frozenset({_TEST_SHA256}), 7_600, _REINSTALL, exact=True
    ),
    "classes": FileSpec(
        _EMBEDDED_CLASSES, frozenset({_CLASSES_SHA256}), 4, _REINSTALL, exact=True
    ),
}

# HTML entities. The crawl kept the "&" of "&lt;" and "&gt;" but replaced it by
# a space everywhere else ("It #39;s", "Johnson  amp; Johnson", " quot;Hi quot;"):
# in the test split all 3,638 entities without "&" follow a space.
_ENTITY = re.compile(r"(?:&| |^)(#\d{1,7}|quot|amp|lt|gt|hellip|nbsp);")


@validate_params({"text": [str]}, prefer_skip_nested_validation=True)
def unescape_ag_news(text: str) -> str:
    r"""Undo the escapes of the AG News CSV files in one text field.

    The files store each line break as a single backslash (``second\team``
    is "second", a line break, "team"; the readme's ``\n`` lost its ``n``),
    escape the dollar sign as ``\$``, and carry HTML entities whose ``&`` the
    original crawl replaced by a space (``It #39;s``), except in ``&lt;`` and
    ``&gt;``. In this order:

    1. ``\$`` becomes ``$`` (656 times in the test split);
    2. every other backslash becomes a newline ``"\n"`` (``\\`` hence two);
    3. an entity ``#NNN;``, ``quot;``, ``amp;``, ``lt;``, ``gt;``,
       ``hellip;`` or ``nbsp;`` becomes its character together with the
       ``&`` or the space before it (the space that replaced the ``&``).
       Numeric codes 128-159 have their Windows-1252 meaning, as in HTML:
       ``#39;`` is ``'``, ``#36;`` is ``$``, ``#151;`` an em dash, ``#146;``
       a right single quote.

    Nothing else changes: HTML tags that the entities spell out stay in the
    text (``&lt;B&gt;`` becomes ``<B>``), and the runs of spaces left where
    the crawl dropped a character (``Turner   Newall``) are kept.

    Parameters
    ----------
    text : str
        A title or description as stored in the CSV file.

    Returns
    -------
    text : str
        The decoded text.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import unescape_ag_news
    >>> unescape_ag_news(r"the  #36;10 million prize, a contest for\privately")
    'the $10 million prize, a contest for\nprivately'
    >>> print(unescape_ag_news(r"Mills Grabs \$1B; In  quot;It #39;s done, quot; he said"))
    Mills Grabs $1B; In "It's done," he said
    >>> print(unescape_ag_news("Johnson  amp; Johnson &lt;JNJ.N&gt;"))
    Johnson & Johnson <JNJ.N>
    """
    return _unescape(text)


def _unescape(text: str) -> str:
    # unescape_ag_news without its parameter validation, for the 15,200
    # calls of one load.
    text = text.replace("\\$", "$").replace("\\", "\n")
    return _ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)


def _target_names(folder: Path | None) -> list[str]:
    path = folder and _find_file(folder, ["classes.txt"])
    if path:
        return _read_lines(path, _SPECS["classes"], lambda raw: raw.decode("utf-8"))
    return _read_lines(
        _package_file(_EMBEDDED_CLASSES),
        _EMBEDDED_SPECS["classes"],
        lambda raw: raw.decode("utf-8"),
    )


def _parse_ag_rows(path: Path, rows, unescape: bool, fix: str):
    """Return ((data, target), n_rows) from the rows of an AG News CSV file."""
    data, target = [], []
    for line, row in enumerate(rows, 1):
        if len(row) != 3 or row[0] not in ("1", "2", "3", "4"):
            raise DataFileError(
                f"{path}, row {line}: expected 3 fields (class index 1-4, title, "
                f"description), got {row[:3]!r}. The file is damaged or not an AG "
                "News CSV file.",
                fix,
            )
        title, description = row[1], row[2]
        if unescape:
            title, description = _unescape(title), _unescape(description)
        data.append(title + " " + description)
        target.append(int(row[0]) - 1)
    return (data, target), len(data)


def _read_ag_csv(path: Path, spec: FileSpec, unescape: bool):
    return _read_records(
        path, spec, lambda rows: _parse_ag_rows(path, rows, unescape, spec.fix)
    )


def _read_embedded_test(unescape: bool) -> tuple[list[str], list[int]]:
    return _read_ag_csv(
        _package_file(_EMBEDDED_TEST), _EMBEDDED_SPECS["test"], unescape
    )


def _ag_news_split(
    split: str,
    folder: Path,
    download_if_missing: bool,
    unescape: bool,
    download_options: dict,
) -> tuple[list[str], list[int]]:
    remote, spec = _REMOTES[split], _SPECS[split]
    for attempt in range(2):
        path = _find_file(folder, _candidates(remote.filename))
        if path is None and split == "test":
            return _read_embedded_test(unescape)
        if path is None:
            if not download_if_missing:
                raise _missing_error(
                    "AG News",
                    folder,
                    [remote.filename],
                    "download_if_missing=False",
                    _SOURCE,
                )
            [path] = _download([remote], folder, "AG News", _SOURCE, **download_options)
        try:
            return _read_ag_csv(path, spec, unescape)
        except DataFileError as error:
            if attempt or not _may_fetch_again(path, download_if_missing):
                raise
            _discard(path, error)
    raise AssertionError("unreachable")  # pragma: no cover


# Merged with | rather than ** inside the literal: Sphinx's source parser
# (the documentation's [source] pages) fails on ** in a decorator's dict.
@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "unescape": ["boolean"],
    }
    | FETCH_CONSTRAINTS,
    prefer_skip_nested_validation=True,
)
def fetch_ag_news(
    subset: str = "train",
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
    unescape: bool = True,
    shuffle: bool = False,
    random_state=None,
    n_retries: int = 3,
    delay: float = 1.0,
):
    """Load AG's News topic classification data set (4 classes).

    News articles of four topics, 30,000 training and 1,900 test articles per
    class, as built by Zhang, Zhao & LeCun (2015) for their character-level
    ConvNets. A document is the article's title, a space and its
    description, with the files' escapes decoded by
    :func:`unescape_ag_news`.

    =================   ==========================
    Classes                                      4
    Samples (train)                        120,000
    Samples (test)                           7,600
    Features            text (str), ~240 chars avg
    =================   ==========================

    The files are looked for in ``<data_home>/ag_news/``: ``train.csv`` and
    ``test.csv`` as published, or the same names with ``.xz``, ``.gz`` or
    ``.bz2`` appended. The test split needs no file there: the package
    ships it. A missing ``train.csv`` is downloaded (29.5 MB) from the copy
    that torchtext uses, and checked against torchtext's MD5.

    Every file is verified when it is read (see Notes).

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    data_home : str or path-like, default=None
        Data home; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the training file when it is not in the data home, or when
        the copy this loader downloaded earlier has been damaged. If False, a
        missing file raises ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with one column ``"text"``,
        ``target`` as a Series and the two together as ``frame`` (pandas is
        imported only then). Pass ``data["text"]`` to a text estimator.
    unescape : bool, default=True
        Decode the files' literal escapes with :func:`unescape_ag_news`. With
        False the fields are returned exactly as stored.
    shuffle : bool, default=False
        Shuffle the documents; the files are not ordered at random.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    n_retries : int, default=3
        Number of retries when a download fails on a network error.
    delay : float, default=1.0
        Seconds between retries.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame), ``target`` (ndarray of int64,
        0-3, or Series), ``frame`` (DataFrame or None), ``target_names``
        (``['World', 'Sports', 'Business', 'Sci/Tech']``), ``feature_names``
        (``['text']``) and ``DESCR`` (description and citation).
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    OSError
        If the training file is missing and cannot be downloaded; the
        message names the file and the folder to put it in.
    DataFileError
        If a file is damaged, cut short or not the published one (an
        ``OSError`` and a ``ValueError``); the message names the file and
        how to fix it.

    See Also
    --------
    load_ag_news : The embedded test split, without any file access.

    Notes
    -----
    A file is accepted when its bytes or its uncompressed content match a
    published checksum (torchtext's MD5 for ``train.csv``, the SHA-256 and
    MD5 of ``test.csv``); else when they match the SHA-256 in the
    ``<file>.sha256`` file beside it, which the loader writes when it
    downloads; else, for a file placed by hand, when it has exactly
    120,000 (train) or 7,600 (test) well-formed rows and ends with a line
    break. A damaged file the loader downloaded is downloaded again (with a
    warning) when ``download_if_missing=True``; a file placed by hand is
    never deleted. Loading writes nothing, so a read-only data home works.
    Downloads log their start, size and end through :mod:`logging` (logger
    ``sklearn_charcnn.datasets._base``) and draw a progress line on a
    terminal.

    References
    ----------
    .. [1] X. Zhang, J. Zhao and Y. LeCun, "Character-level Convolutional
       Networks for Text Classification", NIPS 2015, arXiv:1509.01626.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_ag_news
    >>> test = fetch_ag_news(subset="test")
    >>> len(test.data), test.target_names[test.target[0]]
    (7600, 'Business')
    >>> test.data[0][:47]
    'Fears for T N pension after talks Unions repres'
    >>> frame = fetch_ag_news(subset="test", as_frame=True).frame
    >>> frame.shape, list(frame.columns)
    ((7600, 2), ['text', 'target'])
    """
    folder = Path(get_data_home(data_home)) / "ag_news"
    splits = ["train", "test"] if subset == "all" else [subset]
    data, target = [], []
    for split in splits:
        split_data, split_target = _ag_news_split(
            split,
            folder,
            download_if_missing,
            unescape,
            {"n_retries": n_retries, "delay": delay},
        )
        data += split_data
        target += split_target
    return _make_bunch(
        data,
        target,
        _target_names(folder),
        _load_descr("ag_news.rst"),
        shuffle=shuffle,
        random_state=random_state,
        return_X_y=return_X_y,
        as_frame=as_frame,
        caller="fetch_ag_news",
    )


@validate_params(
    {
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
        "unescape": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_ag_news(
    *, return_X_y: bool = False, as_frame: bool = False, unescape: bool = True
):
    """Load the AG News test split that ships with the package (4 classes).

    The 7,600 test articles of AG's News (1,900 per class), read from the
    package itself: no download, no data home. It is the default corpus of
    ``python -m sklearn_charcnn compare``. Documents are title, a space and
    description, decoded by :func:`unescape_ag_news`. The file's SHA-256 is
    checked on every load (a few milliseconds).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with one column ``"text"``,
        ``target`` as a Series and both as ``frame``.
    unescape : bool, default=True
        Decode the file's literal escapes with :func:`unescape_ag_news`.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of 7,600 str), ``target`` (ndarray of int64, 0-3),
        ``frame``, ``target_names``, ``feature_names`` and ``DESCR``, as
        :func:`fetch_ag_news` returns.
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    DataFileError
        If the package's copy of the file is damaged (reinstall the package).

    See Also
    --------
    fetch_ag_news : Both splits, from the data home.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import load_ag_news
    >>> X, y = load_ag_news(return_X_y=True)
    >>> len(X), sorted(set(y.tolist()))
    (7600, [0, 1, 2, 3])
    """
    data, target = _read_embedded_test(unescape)
    return _make_bunch(
        data,
        target,
        _target_names(None),
        _load_descr("ag_news.rst"),
        shuffle=False,
        random_state=None,
        return_X_y=return_X_y,
        as_frame=as_frame,
        caller="load_ag_news",
    )
