"""Synonym replacement of Zhang, Zhao & LeCun (2015), section 2.4.

:class:`ThesaurusAugmenter` replaces randomly chosen words of the training
documents by synonyms from a thesaurus (WordNet by default), inside a
scikit-learn Pipeline and at fit time only. :func:`augment_dataset` adds
augmented copies of a data set outside a Pipeline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from sklearn_charcnn._compat import Interval, StrOptions, _fit_context
from sklearn_charcnn._text import TextInputMixin
from sklearn_charcnn.thesaurus import WORDNET, load_wordnet, rank_synonyms

__all__ = ["ThesaurusAugmenter", "augment_dataset"]

# A word: a run of ASCII letters, possibly joined by apostrophes or hyphens
# ("x-ray", "don't"), not glued to other letters, digits or underscores (so
# "café", "abc123" and "snake_case" are not words and pass through). The
# capture group makes re.split return the words at the odd indices.
_WORD = re.compile(r"\b([A-Za-z]+(?:['\u2019-][A-Za-z]+)*)\b")


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


class ThesaurusAugmenter(TextInputMixin, TransformerMixin, BaseEstimator):
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

    Parameters
    ----------
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
    thesaurus : "wordnet" or mapping, default="wordnet"
        Where synonyms come from. ``"wordnet"`` ranks WordNet's synonyms as
        :func:`~sklearn_charcnn.thesaurus.wordnet_synonyms` describes (a
        lower-case word gets no proper-noun senses: "brown" never becomes
        "Robert Brown"); it
        needs WordNet for nltk (``python -m nltk.downloader wordnet``, or
        ``NLTK_DATA`` pointing at a folder with ``corpora/wordnet``). A
        mapping from a word to its synonyms, closest first, is used as given;
        keys are matched without regard to case.
    stop_words : "english", list of str or None, default="english"
        Words never replaced, compared in lower case. ``"english"`` is
        scikit-learn's built-in list
        (:data:`~sklearn.feature_extraction.text.ENGLISH_STOP_WORDS`), which
        keeps function words such as "a" or "was" from being replaced by
        WordNet's rare noun senses ("angstrom", "Washington").
    min_word_length : int, default=3
        Words shorter than this are never replaced. The default keeps
        abbreviations and markup such as the "br" of ``<br />`` intact.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of the random draws. An int gives the same augmented documents
        on every call; None gives a fresh draw on every call, without
        touching numpy's global random state.
    encoding : str, default="utf-8"
        Encoding used to decode ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that cannot be decoded, as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.

    Attributes
    ----------
    thesaurus_ : WordNetThesaurus or dict
        The synonym source. For ``thesaurus="wordnet"`` the stateless
        :data:`~sklearn_charcnn.thesaurus.WORDNET` object, whose data stays
        in a per-process cache and is never pickled with the estimator;
        otherwise a dict from lower-case word to a tuple of synonyms, cleaned
        by :func:`~sklearn_charcnn.thesaurus.rank_synonyms`.
    stop_words_ : frozenset of str
        The lower-case words never replaced.

    See Also
    --------
    augment_dataset : Add augmented copies of a data set (more rows).
    CharQuantizer : Encodes the (augmented) documents as character codes.
    CharCNNClassifier : The network trained on them.
    sklearn.preprocessing.TargetEncoder : Another transformer whose
        ``fit_transform`` differs from ``fit().transform()``.

    Notes
    -----
    Implements section 2.4 of Zhang, Zhao & LeCun (2015). The paper leaves
    some details open; this implementation fixes them as follows.

    - A *word* is a run of ASCII letters, possibly joined by apostrophes or
      hyphens, not attached to other letters, digits or underscores. It is
      *replaceable* when it is at least ``min_word_length`` characters long,
      not a stop word, written in lower case, Title case or UPPER case, and
      has at least one synonym. Everything else (punctuation, whitespace,
      numbers, non-English words, names in mixed case) passes through.
    - For a document with ``n > 0`` replaceable words, ``r`` is drawn from
      the geometric distribution ``P[r] ∝ p**r`` truncated to ``1, ..., n``
      (an exact truncated draw, not a clipped one): every document with a
      replaceable word changes, since an unchanged copy adds nothing. The
      ``r`` positions are chosen uniformly without replacement among the
      ``n``, and each gets the synonym of rank ``s`` drawn independently
      from ``P[s] ∝ q**s`` truncated to its ``k`` synonyms. With
      ``p = q = 0.5`` one word is replaced with probability about 1/2, two
      with 1/4, and the closest synonym is chosen with probability about
      1/2.
    - The replacement takes the word's case: Title case gets an upper-case
      first letter, UPPER case is upper-cased, and a lower-case word takes
      the synonym as the thesaurus spells it.

    scikit-learn has no estimator tag for "``fit_transform`` differs from
    ``fit().transform()``"; the tags declare raw-text input (``string``, no
    2-D arrays) and text output, and this docstring carries the rest.

    For fresh replacements at every training epoch, call :meth:`augment`
    with a new seed per epoch.

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
    """

    _parameter_constraints: dict = {
        "p": [Interval(Real, 0, 1, closed="neither")],
        "q": [Interval(Real, 0, 1, closed="neither")],
        "thesaurus": [StrOptions({"wordnet"}), Mapping],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "min_word_length": [Interval(Integral, 1, None, closed="left")],
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
        random_state=None,
        encoding="utf-8",
        decode_error="strict",
    ):
        self.p = p
        self.q = q
        self.thesaurus = thesaurus
        self.stop_words = stop_words
        self.min_word_length = min_word_length
        self.random_state = random_state
        self.encoding = encoding
        self.decode_error = decode_error

    def _resolve_thesaurus(self):
        if isinstance(self.thesaurus, str):  # "wordnet", checked by the constraints
            load_wordnet()  # fail at fit, with the install hint, if it is missing
            return WORDNET
        table: dict[str, tuple[str, ...]] = {}
        for word, synonyms in self.thesaurus.items():
            if not isinstance(word, str):
                raise TypeError(
                    f"The thesaurus keys must be words (str); got {word!r}."
                )
            if isinstance(synonyms, (str, bytes)) or not all(
                isinstance(s, str) for s in synonyms
            ):
                raise TypeError(
                    f"The thesaurus entry for {word!r} must be a list of str "
                    f"synonyms, closest first; got {synonyms!r}."
                )
            key = word.lower()
            # Keys differing only in case are merged, the first one ranked first.
            table[key] = rank_synonyms(key, [*table.get(key, ()), *synonyms])
        return table

    def _fit(self, X) -> list[str]:
        docs = self._validate_documents(X)
        self.thesaurus_ = self._resolve_thesaurus()
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
        self : ThesaurusAugmenter
            The fitted augmenter.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit, then return the documents with words replaced by synonyms.

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
        X_augmented : list of str
            One augmented document per input document, in input order.
        """
        docs = self._fit(X)
        return self._augment(docs, _check_generator(self.random_state))

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

    def augment(self, X, *, random_state=None):
        """Return a fresh augmented draw of the documents, without refitting.

        Use it for a new augmentation at every epoch, passing a different
        seed (or one shared Generator) each time.

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
        thesaurus = self.thesaurus_
        if isinstance(thesaurus, dict):  # a user thesaurus, keyed in lower case

            def lookup(token):
                return thesaurus.get(token.lower())
        else:  # WordNet, whose senses depend on the word's case
            lookup = thesaurus.get
        return _Candidates(lookup, self.stop_words_, self.min_word_length)

    def _augment(self, docs: list[str], rng: np.random.Generator) -> list[str]:
        p, q = float(self.p), float(self.q)
        candidates = self._candidates()
        lookup = candidates.__getitem__
        split = _WORD.split
        out = []
        for doc in docs:
            pieces = split(doc)
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


