"""Validation of raw text documents, shared by every text estimator.

One function, :func:`validate_documents`, turns whatever a user passed as a
collection of documents into a list of ``str`` or raises an error in
scikit-learn's style that names the problem and, where one entry is at fault,
its index.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = ["TextInputMixin", "validate_documents"]


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def validate_documents(
    X,
    *,
    encoding: str = "utf-8",
    decode_error: str = "strict",
    estimator_name: str = "This estimator",
) -> list[str]:
    r"""Return the documents in ``X`` as a list of ``str``.

    Parameters
    ----------
    X : iterable of str or bytes
        The raw documents: a list, tuple, 1-D numpy array, pandas Series or
        any other iterable that is not itself a string. A 2-D array with a
        single column (as a ``ColumnTransformer`` may pass) is accepted too.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that ``encoding`` cannot decode, as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    estimator_name : str, default="This estimator"
        Name used in error messages.

    Returns
    -------
    documents : list of str
        One string per input document, in input order.

    Raises
    ------
    ValueError
        If ``X`` is a single string, or an entry is missing (None, NaN) or
        cannot be decoded.
    TypeError
        If ``X`` is not iterable or an entry is neither ``str`` nor ``bytes``.

    Examples
    --------
    >>> from sklearn_charcnn._text import validate_documents
    >>> validate_documents(["abc", b"d\xc3\xa9f"])
    ['abc', 'déf']
    >>> validate_documents("abc")
    Traceback (most recent call last):
    ...
    ValueError: Iterable over raw text documents expected, string object received.
    """
    X = _as_one_column(X, estimator_name)
    return [
        _as_text(doc, index, encoding, decode_error, estimator_name)
        for index, doc in enumerate(X)
    ]


def _as_one_column(X, estimator_name: str):
    """Return ``X`` as an iterable of documents; refuse a string or a table."""
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received."
        )
    if isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    elif isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(
            f"{estimator_name} expects a 1-D collection of text documents; got an "
            f"array of shape {X.shape}."
        )
    elif hasattr(X, "ndim") and hasattr(X, "columns"):  # a pandas DataFrame
        if len(X.columns) != 1:
            raise ValueError(
                f"{estimator_name} expects a 1-D collection of text documents; got "
                f"a DataFrame with {len(X.columns)} columns. Select the text column."
            )
        X = X.iloc[:, 0]
    if not isinstance(X, Iterable):
        raise TypeError(
            "Iterable over raw text documents expected, "
            f"{type(X).__name__} object received."
        )
    return X


def _as_text(doc, index: int, encoding: str, decode_error: str, estimator_name: str):
    """Return document ``index`` as a ``str``, decoding bytes, or raise."""
    if isinstance(doc, str):
        return doc
    if isinstance(doc, (bytes, bytearray, np.bytes_)):
        try:
            return bytes(doc).decode(encoding, decode_error)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"Document at index {index} cannot be decoded with encoding "
                f"{encoding!r}: {exc.reason} at byte {exc.start}. Pass "
                "decode_error='replace' or 'ignore', or the right encoding."
            ) from None
        except LookupError:
            raise ValueError(f"Unknown encoding {encoding!r}.") from None
    if (
        doc is None
        or (isinstance(doc, numbers.Real) and np.isnan(doc))
        or type(doc).__name__ in ("NAType", "NaTType")
    ):
        raise ValueError(
            f"Document at index {index} is missing ({doc!r}); {estimator_name} "
            "needs a string for every document. Drop or fill missing values "
            "first, e.g. with an empty string."
        )
    raise TypeError(
        f"Document at index {index} is a {_describe(doc)}; "
        f"{estimator_name} expects str or bytes documents."
    )


class TextInputMixin:
    """Raw-text input for an estimator with ``encoding`` and ``decode_error``.

    Gives the estimator one way to validate its documents and the tags that
    tell scikit-learn it takes strings rather than 2-D arrays. Put it before
    ``TransformerMixin`` and ``BaseEstimator`` in the bases.
    """

    def _validate_documents(self, X) -> list[str]:
        return validate_documents(
            X,
            encoding=self.encoding,
            decode_error=self.decode_error,
            estimator_name=type(self).__name__,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        if tags.transformer_tags is not None:  # a sampler has none
            tags.transformer_tags.preserves_dtype = []
        return tags
