"""Synonym replacement of Zhang, Zhao & LeCun (2015), section 2.4.

:class:`ThesaurusAugmenter` replaces randomly chosen words of the training
documents by synonyms from a thesaurus (WordNet by default), inside a
scikit-learn Pipeline and at fit time only; with ``n_copies`` it adds
augmented copies as extra rows that the char-CNN pipeline understands.
:class:`ThesaurusSampler` is the same augmentation behind imbalanced-learn's
``fit_resample``, for ``imblearn.pipeline.Pipeline`` and any downstream
model. :func:`augment_dataset` adds augmented copies outside a Pipeline.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from sklearn_charcnn._augmented import AugmentedDocuments
from sklearn_charcnn._compat import Interval, StrOptions, _fit_context, validate_params
from sklearn_charcnn._text import TextInputMixin
from sklearn_charcnn.thesaurus import WordNetThesaurus, as_thesaurus

__all__ = ["ThesaurusAugmenter", "ThesaurusSampler", "augment_dataset"]


# A word: a run of ASCII letters, possibly joined by apostrophes or hyphens
# ("x-ray", "don't"), not glued to other letters, digits, underscores or
# combining marks (so "café", "abc123" and "snake_case" are not words and
# pass through). The capture group makes re.split return the words at the
# odd indices.
_WORD = r"\b([A-Za-z]+(?:['\u2019-][A-Za-z]+)*)\b"
# In ASCII text there is no combining mark to look for.
_ASCII_WORD = re.compile(_WORD)


@functools.cache
def _word_pattern() -> re.Pattern:
    r"""Return the word pattern for any text (built once per process).

    ``\b`` does not see a combining mark as part of a word, so "café"
    written NFD ("cafe" + U+0301) would yield the word "cafe"; lookarounds
    for every combining mark (Unicode categories Mn, Mc, Me) of this
    Python's Unicode database keep it whole, as NFC "café" is. Scanning the
    database takes a fraction of a second, and the pattern is slower than
    ``_ASCII_WORD``, which ASCII documents use.
    """
    ranges, start, previous = [], None, None
    for point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(point))[0] == "M":
            if start is None:
                start = point
            elif point != previous + 1:
                ranges.append((start, previous))
                start = point
            previous = point
    ranges.append((start, previous))
    marks = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(rf"(?<![{marks}]){_WORD}(?![{marks}])")


def _split_words(doc: str) -> list[str]:
    """Split ``doc`` into separators (even indices) and words (odd indices)."""
    if doc.isascii():
        return _ASCII_WORD.split(doc)
    return _word_pattern().split(doc)


def _check_generator(random_state) -> np.random.Generator:
    """Return a numpy Generator without touching numpy's global state."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        # Advances the caller's RandomState, as scikit-learn estimators do.
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    return np.random.default_rng(int(random_state))


def _truncated_geometric(u: float, ratio: float, size: int) -> int:
    """Map a uniform draw ``u`` in [0, 1) to ``k`` in 0..size-1, P[k] ∝ ratio**k.

    Inverse of the truncated geometric CDF F(k) = (1 - ratio**(k+1)) /
    (1 - ratio**size): exact, with one uniform draw and no rejection.
    """
    k = int(math.log1p(-u * (1.0 - ratio**size)) / math.log(ratio))
    return min(k, size - 1)  # guards against rounding when u is close to 1


