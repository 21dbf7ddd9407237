"""Character quantization of Zhang, Zhao & LeCun (2015), section 2.2.

:class:`CharQuantizer` turns raw documents into a matrix of small integer
codes, one row per document and one column per character position. The
network expands the codes to one-hot vectors itself, on its device, so the
matrix stays at one byte per character.
"""

from __future__ import annotations

import codecs
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_charcnn._augmented import AugmentedCodes, AugmentedDocuments
from sklearn_charcnn._compat import Interval, StrOptions, _fit_context
from sklearn_charcnn._text import TextInputMixin

__all__ = ["ALPHABETS", "PAPER_ALPHABET", "PAPER_FULL_ALPHABET", "CharQuantizer"]

# The alphabet as printed in section 2.2 of the paper: 26 letters, 10 digits,
# 33 other characters (the hyphen is printed twice) and the newline. With the
# second hyphen removed it has 69 distinct characters.
_PAPER_PRINTED = (
    "abcdefghijklmnopqrstuvwxyz0123456789-,;.!?:'\"/\\|_@#$%^&*~`+-=<>()[]{}\n"
)
PAPER_ALPHABET = "".join(dict.fromkeys(_PAPER_PRINTED))
"""The paper's 69-character alphabet, lower case (the default)."""

PAPER_FULL_ALPHABET = PAPER_ALPHABET + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The paper's alphabet plus the 26 upper-case letters, for its "Full" models
that distinguish upper- and lower-case letters (95 characters)."""

# Encoding error handler that turns every character the codec cannot encode
# into one NUL, so that positions are kept and the character gets code 0.
_TO_NUL = "sklearn_charcnn.to_nul"
codecs.register_error(_TO_NUL, lambda err: ("\0" * (err.end - err.start), err.end))

ALPHABETS = {"paper": PAPER_ALPHABET, "paper-full": PAPER_FULL_ALPHABET}
"""Named alphabets accepted by ``CharQuantizer(alphabet=...)``."""


class CharQuantizer(TextInputMixin, TransformerMixin, BaseEstimator):
    """Encode raw documents as the character codes of a character-level ConvNet.

    Each document becomes one row of ``max_length`` integer codes: alphabet
    character ``i`` gets code ``i + 1``; code ``0`` stands for padding and for
    every character outside the alphabet (the space included), which the
    network sees as an all-zero vector, as in the paper.

    Parameters
    ----------
    alphabet : {"paper", "paper-full"} or str, default="paper"
        The characters to encode, in code order. ``"paper"`` is the
        69-character alphabet of the paper (its printed list holds the hyphen
        twice; the duplicate is dropped), ``"paper-full"`` adds the 26
        upper-case letters as in the paper's case-sensitive "Full" models.
        Any other string is used as the alphabet itself; it must not be
        empty or repeat a character.
    max_length : int, default=1014
        Number of character positions per document (the paper's ``l0``).
        Longer documents are truncated to their first ``max_length``
        characters, shorter ones padded with code 0.
    lowercase : bool or "auto", default="auto"
        Lower-case documents before encoding. ``"auto"`` lower-cases unless
        the alphabet holds an upper-case letter, so ``alphabet="paper-full"``
        alone gives a case-sensitive encoding.
    reverse : bool, default=True
        Write the kept characters in backward order, so that the last
        character kept sits at position 0, as the paper does ("the latest
        reading on characters is always placed near the begin of the
        output"). With ``False``, character ``j`` of the document sits at
        position ``j``.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that cannot be decoded, as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.

    Attributes
    ----------
    alphabet_ : str
        The alphabet in code order, a preset name resolved.
    vocabulary_ : dict
        Mapping from each alphabet character to its code.
    lowercase_ : bool
        Whether documents are lower-cased, ``"auto"`` resolved.
    n_codes_ : int
        Number of distinct codes, ``len(alphabet_) + 1`` (code 0 included).
    dtype_ : numpy.dtype
        The output dtype: the smallest unsigned integer type that holds
        ``n_codes_`` codes (``uint8`` for the paper's alphabets).

    See Also
    --------
    CharCNNClassifier : The network that consumes these codes.
    ThesaurusAugmenter : Synonym replacement applied to training text.
    sklearn.feature_extraction.text.TfidfVectorizer : The classical baseline.

    Notes
    -----
    Implements the quantization of section 2.2 of Zhang, Zhao & LeCun
    (2015). The output is one byte per character rather than the paper's
    one-hot matrix: a 1014-character document takes 1,014 bytes instead of
    280 KB of float32, and the network expands the codes on its device.

    The transform is vectorised: documents are truncated and lower-cased by
    ``str`` methods, decoded to code points in one block, and mapped through
    a lookup table with numpy.

    References
    ----------
    .. [1] X. Zhang, J. Zhao and Y. LeCun, "Character-level Convolutional
       Networks for Text Classification", NIPS 2015, arXiv:1509.01626.

    Examples
    --------
    >>> from sklearn_charcnn import CharQuantizer
    >>> quantizer = CharQuantizer(max_length=6).fit(["abc"])
    >>> quantizer.transform(["abc", "Ab c!"])
    array([[ 3,  2,  1,  0,  0,  0],
           [41,  3,  0,  2,  1,  0]], dtype=uint8)
    >>> CharQuantizer(max_length=6, reverse=False).fit_transform(["abc"])
    array([[1, 2, 3, 0, 0, 0]], dtype=uint8)
    """

    _parameter_constraints: dict = {
        "alphabet": [str],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean", StrOptions({"auto"})],
        "reverse": ["boolean"],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
    }

    def __init__(
        self,
        alphabet="paper",
        max_length=1014,
        lowercase="auto",
        reverse=True,
        encoding="utf-8",
        decode_error="strict",
    ):
        self.alphabet = alphabet
        self.max_length = max_length
        self.lowercase = lowercase
        self.reverse = reverse
        self.encoding = encoding
        self.decode_error = decode_error

    def _resolve_alphabet(self) -> str:
        alphabet = ALPHABETS.get(self.alphabet, self.alphabet)
        if not alphabet:
            raise ValueError(
                "The alphabet is empty. Pass a preset name "
                f"({', '.join(map(repr, ALPHABETS))}) or a non-empty string."
            )
        if "\0" in alphabet:
            raise ValueError(
                "The alphabet contains the NUL character '\\0', which is "
                "reserved for padding (code 0)."
            )
        seen = set()
        repeated = [c for c in alphabet if c in seen or seen.add(c)]
        if repeated:
            raise ValueError(
                "The alphabet repeats the character(s) "
                f"{''.join(dict.fromkeys(repeated))!r}; every character must "
                "appear once, since its position is its code."
            )
        return alphabet

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the documents; learn nothing from them.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents. They are validated but not used: the encoding
            depends on the parameters alone.
        y : None
            Ignored.

        Returns
        -------
        self : CharQuantizer
            The fitted quantizer.
        """
        alphabet = self._resolve_alphabet()
        self._validate_documents(X)
        self.alphabet_ = alphabet
        self.vocabulary_ = {char: code for code, char in enumerate(alphabet, 1)}
        if self.lowercase == "auto":
            self.lowercase_ = not any(c != c.lower() for c in alphabet)
        else:
            self.lowercase_ = bool(self.lowercase)
        self.n_codes_ = len(alphabet) + 1
        self.dtype_ = np.dtype(np.min_scalar_type(self.n_codes_ - 1))
        # Lookup table from Unicode code point to code, up to the alphabet's
        # largest code point; every larger code point maps to 0.
        points = np.fromiter(map(ord, alphabet), dtype=np.int64, count=len(alphabet))
        self._table = np.zeros(points.max() + 1, dtype=self.dtype_)
        self._table[points] = np.arange(1, len(alphabet) + 1)
        self._byte_table = None
        if len(self._table) <= 256:
            byte_table = np.zeros(256, dtype=np.uint8)
            byte_table[: len(self._table)] = self._table
            if self.lowercase_:
                # Fold ASCII capitals onto their lower case (see transform).
                for upper in range(ord("A"), ord("Z") + 1):
                    byte_table[upper] = byte_table[upper + 32]
            self._byte_table = byte_table.tobytes()
        return self

    def transform(self, X):
        """Encode documents as character codes.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents.

        Returns
        -------
        codes : ndarray of shape (n_samples, max_length)
            Character codes, of dtype ``dtype_``. When ``X`` is an
            :class:`~sklearn_charcnn._augmented.AugmentedDocuments` (the
            output of :class:`ThesaurusAugmenter` with ``n_copies > 0``), an
            :class:`~sklearn_charcnn._augmented.AugmentedCodes` carrying its
            row information (``origin``, ``copy_index``, ``per_epoch``).
        """
        check_is_fitted(self, "alphabet_")
        # Validation turns X into a plain list: keep its row information.
        rows = X if isinstance(X, AugmentedDocuments) else None
        docs = self._validate_documents(X)
        length = self.max_length
        narrow = self._byte_table is not None
        # Cut before lower() so that a 1 MB document costs no more than its
        # kept part, and again after, since lower() can lengthen a string
        # ("İ" becomes two characters). On the one-byte path the table
        # already maps ASCII capitals to the codes of their lower case, so
        # ASCII documents (the common case; isascii() costs nothing) skip
        # lower().
        if self.lowercase_ and narrow:
            kept = [
                d[:length] if d.isascii() else d[:length].lower()[:length] for d in docs
            ]
        elif self.lowercase_:
            kept = [d[:length].lower()[:length] for d in docs]
        else:
            kept = [d[:length] for d in docs]
        lengths = np.fromiter(map(len, kept), dtype=np.intp, count=len(kept))
        text = "".join(kept)
        if narrow:
            # Every alphabet character is below U+0100: encode one byte per
            # character (any other character becomes NUL, code 0), then map
            # bytes to codes with a 256-entry table in one C pass.
            raw = text.encode("latin-1", _TO_NUL).translate(self._byte_table)
            codes = np.frombuffer(raw, dtype=np.uint8)
        else:
            points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            table = self._table
            codes = table[np.minimum(points, len(table) - 1)]
            codes[points >= len(table)] = 0
        out = np.zeros((len(kept), length), dtype=self.dtype_)
        if self.reverse:
            # Reversing the joined codes reverses each document and their
            # order, so they fill the rows from the last one up.
            out[::-1][np.arange(length) < lengths[::-1, None]] = codes[::-1]
        else:
            out[np.arange(length) < lengths[:, None]] = codes
        if rows is not None:
            return AugmentedCodes.wrap(out, rows)
        return out

    def get_feature_names_out(self, input_features=None):
        """Name the output columns ``char_0`` ... ``char_{max_length - 1}``.

        Parameters
        ----------
        input_features : None
            Ignored; text input has no feature names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per character position.
        """
        check_is_fitted(self, "alphabet_")
        return np.asarray([f"char_{i}" for i in range(self.max_length)], dtype=object)
