"""Character quantization of Zhang, Zhao & LeCun (2015), section 2.2.

:class:`CharQuantizer` turns raw documents into a matrix of small integer
codes, one row per document and one column per character position. The
network expands the codes to one-hot vectors itself, on its device, so the
matrix stays at one byte per character.
"""

from __future__ import annotations

import codecs
import itertools
from concurrent.futures import ThreadPoolExecutor
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_charcnn._atomic import atomic_write
from sklearn_charcnn._augmented import AugmentedCodes, AugmentedDocuments
from sklearn_charcnn._compat import Interval, StrOptions, _fit_context
from sklearn_charcnn._text import TextInputMixin

__all__ = [
    "ALPHABETS",
    "BYTE_ALPHABET",
    "PAPER_ALPHABET",
    "PAPER_FULL_ALPHABET",
    "CharQuantizer",
]

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

BYTE_ALPHABET = bytes(range(1, 256))
"""The byte values 1 to 255 in code order, for ``alphabet="bytes"``: byte ``b``
of a document's UTF-8 encoding gets code ``b``."""

# Encoding error handler that turns every character a codec cannot encode
# (a lone surrogate for UTF-8) into one NUL, so that positions are kept and
# the character gets code 0.
_TO_NUL = "sklearn_charcnn.to_nul"
codecs.register_error(_TO_NUL, lambda err: ("\0" * (err.end - err.start), err.end))

ALPHABETS = {
    "paper": PAPER_ALPHABET,
    "paper-full": PAPER_FULL_ALPHABET,
    "bytes": BYTE_ALPHABET,
}
"""Named alphabets accepted by ``CharQuantizer(alphabet=...)``."""

# Documents are encoded in chunks of about this many output bytes, so that
# the memory a transform needs besides its output stays a few chunks
# whatever the number of documents (and a chunk stays in the CPU cache).
_CHUNK_BYTES = 1 << 18

# Room left for the .npy header before the codes (format 1.0 pads it to a
# multiple of 64 bytes; 128 holds any row count below 10**40).
_NPY_HEADER_BYTES = 128


def _encode_with_nul(text: str, codec: str) -> bytes:
    """Encode ``text`` as latin-1 or UTF-8, one NUL per character left out.

    The characters left out are those above U+00FF for latin-1 and lone
    surrogates for UTF-8; each becomes one NUL byte (code 0).
    """
    if codec == "latin-1":
        # One numpy pass rather than an error-handler call per run of such
        # characters, which would be one call per word of Russian text.
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        return np.where(points < 256, points, 0).astype(np.uint8).tobytes()
    return text.encode(codec, _TO_NUL)