class _Candidates(dict):
    """Per-call cache: token -> its synonyms with the token's case applied.

    An empty tuple marks a token that is not replaceable. Keyed by the exact
    token, so case handling and filtering cost one dict lookup per token.
    """

    def __init__(self, lookup, stop_words, min_word_length):
        super().__init__()
        self._lookup = lookup
        self._stop_words = stop_words
        self._min_word_length = min_word_length

    def __missing__(self, token: str) -> tuple[str, ...]:
        self[token] = value = self._replacements(token)
        return value

    def _replacements(self, token: str) -> tuple[str, ...]:
        lower = token.lower()
        if len(token) < self._min_word_length or lower in self._stop_words:
            return ()
        synonyms = self._lookup(token) or ()
        if not synonyms or token == lower:
            # A lower-case word takes its synonyms as the thesaurus spells
            # them, so proper nouns ("Canis familiaris") keep their capitals.
            return tuple(synonyms)
        if token[0].isupper() and token[1:] == lower[1:]:  # Title, or "A"
            return tuple(s[:1].upper() + s[1:] for s in synonyms)
        if token == token.upper():
            return tuple(s.upper() for s in synonyms)
        return ()  # mixed case ("iPhone", "McCartney"): likely a name, kept


# Docstring sections of both estimators, written once: "%(parameters)s",
# "%(attributes)s" and "%(word_rules)s" in their docstrings are replaced by
# these texts (indented for a class docstring).
_PARAMETERS = """\
    p : float, default=0.5
        Parameter of the geometric distribution of the number ``r`` of words
        replaced per document, ``P[r] ∝ p**r`` for ``r = 1, ..., n`` where
        ``n`` is the number of replaceable words of the document. Must lie in
        the open interval (0, 1); larger values replace more words.
    q : float, default=0.5
        Parameter of the geometric distribution of the rank ``s`` of the
        synonym chosen for a word, ``P[s] ∝ q**s`` for ``s = 0, ..., k - 1``
        where ``k`` is its number of synonyms and rank 0 is the closest. Must
        lie in (0, 1); larger values pick more distant synonyms.
    thesaurus : "wordnet", mapping or thesaurus object, default="wordnet"
        Where synonyms come from. ``"wordnet"`` ranks WordNet's synonyms as
        :func:`~sklearn_charcnn.thesaurus.wordnet_synonyms` describes (a
        lower-case word gets no proper-noun senses: "brown" never becomes
        "Robert Brown"); it needs WordNet for nltk (``python -m
        nltk.downloader wordnet``, or ``NLTK_DATA`` pointing at a folder with
        ``corpora/wordnet``). A mapping from a word to its synonyms, closest
        first, is wrapped in a
        :class:`~sklearn_charcnn.thesaurus.MappingThesaurus` (keys matched
        without regard to case). A ``WordNetThesaurus`` or
        ``MappingThesaurus`` is used as is.
    stop_words : "english", list of str or None, default="english"
        Words never replaced, compared in lower case. ``"english"`` is
        scikit-learn's built-in list
        (:data:`~sklearn.feature_extraction.text.ENGLISH_STOP_WORDS`), which
        keeps function words such as "a" or "was" from being replaced by
        WordNet's rare noun senses ("angstrom", "Washington").
    min_word_length : int, default=3
        Words shorter than this are never replaced. The default keeps
        abbreviations and markup such as the "br" of ``<br />`` intact.
    n_copies : int >= 0 or None, default=None
        None: each training document is replaced by one augmented draw (the
        rows stay the same). An int ``k``: the training documents are
        returned first, then augmented copy 1 of every document, ..., copy
        ``k``, as an ``AugmentedDocuments`` list (a ``list`` of ``str``)
        whose ``origin`` (index of the original document) and
        ``copy_index`` (0 for originals, ``c`` for copy ``c``) travel with
        them. ``0`` returns the originals alone: augmentation off, so that
        a grid search can try ``[0, 1, 2]``.
    per_epoch : bool, default=False
        Carried with the rows when ``n_copies`` is an int, for the
        classifier. False: every epoch trains on the originals and all
        copies. True: each epoch trains on the originals plus one copy of
        each document, a different copy every epoch (cycling through the
        ``n_copies`` copies): the paper's fresh synonyms per epoch, drawn
        ahead of time.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of the random draws. An int gives the same augmented documents
        on every call; None gives a fresh draw on every call, without
        touching numpy's global random state.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that cannot be decoded, as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`."""

