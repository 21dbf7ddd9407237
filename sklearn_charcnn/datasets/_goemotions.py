"""GoEmotions: Reddit comments labelled with 27 emotions or neutral (Demszky et al., 2020)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sklearn_charcnn.datasets import _base
from sklearn_charcnn.datasets._files import load_text_file

__all__ = ["fetch_goemotions"]

_URL = "https://raw.githubusercontent.com/google-research/google-research/master/goemotions/data/"
# The SHA-256 of each published TSV file, then of its xz copy in the benchmark data.
_FILES = {
    split: _base.RemoteFile(
        f"{split}.tsv",
        f"{_URL}{split}.tsv",
        tsv,
        (xz,),
        _base._fix(f"fetch_goemotions(subset={split!r})", "download it again"),
    )
    for split, (tsv, xz) in {
        "train": (
            "sha256:1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5",
            "sha256:777333a5759509d6d7e15aa9c720f786d23256903d7030b76dff262efdca4bcb",
        ),
        "dev": (
            "sha256:575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62",
            "sha256:9b98710e30725338ffc287e180cd717849796c39efab17666a0f4156597c460f",
        ),
        "test": (
            "sha256:0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4",
            "sha256:fc6f57e299e9c24195a9b2e850d953ed8975ebe661fabd84aadac5e16b756f5f",
        ),
    }.items()
}
# emotions.txt of the data set: label index i is line i.
_LABELS = (
    "admiration amusement anger annoyance approval caring confusion curiosity "
    "desire disappointment disapproval disgust embarrassment excitement fear "
    "gratitude grief joy love nervousness optimism pride realization relief "
    "remorse sadness surprise neutral"
).split()


def _read_tsv(path: Path, fix: str):
    """Return (comments, indicator matrix) of a GoEmotions TSV file.

    No header, no quoting (a comment may hold a ``"``): text, comma-separated
    label indices, comment id.
    """
    bunch = load_text_file(
        path, columns=["text", "labels", "id"], label_column="labels", quoting=False
    )
    target = np.zeros((len(bunch.data), len(_LABELS)), dtype=np.uint8)
    try:
        for row, labels in enumerate(bunch.target):
            target[row, [int(index) for index in labels.split(",")]] = 1
    except (ValueError, IndexError):
        raise _base.DataFileError(
            f"{path}, line {bunch.line_numbers[row]}: the labels {str(labels)!r} "
            f"are not indices 0-{len(_LABELS) - 1} separated by commas.",
            fix,
        ) from None
    return bunch.data, target


@_base._fetcher(
    "binary indicator ndarray of uint8, shape (n_comments, 28), column ``j``"
    " for the label ``target_names[j]``: the 27 emotions, then ``neutral``",
    subsets=("train", "dev", "test"),
)
def fetch_goemotions(
    subset: str = "train",
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
    shuffle: bool = False,
    random_state=None,
    n_retries: int = 3,
    delay: float = 1.0,
):
    """Load GoEmotions, Reddit comments with 28 emotion labels (multi-label).

    54,263 English Reddit comments, each labelled with one or more of 27
    emotions or ``neutral``, as released by Demszky et al. (2020), in the
    authors' train/dev/test split; a missing file is downloaded from their
    repository (see :ref:`datasets`).

    Parameters
    ----------
    subset : {"train", "dev", "test", "all"}, default="train"
        The split to load; ``"all"`` is train, dev and test in that order.
    {parameters}

    {returns}

    References
    ----------
    .. [1] D. Demszky, D. Movshovitz-Attias, J. Ko, A. Cowen, G. Nemade and
       S. Ravi, "GoEmotions: A Dataset of Fine-Grained Emotions", ACL 2020.

    Examples
    --------
    >>> from sklearn_charcnn.datasets import fetch_goemotions
    >>> train = fetch_goemotions(subset="train")  # doctest: +SKIP
    >>> train.target.shape, train.target_names[:3]  # doctest: +SKIP
    ((43410, 28), ['admiration', 'amusement', 'anger'])
    """
    return _base._fetch("goemotions", _FILES, _read_tsv, _LABELS, None, locals())
