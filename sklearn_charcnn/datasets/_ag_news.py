"""AG's News topic classification data set (Zhang, Zhao & LeCun, 2015)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import numpy as np

from sklearn_charcnn._compat import StrOptions, validate_params
from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import _csv_rows

__all__ = ["fetch_ag_news", "load_ag_news", "unescape_ag_news"]

# The copy of the CSV files that torchtext downloads, with torchtext's MD5
# (the only digest published for train.csv).
_REMOTES = {
    "train": _base.RemoteFile(
        "train.csv",
        "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/"
        "data/ag_news_csv/train.csv",
        "md5:b1a00f826fdfbd249f79597b59e1dc12",
    ),
}
# test.csv's SHA-256 and MD5, then its xz copy's, which the package ships.
_TEST_DIGESTS = (
    "sha256:521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
    "md5:d52ea96a97a2d943681189a97654912d",
    "sha256:b797f846079c25565eab8e6f9e407ee94f385662d04fd9d0c3b9f6008d0d022a",
)
_EMBEDDED = _base.FileSpec(
    "ag_news_test.csv.xz",
    _TEST_DIGESTS[2:],
    "Reinstall the package: pip install --force-reinstall --no-deps sklearn-charcnn.",
)
_CLASSES = ["World", "Sports", "Business", "Sci/Tech"]  # classes.txt: line i is i


def _fix(split: str) -> str:
    action = "download it again" if split == "train" else "use the embedded copy"
    return (
        "Delete it (with its .sha256 file, if any) and call fetch_ag_news(subset="
        f"{split!r}) to {action}, or replace it with a good copy."
    )


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


def _read_ag_csv(path: Path, unescape: bool, fix: str):
    """Return (documents, target) of an AG News CSV file (no header row)."""
    data, target = [], []
    for line, row in _csv_rows(path, ["class", "title", "description"]):
        if row["class"] not in ("1", "2", "3", "4"):
            raise _base.DataFileError(
                f"{path}, line {line}: the class index {row['class'][:20]!r} is "
                "not 1-4; the file is not an AG News CSV file.",
                fix,
            )
        title, description = row["title"], row["description"]
        if unescape:
            title, description = _unescape(title), _unescape(description)
        data.append(title + " " + description)
        target.append(int(row["class"]) - 1)
    return data, np.asarray(target, dtype=np.int64)


def _read_embedded_test(unescape: bool):
    path = _base._package_file(_EMBEDDED.name)
    _base._verify(path, _EMBEDDED)
    return _read_ag_csv(path, unescape, _EMBEDDED.fix)


def _split(split: str, folder: Path, unescape: bool, download_if_missing, options):
    spec = _base.FileSpec(f"{split}.csv", _TEST_DIGESTS, _fix(split))
    if split == "train":
        remote = _REMOTES["train"]
        spec = _base.FileSpec("train.csv", (remote.checksum,), _fix(split), remote)
    return _base._load_file(
        folder,
        spec,
        lambda path: _read_ag_csv(path, unescape, spec.fix),
        download_if_missing,
        options,
        None if split == "train" else lambda: _read_embedded_test(unescape),
    )


@validate_params(
    {"subset": [StrOptions({"train", "test", "all"})], "unescape": ["boolean"]}
    | _base.FETCH_CONSTRAINTS,
    prefer_skip_nested_validation=True,
)
@_base._fill_doc
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

    The fetcher reads ``<data_home>/ag_news/train.csv`` and ``test.csv``
    (``.xz``, ``.gz`` or ``.bz2`` copies too); the package ships the test
    split, and a missing ``train.csv`` is downloaded (29.5 MB). A file is
    read only when its digest is the published one or the ``.sha256``
    file's (see :ref:`datasets`).

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    unescape : bool, default=True
        Decode the files' literal escapes with :func:`unescape_ag_news`. With
        False the fields are returned exactly as stored.
    {fetch_parameters}

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame), ``target`` (ndarray of int64,
        0-3, or Series), ``frame`` (DataFrame or None), ``target_names``
        (``['World', 'Sports', 'Business', 'Sci/Tech']``), ``feature_names``
        (``['text']``) and ``DESCR`` (description and citation).
    (data, target) : tuple
        With ``return_X_y=True``.

    {fetch_raises}

    See Also
    --------
    load_ag_news : The embedded test split, without any file access.

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
    folder = Path(_base.get_data_home(data_home)) / "ag_news"
    options = {"n_retries": n_retries, "delay": delay}
    splits = [
        _split(split, folder, unescape, download_if_missing, options)
        for split in (["train", "test"] if subset == "all" else [subset])
    ]
    return _base._bunch(
        splits, _CLASSES, "ag_news", shuffle, random_state, as_frame, return_X_y
    )


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"], "unescape": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_ag_news(
    *, return_X_y: bool = False, as_frame: bool = False, unescape: bool = True
):
    """Load the AG News test split that ships with the package (4 classes).

    The 7,600 test articles of AG's News (1,900 per class), read from the
    package itself (its SHA-256 checked): no download, no data home. It is
    the default corpus of ``python -m sklearn_charcnn compare``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects, as :func:`fetch_ag_news` does.
    unescape : bool, default=True
        Decode the file's literal escapes with :func:`unescape_ag_news`.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch` or tuple
        As :func:`fetch_ag_news` returns.

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
    splits = [_read_embedded_test(unescape)]
    return _base._bunch(splits, _CLASSES, "ag_news", False, None, as_frame, return_X_y)