_ATTRIBUTES = """\
    thesaurus_ : WordNetThesaurus or MappingThesaurus
        The synonym source, looked up with ``thesaurus_.get(word)``. For
        ``thesaurus="wordnet"`` the stateless
        :data:`~sklearn_charcnn.thesaurus.WORDNET` object, whose data stays
        in a per-process cache and is never pickled with the estimator.
    stop_words_ : frozenset of str
        The lower-case words never replaced."""

_WORD_RULES = """\
    - A *word* is a run of ASCII letters, possibly joined by apostrophes or
      hyphens, not attached to other letters, digits, underscores or
      combining marks ("café" passes through, written NFC or NFD). It is
      *replaceable* when it has at least ``min_word_length`` characters, is
      not a stop word, is written in lower, Title or UPPER case and has a
      synonym. Everything else passes through unchanged.
    - For a document with ``n > 0`` replaceable words, ``r`` is drawn from
      ``P[r] ∝ p**r`` truncated to ``1, ..., n`` (an exact truncated draw,
      not a clipped one: every such document changes). The ``r`` words are
      chosen uniformly without replacement, and each takes the synonym of
      rank ``s`` drawn from ``P[s] ∝ q**s`` truncated to its synonyms.
    - The replacement takes the word's case (Title, UPPER); a lower-case
      word takes the synonym as the thesaurus spells it.
    - Each copy is an independent draw from one random generator, copy 1
      first: with an int ``random_state`` the copies are reproducible."""


def _with_shared_docs(cls):
    cls.__doc__ = (
        cls.__doc__.replace("%(parameters)s", _PARAMETERS.lstrip())
        .replace("%(attributes)s", _ATTRIBUTES.lstrip())
        .replace("%(word_rules)s", _WORD_RULES.lstrip())
    )
    return cls


