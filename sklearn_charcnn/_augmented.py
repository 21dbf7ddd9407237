"""Rows that remember which training document they were made from.

:class:`~sklearn_charcnn.ThesaurusAugmenter` with ``n_copies > 0`` returns
the training documents followed by their augmented copies. For the
classifier at the end of the pipeline to keep every copy on the same side of
its validation split as its original, and to validate on original text only,
each row carries two integers along the pipeline:

- ``origin``: the position, in the documents given to ``fit``, of the
  original document the row was made from;
- ``copy_index``: 0 for the original itself, ``c`` for its ``c``-th copy.

The documents travel as :class:`AugmentedDocuments` (a ``list`` of ``str``),
the character codes of :class:`~sklearn_charcnn.CharQuantizer` as
:class:`AugmentedCodes` (a ``numpy.ndarray``). Both behave as their base
type everywhere else; slicing, copying or converting an
:class:`AugmentedCodes` drops the row information rather than carry it to
rows it no longer describes. This module imports neither torch nor
scikit-learn.
"""

from __future__ import annotations

import numpy as np

__all__ = ["AugmentedCodes", "AugmentedDocuments", "row_origins"]


def _check_rows(n_rows, origin, copy_index):
    origin = np.asarray(origin, dtype=np.intp)
    copy_index = np.asarray(copy_index, dtype=np.intp)
    if origin.shape != (n_rows,) or copy_index.shape != (n_rows,):
        raise ValueError(
            f"origin and copy_index must have one entry per row ({n_rows}); got "
            f"shapes {origin.shape} and {copy_index.shape}."
        )
    return origin, copy_index


class AugmentedDocuments(list):
    """Documents plus, for each, the training document it was made from.

    Parameters
    ----------
    documents : iterable of str
        The rows: originals and augmented copies.
    origin : array-like of int, shape (n_rows,)
        Index of the original document each row comes from.
    copy_index : array-like of int, shape (n_rows,)
        0 for an original, ``c >= 1`` for its ``c``-th augmented copy.
    per_epoch : bool, default=False
        How a classifier should use the copies: ``False`` trains on the
        originals and all copies every epoch; ``True`` on the originals and
        one copy per document, a different copy each epoch.
    """

    def __init__(self, documents, origin, copy_index, per_epoch=False):
        super().__init__(documents)
        self.origin, self.copy_index = _check_rows(len(self), origin, copy_index)
        self.per_epoch = bool(per_epoch)


class AugmentedCodes(np.ndarray):
    """Character codes plus the row information of :class:`AugmentedDocuments`.

    Built with :meth:`wrap`; any array derived from it (a slice, a copy, a
    cast) has ``origin`` and ``copy_index`` set to ``None``.
    """

    origin: np.ndarray | None
    copy_index: np.ndarray | None
    per_epoch: bool

    def __array_finalize__(self, obj):
        # Called for views, slices and copies: the row information no longer
        # applies to them, so it is dropped, never carried.
        self.origin = None
        self.copy_index = None
        self.per_epoch = False

    @classmethod
    def wrap(cls, codes, rows):
        """Return ``codes`` as AugmentedCodes carrying ``rows``' information.

        Parameters
        ----------
        codes : ndarray of shape (n_rows, n_characters)
            The codes of ``rows``, in the same order.
        rows : AugmentedDocuments or AugmentedCodes
            Where the row information comes from.

        Returns
        -------
        codes : AugmentedCodes
            A view of ``codes`` (no copy).
        """
        if rows.origin is None:
            return np.asarray(codes)
        origin, copy_index = _check_rows(len(codes), rows.origin, rows.copy_index)
        view = np.asarray(codes).view(cls)
        view.origin, view.copy_index = origin, copy_index
        view.per_epoch = bool(rows.per_epoch)
        return view

    def __reduce__(self):
        # Pickle as a plain array: the row information is fit-time only.
        return np.asarray(self).__reduce__()


def row_origins(X):
    """Return ``(origin, copy_index, per_epoch)`` of ``X``, or ``None``.

    Parameters
    ----------
    X : object
        Whatever a pipeline step received.

    Returns
    -------
    rows : tuple or None
        The row information when ``X`` carries it, else ``None``.

    Examples
    --------
    >>> docs = AugmentedDocuments(["a b", "c d", "a B"], [0, 1, 0], [0, 0, 1])
    >>> origin, copy_index, per_epoch = row_origins(docs)
    >>> origin.tolist(), copy_index.tolist(), per_epoch
    ([0, 1, 0], [0, 0, 1], False)
    >>> row_origins(["a b"]) is None
    True
    """
    if not isinstance(X, (AugmentedDocuments, AugmentedCodes)) or X.origin is None:
        return None
    return X.origin, X.copy_index, X.per_epoch
