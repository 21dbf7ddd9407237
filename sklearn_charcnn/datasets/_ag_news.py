"""AG's News topic classification data set (Zhang, Zhao & LeCun, 2015)."""

from __future__ import annotations

import functools
import html
import os
import re
from pathlib import Path

import numpy as np

from sklearn_charcnn._compat import validate_params
from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import _csv_rows

__all__ = ["fetch_ag_news", "load_ag_news", "unescape_ag_news"]

# The copy that torchtext downloads, with its MD5 (the only digest published).
_REMOTES = {
    "train": _base.RemoteFile(
        "train.csv",
        "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/"
        "data/ag_news_csv/train.csv",
        "md5:b1a00f826fdfbd249f79597b59e1dc12",
    ),
}
# test.csv's SHA-256, MD5 and the SHA-256 of its xz copy, which the package ships.
_TEST = _base.RemoteFile(
    "test.csv",
    None,
    "sha256:521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
    (
        "md5:d52ea96a97a2d943681189a97654912d",
        "sha256:b797f846079c25565eab8e6f9e407ee94f385662d04fd9d0c3b9f6008d0d022a",
    ),
    _base._fix("fetch_ag_news(subset='test')", "use the embedded copy"),
)
# The copy the package ships, and the digest it is checked against.
_EMBEDDED = Path(__file__).with_name("data") / "ag_news_test.csv.xz"
_SHIPPED = _base.RemoteFile(
    _EMBEDDED.name,
    None,
    _TEST.digests[1],
    fix="Reinstall the package: "
    "pip install --force-reinstall --no-deps sklearn-charcnn.",
)
_CLASSES = ["World", "Sports", "Business", "Sci/Tech"]  # classes.txt: line i is i
# The crawl kept the "&" of "&lt;" and "&gt;" but replaced it by a space
# everywhere else ("It #39;s", "Johnson  amp; Johnson", " quot;Hi quot;").
_ENTITY = re.compile(r"(?:&| |^)(#\d{1,7}|quot|amp|lt|gt|hellip|nbsp);")


@validate_params({"text": [str]}, prefer_skip_nested_validation=True)
def unescape_ag_news(text: str) -> str:
    r"""Undo the escapes of the AG News CSV files in one text field.

    ``\$`` becomes ``$``; every other backslash a newline; an entity
    (``#NNN;``, ``quot;``, ``amp;``, ``lt;``, ``gt;``, ``hellip;``,
    ``nbsp;``) its character, together with the ``&`` or the space the crawl
    put in its place (codes 128-159 as in Windows-1252, as HTML reads them).
    Tags spelled out by entities and runs of spaces stay.

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


def _unescape(text: str) -> str:  # without the validation, for a whole file
    text = text.replace("\\$", "$").replace("\\", "\n")
    return _ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)


def _read_ag_csv(path: Path, fix: str, unescape: bool = True):
    data, target = [], []
    for line, row in _csv_rows(path, ["class", "title", "description"]):
        if row["class"] not in ("1", "2", "3", "4"):
            raise _base.DataFileError(
                f"{path}, line {line}: the class index {row['class'][:20]!r} is "
                "not 1-4; the file is not an AG News CSV file.",
                fix,
            )
        fields = [row["title"], row["description"]]
        data.append(" ".join(map(_unescape, fields) if unescape else fields))
        target.append(int(row["class"]) - 1)
    return data, np.asarray(target, dtype=np.int64)


def _read_embedded(unescape: bool):
    _base._verify(_EMBEDDED, _SHIPPED)
    return _read_ag_csv(_EMBEDDED, _SHIPPED.fix, unescape)


@_base._fetcher(
    "ndarray of int64, 0-3: ``World``, ``Sports``, ``Business``, ``Sci/Tech``",
    subsets=("train", "test"),
    unescape=["boolean"],
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

    120,000 training and 7,600 test news articles of four topics, as built
    by Zhang, Zhao & LeCun (2015); a document is the title, a space and the
    description. The package ships the test split; a missing ``train.csv``
    is downloaded (see :ref:`datasets`).

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The split to load; ``"all"`` is the training split followed by the
        test split.
    unescape : bool, default=True
        Decode the files' literal escapes with :func:`unescape_ag_news`. With
        False the fields are returned exactly as stored.
    {parameters}

    {returns}

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
    fix = _base._fix("fetch_ag_news(subset='train')", "download it again")
    files = {"train": _REMOTES["train"]._replace(fix=fix), "test": _TEST}
    read = functools.partial(_read_ag_csv, unescape=unescape)
    embedded = lambda split, home: _read_embedded(unescape)  # noqa: E731
    return _base._fetch("ag_news", files, read, _CLASSES, embedded, locals())


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"], "unescape": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_ag_news(
    *, return_X_y: bool = False, as_frame: bool = False, unescape: bool = True
):
    """Load the AG News test split that ships with the package (4 classes).

    The 7,600 test articles of :func:`fetch_ag_news`, read from the package
    (its SHA-256 checked) without download or data home: the default corpus
    of ``python -m sklearn_charcnn compare``. A damaged copy raises
    :class:`DataFileError` (reinstall the package).

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

    Examples
    --------
    >>> from sklearn_charcnn.datasets import load_ag_news
    >>> X, y = load_ag_news(return_X_y=True)
    >>> len(X), sorted(set(y.tolist()))
    (7600, [0, 1, 2, 3])
    """
    splits = [_read_embedded(unescape)]
    return _base._bunch(splits, _CLASSES, "ag_news", False, None, as_frame, return_X_y)