class _ThesaurusReplacement(BaseEstimator):
    """Parameters, fitting and the random draws shared by both estimators."""

    _parameter_constraints: dict = {
        "p": [Interval(Real, 0, 1, closed="neither")],
        "q": [Interval(Real, 0, 1, closed="neither")],
        "thesaurus": [StrOptions({"wordnet"}), Mapping, WordNetThesaurus],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "min_word_length": [Interval(Integral, 1, None, closed="left")],
        "n_copies": [Interval(Integral, 0, None, closed="left"), None],
        "per_epoch": ["boolean"],
        "random_state": ["random_state", np.random.Generator],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
    }

    def __init__(
        self,
        p=0.5,
        q=0.5,
        thesaurus="wordnet",
        stop_words="english",
        min_word_length=3,
        n_copies=None,
        per_epoch=False,
        random_state=None,
        encoding="utf-8",
        decode_error="strict",
    ):
        self.p = p
        self.q = q
        self.thesaurus = thesaurus
        self.stop_words = stop_words
        self.min_word_length = min_word_length
        self.n_copies = n_copies
        self.per_epoch = per_epoch
        self.random_state = random_state
        self.encoding = encoding
        self.decode_error = decode_error

    def _fit(self, X) -> list[str]:
        docs = self._validate_documents(X)
        self.thesaurus_ = as_thesaurus(self.thesaurus)
        if self.stop_words == "english":
            self.stop_words_ = ENGLISH_STOP_WORDS
        else:
            self.stop_words_ = frozenset(w.lower() for w in self.stop_words or ())
        return docs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the documents, and load the thesaurus.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents. They are validated, nothing is learned from them.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._fit(X)
        return self

    def augment(self, X, *, random_state=None):
        """Return a fresh augmented draw of the documents, without refitting.

        One draw per document, whatever ``n_copies`` is.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents.
        random_state : int, RandomState instance, Generator or None, \
default=None
            Seed of this draw; the ``random_state`` parameter is not used.

        Returns
        -------
        X_augmented : list of str
            One augmented document per input document, in input order.

        Examples
        --------
        >>> from sklearn_charcnn import ThesaurusAugmenter
        >>> augmenter = ThesaurusAugmenter(thesaurus={"big": ["large", "huge"]})
        >>> augmenter = augmenter.fit(["a big cat"])
        >>> augmenter.augment(["a big cat"], random_state=0)
        ['a large cat']
        """
        check_is_fitted(self, "thesaurus_")
        docs = self._validate_documents(X)
        return self._augment(docs, _check_generator(random_state))

    def synonyms(self, word: str) -> tuple[str, ...]:
        """Return the synonyms that may replace ``word``, closest first.

        Applies the fitted thesaurus, stop words, minimum length and case
        rules; an empty tuple means the word is never replaced.

        Parameters
        ----------
        word : str
            One word, as written in a document.

        Returns
        -------
        synonyms : tuple of str
            The candidate replacements, with the word's case applied.

        Examples
        --------
        >>> from sklearn_charcnn import ThesaurusAugmenter
        >>> augmenter = ThesaurusAugmenter(thesaurus={"big": ["large", "huge"]})
        >>> augmenter.fit([]).synonyms("Big")
        ('Large', 'Huge')
        """
        check_is_fitted(self, "thesaurus_")
        return self._candidates()[word]

    def _candidates(self) -> _Candidates:
        # Both thesaurus types take the word as written (WordNet's senses
        # depend on its case; a MappingThesaurus ignores case).
        return _Candidates(self.thesaurus_.get, self.stop_words_, self.min_word_length)

    def _augment(self, docs: list[str], rng: np.random.Generator) -> list[str]:
        p, q = float(self.p), float(self.q)
        lookup = self._candidates().__getitem__
        out = []
        for doc in docs:
            pieces = _split_words(doc)
            options = list(map(lookup, pieces[1::2]))
            where = [i for i, synonyms in enumerate(options) if synonyms]
            n = len(where)
            if n == 0:
                out.append(doc)
                continue
            u = rng.random(n + 1)
            r = 1 + _truncated_geometric(u[0], p, n)
            # The r words with the smallest keys: a uniform choice of r of n.
            chosen = range(n) if r == n else np.argpartition(u[1:], r - 1)[:r]
            for j, v in zip(chosen, rng.random(r), strict=True):
                synonyms = options[where[j]]
                s = _truncated_geometric(v, q, len(synonyms))
                pieces[2 * where[j] + 1] = synonyms[s]
            out.append("".join(pieces))
        return out

    def _draw(self, docs: list[str]) -> list[str] | AugmentedDocuments:
        """Return the training rows: one draw per document, or the copy blocks."""
        rng = _check_generator(self.random_state)
        if self.n_copies is None:
            return self._augment(docs, rng)
        n = len(docs)
        blocks = [docs] + [self._augment(docs, rng) for _ in range(self.n_copies)]
        return AugmentedDocuments(
            [doc for block in blocks for doc in block],
            origin=np.tile(np.arange(n), len(blocks)),
            copy_index=np.repeat(np.arange(len(blocks)), n),
            per_epoch=self.per_epoch,
        )


def _rows_unchanged(estimator) -> bool:
    return estimator.n_copies is None