def augment_dataset(X, y, *, n_copies=1, augmenter=None, include_original=True):
    """Return a data set enlarged with augmented copies of its documents.

    The way to get more rows (as the paper's augmentation does for a small
    data set) outside a Pipeline, where a transformer cannot add rows.

    Parameters
    ----------
    X : iterable of str or bytes
        Raw documents.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets; each copy of a document keeps its target.
    n_copies : int, default=1
        Number of augmented copies of every document. Each copy is a fresh
        draw.
    augmenter : ThesaurusAugmenter or None, default=None
        The augmentation to apply; it is cloned, not modified. None means
        ``ThesaurusAugmenter()`` (WordNet, ``p = q = 0.5``, a fresh draw on
        every call). With an int ``random_state`` the result is reproducible.
    include_original : bool, default=True
        Put the original documents first.

    Returns
    -------
    X_augmented : list of str
        The original documents (if ``include_original``) followed by copy
        1, ..., copy ``n_copies``, each in input order: document ``i`` of
        copy ``k`` is at ``i + k * n_samples`` (``k = 0`` being the
        originals, when included).
    y_augmented : ndarray
        The matching targets, ``y`` repeated the same way.

    See Also
    --------
    ThesaurusAugmenter : Augmentation at fit time inside a Pipeline.

    Notes
    -----
    Augment after splitting off the validation and test data: a copy of a
    validation document in the training set leaks its label. To
    cross-validate on an augmented set, keep the copies of a document in one
    fold with ``groups=np.tile(np.arange(n_samples), n_copies + 1)`` and
    :class:`~sklearn.model_selection.GroupKFold`.

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
    if isinstance(n_copies, bool) or not isinstance(n_copies, Integral):
        raise TypeError(f"n_copies must be an int; got {n_copies!r}.")
    if n_copies < 0 or (n_copies == 0 and not include_original):
        raise ValueError(
            f"n_copies must be >= 1 (or 0 with include_original=True); got {n_copies}."
        )
    if augmenter is None:
        augmenter = ThesaurusAugmenter()
    elif not isinstance(augmenter, ThesaurusAugmenter):
        raise TypeError(
            "augmenter must be a ThesaurusAugmenter or None; got "
            f"{type(augmenter).__name__}."
        )
    fitted = clone(augmenter).fit([])
    docs = fitted._validate_documents(X)
    y = np.asarray(y)
    check_consistent_length(docs, y)
    # The given random_state, not the clone's copy: a Generator or
    # RandomState passed in advances, so the next call draws anew.
    rng = _check_generator(augmenter.random_state)
    copies = [docs] if include_original else []
    copies += [fitted._augment(docs, rng) for _ in range(n_copies)]
    X_augmented = [doc for copy in copies for doc in copy]
    y_augmented = np.concatenate([y] * len(copies), axis=0)
    return X_augmented, y_augmented