class CharQuantizer(TextInputMixin, TransformerMixin, BaseEstimator):
    """Encode raw documents as the character codes of a character-level ConvNet.

    Each document becomes one row of ``max_length`` integer codes: alphabet
    character ``i`` gets code ``i + 1``; code ``0`` stands for padding and for
    every character outside the alphabet (the space included), which the
    network sees as an all-zero vector, as in the paper.

    Parameters
    ----------
    alphabet : {"paper", "paper-full", "bytes"} or str, default="paper"
        The characters to encode, in code order. ``"paper"`` is the
        69-character alphabet of the paper (its printed list holds the hyphen
        twice; the duplicate is dropped), ``"paper-full"`` adds the 26
        upper-case letters as in the paper's case-sensitive "Full" models.
        ``"bytes"`` encodes the UTF-8 bytes of the text instead of its
        characters, so that every language is read (see Notes). Any other
        string is used as the alphabet itself; it must not be empty or
        repeat a character. Any character may be in it, lone surrogates
        included.
    max_length : int, default=1014
        Number of positions per document (the paper's ``l0``): characters,
        or UTF-8 bytes for ``alphabet="bytes"``. Longer documents are
        truncated to their first ``max_length`` characters (bytes), shorter
        ones padded with code 0.
    lowercase : bool or "auto", default="auto"
        Lower-case documents (``str.lower``) before encoding. ``"auto"``
        lower-cases unless the alphabet holds an upper-case letter, so
        ``alphabet="paper-full"`` alone gives a case-sensitive encoding, and
        so does ``"bytes"``, whose alphabet holds the ASCII capitals.
    reverse : bool, default=True
        Write the kept characters in backward order, so that the last
        character kept sits at position 0, as the paper does ("the latest
        reading on characters is always placed near the begin of the
        output"). With ``False``, character ``j`` of the document sits at
        position ``j``. For ``alphabet="bytes"`` the bytes are reversed.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that cannot be decoded, as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    n_jobs : int, default=None
        Number of threads that encode chunks of documents at the same time;
        ``None`` means 1, ``-1`` all processors and ``-2`` all but one, as in
        joblib. The output does not depend on it. Threads help only as far
        as the work runs outside Python's global interpreter lock (the large
        copies do, the string operations do not), so expect much less than
        ``n_jobs`` times the speed of one thread.

    Attributes
    ----------
    alphabet_ : str or bytes
        The alphabet in code order, a preset name resolved: a ``str`` of
        characters, or :data:`BYTE_ALPHABET` (the byte values 1 to 255) for
        ``alphabet="bytes"``.
    vocabulary_ : dict
        Mapping from each alphabet character (a one-byte ``bytes`` object
        for ``alphabet="bytes"``) to its code.
    lowercase_ : bool
        Whether documents are lower-cased, ``"auto"`` resolved.
    n_codes_ : int
        Number of distinct codes, ``len(alphabet_) + 1`` (code 0 included);
        256 for ``alphabet="bytes"``.
    dtype_ : numpy.dtype
        The output dtype: the smallest unsigned integer type that holds
        ``n_codes_`` codes (``uint8`` for the paper's alphabets and for
        ``"bytes"``).

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

    **Byte alphabet.** The paper's alphabet is English: every other script
    becomes code 0, like a space. With ``alphabet="bytes"`` a document is
    its UTF-8 encoding, and byte ``b`` gets code ``b``, so the codes stay
    ``uint8`` and fit the classifier's default ``n_codes=256``. The price is
    that the NUL byte (``U+0000``, absent from ordinary text) shares code 0
    with padding, as out-of-alphabet characters do in the paper; shifting
    every byte by one would need 257 codes and a ``uint16`` output, twice
    the memory and transfer for one character that text never holds.
    ``max_length`` then counts bytes: a document keeps the first
    ``max_length`` bytes of its encoding, whether or not that cuts its last
    kept character in two (Latin letters take one byte, Cyrillic two,
    Korean and Chinese three, emoji four). Case is kept unless
    ``lowercase=True``, which applies ``str.lower`` to the text before
    encoding (every script that has case, not only ASCII). A lone surrogate,
    which UTF-8 cannot encode, takes one position with code 0.

    **Memory and speed.** Documents are encoded in chunks of a few hundred
    kilobytes straight into the output, so a transform needs little memory
    besides its output, whatever the number of documents. In a chunk,
    documents are truncated and lower-cased by ``str`` methods, encoded one
    byte per character (any character above ``U+00FF`` becomes code 0) and
    mapped through a 256-entry table in one C pass; an alphabet with a
    character above ``U+00FF`` is looked up by code point with numpy.

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

    With the byte alphabet, "é" is two bytes and "中" three:

    >>> CharQuantizer(alphabet="bytes", max_length=6, reverse=False).fit_transform(
    ...     ["aé中"]
    ... )
    array([[ 97, 195, 169, 228, 184, 173]], dtype=uint8)
    """

    _parameter_constraints: dict = {
        "alphabet": [str],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean", StrOptions({"auto"})],
        "reverse": ["boolean"],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
        "n_jobs": [
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
    }

    def __init__(
        self,
        alphabet="paper",
        max_length=1014,
        lowercase="auto",
        reverse=True,
        encoding="utf-8",
        decode_error="strict",
        n_jobs=None,
    ):
        self.alphabet = alphabet
        self.max_length = max_length
        self.lowercase = lowercase
        self.reverse = reverse
        self.encoding = encoding
        self.decode_error = decode_error
        self.n_jobs = n_jobs

    def _resolve_alphabet(self) -> str | bytes:
        alphabet = ALPHABETS.get(self.alphabet, self.alphabet)
        if isinstance(alphabet, bytes):
            return alphabet
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
        if isinstance(alphabet, bytes):
            # Byte b has code b (see Notes); the alphabet holds the ASCII
            # capitals, so "auto" keeps case.
            self.vocabulary_ = {bytes([b]): b for b in alphabet}
            self.lowercase_ = self.lowercase != "auto" and bool(self.lowercase)
            points = np.arange(1, 256)
        else:
            self.vocabulary_ = {char: code for code, char in enumerate(alphabet, 1)}
            if self.lowercase == "auto":
                self.lowercase_ = not any(c != c.lower() for c in alphabet)
            else:
                self.lowercase_ = bool(self.lowercase)
            points = np.fromiter(map(ord, alphabet), np.int64, count=len(alphabet))
        self.n_codes_ = len(alphabet) + 1
        self.dtype_ = np.dtype(np.min_scalar_type(self.n_codes_ - 1))
        # Lookup table from code point (byte value) to code. Its last entry,
        # one past the largest code point of the alphabet, is 0: every larger
        # code point is clipped onto it.
        self._table = np.zeros(points.max() + 2, dtype=self.dtype_)
        self._table[points] = np.arange(1, len(alphabet) + 1)
        self._byte_table = None
        if len(self._table) <= 257:
            byte_table = np.zeros(256, dtype=np.uint8)
            byte_table[: min(len(self._table), 256)] = self._table[:256]
            if self.lowercase_:
                # Fold ASCII capitals onto their lower case (see _encode_bytes).
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
            Character codes, of dtype ``dtype_``. When ``X`` is the output
            of :class:`ThesaurusAugmenter` with ``n_copies > 0``, the codes
            keep its row information (each row's ``origin`` and
            ``copy_index``, and ``per_epoch``), so that
            :class:`CharCNNClassifier` after it in a pipeline keeps every
            copy on the same side of its validation split as its original.
        """
        check_is_fitted(self, "alphabet_")
        # Validation turns X into a plain list: keep its row information.
        rows = X if isinstance(X, AugmentedDocuments) else None
        docs = self._validate_documents(X)
        out = np.empty((len(docs), self.max_length), dtype=self.dtype_)
        if self._byte_table is not None:
            encode, row_bytes = self._encode_bytes, self.max_length
        else:
            # Rows pass through four-byte code points.
            encode, row_bytes = self._encode_points, 4 * self.max_length
        step = max(1, _CHUNK_BYTES // row_bytes)
        starts = range(0, len(docs), step)
        n_jobs = 1 if self.n_jobs is None else effective_n_jobs(self.n_jobs)
        n_jobs = min(n_jobs, len(starts))

        def encode_chunk(start):
            encode(docs[start : start + step], out[start : start + step])

        if n_jobs > 1:
            with ThreadPoolExecutor(n_jobs) as executor:
                # list() re-raises the first error of any chunk.
                list(executor.map(encode_chunk, starts))
        else:
            for start in starts:
                encode_chunk(start)
        if rows is not None:
            return AugmentedCodes.wrap(out, rows)
        return out

    def transform_to_file(self, X, path, *, chunk_size=10_000):
        """Encode documents chunk by chunk into a ``.npy`` file of codes.

        For corpora bigger than memory: ``X`` may be any iterable, such as
        a generator reading a file, and only ``chunk_size`` documents and
        their codes are held at a time. The file is written under a
        temporary name and moved into place when complete, so a failure
        leaves no file behind.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents, read once.
        path : str or path
            The ``.npy`` file to write (replaced if it exists).
        chunk_size : int, default=10_000
            Documents encoded at a time.

        Returns
        -------
        codes : numpy.memmap of shape (n_samples, max_length)
            The file's codes, opened read-only (``np.load(path,
            mmap_mode="r")``): the same as ``transform(list(X))``.

        Examples
        --------
        >>> import tempfile
        >>> from sklearn_charcnn import CharQuantizer
        >>> quantizer = CharQuantizer(max_length=4).fit(["ab"])
        >>> documents = (f"doc {i}" for i in range(5))
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     codes = quantizer.transform_to_file(
        ...         documents, f"{folder}/codes.npy", chunk_size=2
        ...     )
        ...     print(codes.shape, codes[0])
        (5, 4) [ 0  3 15  4]
        """
        check_is_fitted(self, "alphabet_")
        if isinstance(X, (str, bytes)) or not isinstance(chunk_size, Integral):
            self._validate_documents(X)  # raises the usual error for one string
        if isinstance(chunk_size, bool) or chunk_size < 1:
            raise ValueError(
                f"chunk_size must be a positive integer; got {chunk_size!r}."
            )
        with atomic_write(path, "wb") as handle:
            self._write_codes(iter(X), handle, chunk_size)
        return np.load(path, mmap_mode="r")

    def _write_codes(self, documents, handle, chunk_size) -> int:
        """Write the ``.npy`` header and the codes of ``documents``; count them."""
        handle.write(b"\0" * _NPY_HEADER_BYTES)  # the header, once the count is known
        n_rows = 0
        while chunk := list(itertools.islice(documents, chunk_size)):
            try:
                codes = self.transform(chunk)
            except (TypeError, ValueError) as exc:
                last = n_rows + len(chunk) - 1
                raise type(exc)(
                    f"{exc} (index within the documents {n_rows:,} to {last:,})"
                ) from None
            handle.write(np.ascontiguousarray(codes).tobytes())
            n_rows += len(codes)
        handle.seek(0)
        header = {
            "descr": np.lib.format.dtype_to_descr(self.dtype_),
            "fortran_order": False,
            "shape": (n_rows, self.max_length),
        }
        np.lib.format.write_array_header_1_0(handle, header)
        if handle.tell() != _NPY_HEADER_BYTES:  # pragma: no cover
            raise ValueError(f"Cannot write a .npy header of {n_rows:,} rows.")
        return n_rows

    def _encode_bytes(self, docs, out):
        """Fill ``out`` with the codes of ``docs``, one byte per position.

        Used when every alphabet character is below U+0100 (encoded as
        latin-1, any other character becoming NUL) and for the byte alphabet
        (encoded as UTF-8). Each document becomes a row of ``max_length``
        bytes padded with NUL (code 0), and the rows are mapped to codes by
        a 256-entry table in one C pass.
        """
        length = self.max_length
        codec = "utf-8" if isinstance(self.alphabet_, bytes) else "latin-1"
        lowercase, reverse = self.lowercase_, self.reverse
        rows = []
        # Backward order: the rows are made last document first and padded
        # on the left, so that reversing the whole chunk reverses every
        # document, puts the rows back in order and the padding at their
        # end, in one numpy copy that runs outside the GIL.
        for doc in reversed(docs) if reverse else docs:
            # Cut before lower() so that a 1 MB document costs no more than
            # its kept part; the table already maps ASCII capitals to the
            # codes of their lower case, so ASCII documents (the common case;
            # isascii() costs nothing) skip lower(). Encoding keeps at least
            # as many bytes as characters, so the second cut, in bytes, also
            # bounds a lower() that lengthened the text ("İ" becomes two
            # characters).
            kept = doc[:length]
            if lowercase and not doc.isascii():
                kept = kept.lower()
            try:
                raw = kept.encode(codec)[:length]
            except UnicodeEncodeError:
                raw = _encode_with_nul(kept[:length], codec)[:length]
            rows.append(
                raw.rjust(length, b"\0") if reverse else raw.ljust(length, b"\0")
            )
        codes = np.frombuffer(b"".join(rows).translate(self._byte_table), np.uint8)
        out[...] = (codes[::-1] if reverse else codes).reshape(out.shape)

    def _encode_points(self, docs, out):
        """Fill ``out`` with the codes of ``docs``, looked up by code point.

        Used when the alphabet holds a character above U+00FF.
        """
        length, reverse = self.max_length, self.reverse
        rows = []
        # Backward order as in _encode_bytes.
        for doc in reversed(docs) if reverse else docs:
            kept = doc[:length]
            if self.lowercase_:
                kept = kept.lower()[:length]
            rows.append(
                kept.rjust(length, "\0") if reverse else kept.ljust(length, "\0")
            )
        # "surrogatepass" writes a lone surrogate as its code point, which
        # the table maps like any other.
        text = "".join(rows).encode("utf-32-le", "surrogatepass")
        points = np.frombuffer(text, dtype=np.uint32)
        points = (points[::-1] if reverse else points).reshape(out.shape)
        np.take(self._table, points, out=out, mode="clip")

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