@_with_shared_docs
class ThesaurusAugmenter(TextInputMixin, TransformerMixin, _ThesaurusReplacement):
    """Replace random words of the training documents by their synonyms.

    The data augmentation of the character-level ConvNet paper: in each
    document, ``r`` of the replaceable words are replaced, each by its
    synonym of rank ``s``, with ``P[r] ∝ p**r`` and ``P[s] ∝ q**s``.

    Augmentation happens in :meth:`fit_transform` only. :meth:`transform`
    returns the documents unchanged, so in a :class:`~sklearn.pipeline.Pipeline`
    the model is trained on augmented text while predictions and validation
    scores (as in :class:`~sklearn.model_selection.GridSearchCV`) are always
    computed on the original text. ``fit_transform(X)`` therefore differs from
    ``fit(X).transform(X)`` by design, as it does for scikit-learn's
    :class:`~sklearn.preprocessing.TargetEncoder`.

    With ``n_copies=k``, ``fit_transform`` returns ``k + 1`` rows per
    training document (the originals, then ``k`` augmented copies), which
    :class:`~sklearn_charcnn.CharQuantizer` and
    :class:`~sklearn_charcnn.CharCNNClassifier` at the end of the same
    Pipeline understand (see Notes). For any other downstream model, use
    :class:`ThesaurusSampler` in an ``imblearn.pipeline.Pipeline``.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    ThesaurusSampler : The same augmentation as an imbalanced-learn sampler.
    augment_dataset : Add augmented copies of a data set outside a Pipeline.
    CharQuantizer : Encodes the (augmented) documents as character codes.
    CharCNNClassifier : The network trained on them.
    sklearn.preprocessing.TargetEncoder : Another transformer whose
        ``fit_transform`` differs from ``fit().transform()``.

    Notes
    -----
    Implements section 2.4 of Zhang, Zhao & LeCun (2015). The paper leaves
    some details open; this implementation fixes them as follows.

    %(word_rules)s

    With ``n_copies=k`` the rows are an ``AugmentedDocuments`` list whose
    ``origin`` and ``copy_index`` :class:`~sklearn_charcnn.CharQuantizer`
    carries to :class:`~sklearn_charcnn.CharCNNClassifier`, which repeats
    ``y`` and ``sample_weight`` by ``origin`` and keeps every copy on its
    original's side of the validation split. ``set_output`` and
    :meth:`get_feature_names_out` exist only while ``n_copies`` is None.
    The user guide page "Synonym augmentation, at fit time only" says why,
    and how a grid search tunes ``n_copies`` without leakage.

    References
    ----------
    .. [1] X. Zhang, J. Zhao and Y. LeCun, "Character-level Convolutional
       Networks for Text Classification", NIPS 2015, arXiv:1509.01626.

    Examples
    --------
    >>> from sklearn_charcnn import ThesaurusAugmenter
    >>> thesaurus = {"quick": ["fast", "speedy"], "dog": ["hound"]}
    >>> augmenter = ThesaurusAugmenter(thesaurus=thesaurus, p=0.9, random_state=0)
    >>> augmenter.fit_transform(["The quick dog.", "A Quick DOG!"])
    ['The fast hound.', 'A Fast HOUND!']
    >>> augmenter.transform(["The quick dog."])
    ['The quick dog.']

    With ``n_copies``, the originals come first, then each copy, and every
    row knows its original:

    >>> augmenter = ThesaurusAugmenter(thesaurus=thesaurus, n_copies=2, random_state=0)
    >>> rows = augmenter.fit_transform(["a quick dog", "no synonym"])
    >>> rows
    ['a quick dog', 'no synonym', 'a quick hound', 'no synonym', 'a speedy hound', 'no synonym']
    >>> rows.origin.tolist(), rows.copy_index.tolist()
    ([0, 1, 0, 1, 0, 1], [0, 0, 1, 1, 2, 2])
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit, then return the training documents, augmented.

        This is the method a Pipeline calls on training data. Unlike
        ``fit(X).transform(X)``, which returns ``X`` unchanged, it returns
        augmented documents; see the class docstring.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw training documents.
        y : None
            Ignored.

        Returns
        -------
        X_augmented : list of str or AugmentedDocuments
            With ``n_copies=None``, one augmented document per input
            document, in input order. With ``n_copies=k``, the
            ``(k + 1) * n_samples`` rows: the documents, then copy 1 of
            every document, ..., copy ``k`` (row ``i + c * n_samples`` is
            copy ``c`` of document ``i``), with their ``origin`` and
            ``copy_index``.
        """
        return self._draw(self._fit(X))

    def transform(self, X):
        """Return the documents unchanged, as a list of str.

        Documents to predict or score on are never augmented.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw documents.

        Returns
        -------
        X_out : list of str
            The validated (and decoded) documents.
        """
        check_is_fitted(self, "thesaurus_")
        return self._validate_documents(X)

    @available_if(_rows_unchanged)
    def get_feature_names_out(self, input_features=None):
        """Name the output column, for ``set_output(transform="pandas")``.

        Only available while ``n_copies`` is None (see Notes in the class
        docstring).

        Parameters
        ----------
        input_features : None or array-like of one str, default=None
            The name of the input column, kept if given; else ``"text"``.

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (1,)
            The name of the one column of documents.
        """
        check_is_fitted(self, "thesaurus_")
        if input_features is None:
            return np.asarray(["text"], dtype=object)
        names = np.asarray(input_features, dtype=object).ravel()
        if names.shape != (1,):
            raise ValueError(
                "ThesaurusAugmenter has one column of documents; got "
                f"{names.shape[0]} input_features."
            )
        return names


@_with_shared_docs
class ThesaurusSampler(TextInputMixin, _ThesaurusReplacement):
    """Add thesaurus-augmented copies of the training documents and targets.

    :class:`ThesaurusAugmenter`'s augmentation behind imbalanced-learn's
    sampler method ``fit_resample(X, y)``, which returns new rows and their
    targets. In an ``imblearn.pipeline.Pipeline`` samplers run at fit time
    only, so validation folds, ``predict`` and ``score`` see the original
    documents; any downstream model works, ``TfidfVectorizer`` included.
    imbalanced-learn itself is not needed to use it.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    ThesaurusAugmenter : The same augmentation as a transformer, for a
        plain scikit-learn Pipeline ending in ``CharCNNClassifier``.
    augment_dataset : Add augmented copies outside a Pipeline.

    Notes
    -----
    The augmentation is that of :class:`ThesaurusAugmenter` (section 2.4 of
    Zhang, Zhao & LeCun, 2015):

    %(word_rules)s

    The rows are returned as ``AugmentedDocuments``, so a
    :class:`~sklearn_charcnn.CharCNNClassifier` further down the Pipeline
    still keeps every copy on the side of its validation split where its
    original is, and validates on originals only. imbalanced-learn's
    Pipeline refuses a step with both ``transform`` and ``fit_resample``,
    which is why this is a class of its own.

    Examples
    --------
    >>> from sklearn_charcnn.augmenter import ThesaurusSampler
    >>> sampler = ThesaurusSampler(thesaurus={"big": ["large"]}, n_copies=1)
    >>> X, y = sampler.fit_resample(["a big cat", "a dog"], ["x", "y"])
    >>> X
    ['a big cat', 'a dog', 'a large cat', 'a dog']
    >>> y
    array(['x', 'y', 'x', 'y'], dtype='<U1')

    In an imbalanced-learn Pipeline, tuned by a grid search:

    >>> from imblearn.pipeline import make_pipeline  # doctest: +SKIP
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> model = make_pipeline(  # doctest: +SKIP
    ...     ThesaurusSampler(random_state=0), TfidfVectorizer(), LogisticRegression()
    ... )
    >>> grid = {"thesaurussampler__n_copies": [0, 1, 2]}  # doctest: +SKIP
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Fit, then return the augmented training rows and their targets.

        Parameters
        ----------
        X : iterable of str or bytes
            Raw training documents.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Their targets (a pandas Series works).

        Returns
        -------
        X_resampled : list of str or AugmentedDocuments
            With ``n_copies=None``, one augmented draw per document. With
            ``n_copies=k``, the documents, then copy 1 of every document,
            ..., copy ``k``, with their ``origin`` and ``copy_index``.
        y_resampled : ndarray
            The target of every row: ``y`` itself for ``n_copies=None``,
            else ``y`` repeated by ``origin``.
        """
        docs = self._fit(X)
        if y is None:
            raise ValueError(
                "ThesaurusSampler.fit_resample requires y, the targets of the "
                "documents; each copy gets its original's target."
            )
        y = np.asarray(y)
        check_consistent_length(docs, y)
        rows = self._draw(docs)
        if isinstance(rows, AugmentedDocuments):
            return rows, y[rows.origin]
        return rows, y


@validate_params(
    {
        "X": [Iterable],
        "y": ["array-like"],
        "n_copies": [Interval(Integral, 0, None, closed="left")],
        "augmenter": [ThesaurusAugmenter, ThesaurusSampler, None],
        "include_original": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def augment_dataset(X, y, *, n_copies=1, augmenter=None, include_original=True):
    """Return a data set enlarged with augmented copies of its documents.

    :meth:`ThesaurusSampler.fit_resample` as a function, for use outside a
    Pipeline.

    Parameters
    ----------
    X : iterable of str or bytes
        Raw documents.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets; each copy of a document keeps its target.
    n_copies : int, default=1
        Number of augmented copies of every document (``0``: none). Each
        copy is a fresh draw. Overrides the augmenter's own ``n_copies``.
    augmenter : ThesaurusAugmenter, ThesaurusSampler or None, default=None
        The augmentation to apply (its ``p``, ``q``, thesaurus, ...); it is
        neither modified nor fitted. None means ``ThesaurusSampler()``
        (WordNet, ``p = q = 0.5``, a fresh draw on every call). With an int
        ``random_state`` the result is reproducible; a Generator or
        RandomState advances, so the next call draws anew.
    include_original : bool, default=True
        Put the original documents first.

    Returns
    -------
    X_augmented : AugmentedDocuments or list of str
        The original documents (if ``include_original``) followed by copy
        1, ..., copy ``n_copies``, each in input order: document ``i`` of
        copy ``k`` is at ``i + k * n_samples`` (``k = 0`` being the
        originals, when included). With the originals, an
        ``AugmentedDocuments`` list whose ``origin`` and ``copy_index``
        :class:`~sklearn_charcnn.CharCNNClassifier` uses to keep copies on
        one side of its validation split.
    y_augmented : ndarray
        The matching targets, ``y`` repeated the same way.

    Raises
    ------
    ValueError
        If ``n_copies=0`` with ``include_original=False`` (no rows), or
        ``X`` and ``y`` have different lengths.

    See Also
    --------
    ThesaurusSampler : The same, as a sampler in an imbalanced-learn
        Pipeline: the copies are then made of the training folds only.
    ThesaurusAugmenter : Augmentation at fit time inside a Pipeline.

    Notes
    -----
    Augment after splitting off the validation and test data: a copy of a
    validation document in the training set leaks its label. To
    cross-validate with augmentation, put :class:`ThesaurusSampler` in an
    ``imblearn.pipeline.Pipeline`` (or :class:`ThesaurusAugmenter` with
    ``n_copies`` before ``CharCNNClassifier``), so that copies are made
    from each training fold alone.

    Examples
    --------
    >>> from sklearn_charcnn import ThesaurusAugmenter
    >>> from sklearn_charcnn.augmenter import augment_dataset
    >>> augmenter = ThesaurusAugmenter(thesaurus={"big": ["large"]}, random_state=0)
    >>> X, y = augment_dataset(["a big cat", "a dog"], [1, 0], augmenter=augmenter)
    >>> X
    ['a big cat', 'a dog', 'a large cat', 'a dog']
    >>> y
    array([1, 0, 1, 0])
    """
    if n_copies == 0 and not include_original:
        raise ValueError(
            "n_copies=0 with include_original=False leaves no rows; pass "
            "n_copies >= 1 or include_original=True."
        )
    params = {} if augmenter is None else augmenter.get_params(deep=False)
    # The augmenter's own random_state object, not a copy: a Generator or
    # RandomState passed in advances, so the next call draws anew.
    sampler = ThesaurusSampler(**{**params, "n_copies": n_copies})
    X_augmented, y_augmented = sampler.fit_resample(X, y)
    if include_original:
        return X_augmented, y_augmented
    n_samples = len(X_augmented) // (n_copies + 1)
    return list(X_augmented[n_samples:]), y_augmented[n_samples:]
