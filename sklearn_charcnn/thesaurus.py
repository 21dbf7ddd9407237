"""WordNet synonyms ranked as in Zhang, Zhao & LeCun (2015), section 2.4.

The paper's thesaurus "was obtained from WordNet, where every synonym to a
word or phrase is ranked by the semantic closeness to the most frequently
seen meaning". This module builds that ranking from WordNet through nltk:

- :func:`load_wordnet` finds WordNet the way nltk finds data
  (``nltk.data.path``, the ``NLTK_DATA`` environment variable) and loads it
  once per process;
- :func:`wordnet_synonyms` ranks the synonyms of one word and caches the
  result per process;
- :func:`rank_synonyms` is the cleaning rule shared with user thesauri.

Two thesaurus types share one interface, ``get(word, default=())``
returning the synonyms of ``word`` as written, closest first:
:class:`WordNetThesaurus` (shared instance :data:`WORDNET`) and
:class:`MappingThesaurus`, a user's ``{word: [synonyms, ...]}``.
:func:`as_thesaurus` turns what a user passes into one of them, so code that
looks words up never asks which one it holds.

Nothing here imports scikit-learn; :mod:`sklearn_charcnn.augmenter` wraps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

__all__ = [
    "WORDNET",
    "MappingThesaurus",
    "WordNetNotFoundError",
    "WordNetThesaurus",
    "as_thesaurus",
    "load_wordnet",
    "rank_synonyms",
    "wordnet_synonyms",
]

_INSTALL_HINT = (
    "Install it with `python -m nltk.downloader wordnet`, or set the NLTK_DATA "
    "environment variable (or append to nltk.data.path) to a folder that holds "
    "corpora/wordnet.zip or corpora/wordnet."
)

# Process-wide state: the loaded corpus reader, the set of its lemma names
# and the ranked synonyms per word. None of it is ever stored on
# an estimator, so pickled estimators stay small and load without WordNet.
_wordnet = None
_lemma_names: frozenset[str] = frozenset()
_ranked: dict[str, tuple[str, ...]] = {}


class WordNetNotFoundError(LookupError):
    """Raised when nltk cannot find or read the WordNet corpus.

    A subclass of :class:`LookupError`, the error nltk itself raises for a
    missing resource.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import WordNetNotFoundError
    >>> issubclass(WordNetNotFoundError, LookupError)
    True
    """


def load_wordnet():
    """Return nltk's WordNet corpus reader, loading it on first use.

    WordNet is looked up where nltk looks for data: the folders of
    ``nltk.data.path``, which starts with those of the ``NLTK_DATA``
    environment variable. Loading takes a few seconds and happens once per
    process; later calls return the same reader.

    Returns
    -------
    wordnet : nltk.corpus.reader.WordNetCorpusReader
        The loaded reader.

    Raises
    ------
    WordNetNotFoundError
        If WordNet is not installed where nltk looks, or its files cannot
        be read.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import load_wordnet
    >>> load_wordnet().get_version()  # doctest: +SKIP
    '3.0'
    """
    global _wordnet, _lemma_names
    if _wordnet is not None:
        return _wordnet
    import nltk
    from nltk.corpus import wordnet

    try:
        wordnet.ensure_loaded()
    except LookupError:
        searched = ", ".join(map(str, nltk.data.path)) or "(no folders)"
        raise WordNetNotFoundError(
            f"WordNet for nltk was not found; nltk searched: {searched}. "
            + _INSTALL_HINT
        ) from None
    # nltk reads WordNet's data files by byte offset: files whose line ends
    # were turned into CRLF load without error but yield no synsets.
    if not wordnet.synsets("dog"):
        raise WordNetNotFoundError(
            "WordNet was found but returns no synsets for 'dog'; its files may "
            "be damaged (for example with Windows line endings). " + _INSTALL_HINT
        )
    _lemma_names = frozenset(wordnet.all_lemma_names())
    _wordnet = wordnet
    return _wordnet


def rank_synonyms(word: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Clean a ranked list of synonyms of ``word``, keeping its order.

    Underscores become spaces (WordNet writes ``moving_picture``), then
    ``word`` itself and later duplicates are dropped, both compared without
    regard to case; the first spelling of each synonym is kept.

    Parameters
    ----------
    word : str
        The word the synonyms replace.
    candidates : iterable of str
        Synonyms, closest first.

    Returns
    -------
    synonyms : tuple of str
        The cleaned synonyms, closest first.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import rank_synonyms
    >>> rank_synonyms("film", ["film", "movie", "moving_picture", "Movie"])
    ('movie', 'moving picture')
    """
    seen = {word.lower().replace("_", " ")}
    ranked = []
    for candidate in candidates:
        synonym = candidate.replace("_", " ")
        key = synonym.lower()
        if key not in seen:
            seen.add(key)
            ranked.append(synonym)
    return tuple(ranked)


def wordnet_synonyms(word: str) -> tuple[str, ...]:
    """Return the WordNet synonyms of ``word``, closest first.

    The ranking follows WordNet's sense order, as the paper's thesaurus does:
    the senses (synsets) in which ``word`` itself is a lemma, in the order
    ``wordnet.synsets(word)`` gives them (nouns, verbs, adjectives, adverbs;
    within each part of speech the most frequent sense first), and within a
    sense its lemmas in WordNet's order; then :func:`rank_synonyms` drops the
    word itself and duplicates and turns underscores into spaces.

    Two kinds of senses are left out:

    - senses that WordNet reaches only by reducing an inflected form ("was"
      to "be", "movies" to "movie"): their lemmas are base forms that would
      not fit the sentence;
    - for a word written in lower case, the senses where WordNet spells it
      with capitals, which are names ("brown" is not replaced by "Robert
      Brown", nor "don" by "Don River"). A word with capitals, which may
      start a sentence, gets all senses.

    Results are cached per process.

    Parameters
    ----------
    word : str
        A single word or a multi-word expression (spaces or underscores).

    Returns
    -------
    synonyms : tuple of str
        The ranked synonyms; empty if WordNet has none.

    Raises
    ------
    WordNetNotFoundError
        If WordNet cannot be loaded.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import wordnet_synonyms
    >>> wordnet_synonyms("happy")  # doctest: +SKIP
    ('felicitous', 'glad', 'well-chosen')
    """
    name = word.replace(" ", "_")
    lower = name.lower()
    # One cache entry for the lower-case spelling, one for all the others.
    key = lower if name == lower else lower.upper()
    try:
        return _ranked[key]
    except KeyError:
        pass
    wordnet = load_wordnet()
    if lower in _lemma_names:
        # wordnet.lemmas(lower) is the lemma in each of its synsets, in sense
        # order, matched without regard to case; inflected forms never match.
        lemmas = wordnet.lemmas(lower)
        if name == lower:
            lemmas = [lemma for lemma in lemmas if lemma.name() == name]
        ranked = rank_synonyms(
            word,
            (other.name() for lemma in lemmas for other in lemma.synset().lemmas()),
        )
    else:
        ranked = ()
    _ranked[key] = ranked
    return ranked


class WordNetThesaurus:
    """The WordNet thesaurus as a read-only mapping-like object.

    ``thesaurus.get(word)`` returns :func:`wordnet_synonyms` of ``word``,
    which depends on whether ``word`` is in lower case.
    The object holds no state: WordNet and the ranked synonyms live in
    per-process caches, so pickling it stores nothing of WordNet.

    See Also
    --------
    MappingThesaurus : A user's thesaurus, with the same interface.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import WORDNET
    >>> WORDNET
    WordNetThesaurus()
    >>> WORDNET.get("happy")  # doctest: +SKIP
    ('felicitous', 'glad', 'well-chosen')
    """

    def get(self, word: str, default=()) -> tuple[str, ...]:
        """Return the ranked synonyms of ``word``, or ``default`` if none.

        Parameters
        ----------
        word : str
            The word to look up, as written.
        default : object, default=()
            Returned when WordNet has no synonym for ``word``.

        Returns
        -------
        synonyms : tuple of str or default
            The ranked synonyms.
        """
        return wordnet_synonyms(word) or default

    def __getitem__(self, word: str) -> tuple[str, ...]:
        synonyms = wordnet_synonyms(word)
        if not synonyms:
            raise KeyError(word)
        return synonyms

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(wordnet_synonyms(word))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordNetThesaurus)

    def __hash__(self) -> int:
        return hash(WordNetThesaurus)

    def __repr__(self) -> str:
        return "WordNetThesaurus()"


WORDNET = WordNetThesaurus()
"""The shared :class:`WordNetThesaurus` instance."""


class MappingThesaurus(Mapping):
    """A user's thesaurus, with the interface of :class:`WordNetThesaurus`.

    Built from a mapping from a word to its synonyms, closest first. Keys are
    matched without regard to case: ``get("Big")`` returns the entry of
    ``"big"``. Each entry is cleaned by :func:`rank_synonyms`; keys that
    differ only in case are merged (the first one's synonyms ranked first),
    and entries left without a synonym are dropped.

    It is a read-only :class:`~collections.abc.Mapping` from the lower-case
    word to a tuple of synonyms, so it compares equal to a dict holding the
    same entries.

    Parameters
    ----------
    mapping : mapping of str to list of str
        The words and their synonyms, closest first.

    Raises
    ------
    TypeError
        If a key is not a ``str`` or an entry is not a collection of ``str``
        (a lone string is refused: it is one synonym, not a list).

    See Also
    --------
    WordNetThesaurus : The WordNet thesaurus, with the same interface.
    as_thesaurus : Turns a mapping into a MappingThesaurus.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import MappingThesaurus
    >>> thesaurus = MappingThesaurus({"Big": ["large", "big", "huge_one"]})
    >>> thesaurus.get("BIG")
    ('large', 'huge one')
    >>> thesaurus.get("cat")
    ()
    >>> dict(thesaurus)
    {'big': ('large', 'huge one')}
    """

    def __init__(self, mapping: Mapping[str, Iterable[str]]):
        table: dict[str, tuple[str, ...]] = {}
        for word, synonyms in mapping.items():
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
            table[key] = rank_synonyms(key, [*table.get(key, ()), *synonyms])
        self._table = {word: ranked for word, ranked in table.items() if ranked}

    def get(self, word: str, default=()) -> tuple[str, ...]:
        """Return the synonyms of ``word``, or ``default`` if it has none.

        Parameters
        ----------
        word : str
            The word to look up, in any case.
        default : object, default=()
            Returned when ``word`` has no entry.

        Returns
        -------
        synonyms : tuple of str or default
            The cleaned synonyms, closest first.
        """
        return self._table.get(word.lower(), default)

    def __getitem__(self, word: str) -> tuple[str, ...]:
        return self._table[word.lower()]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"MappingThesaurus({self._table!r})"


def as_thesaurus(thesaurus="wordnet") -> WordNetThesaurus | MappingThesaurus:
    """Return the thesaurus object that ``thesaurus`` names.

    Parameters
    ----------
    thesaurus : "wordnet", WordNetThesaurus, MappingThesaurus or mapping, \
default="wordnet"
        ``"wordnet"`` (loaded now, so that a missing WordNet fails here with
        the install hint) or a thesaurus object, returned as is; any other
        mapping from a word to its synonyms is wrapped in a
        :class:`MappingThesaurus`.

    Returns
    -------
    thesaurus : WordNetThesaurus or MappingThesaurus
        An object with ``get(word, default=())``.

    Raises
    ------
    WordNetNotFoundError
        If ``thesaurus="wordnet"`` and WordNet cannot be loaded.
    ValueError
        If ``thesaurus`` is a string other than ``"wordnet"``.
    TypeError
        If ``thesaurus`` is neither, or a mapping with bad entries.

    Examples
    --------
    >>> from sklearn_charcnn.thesaurus import as_thesaurus
    >>> as_thesaurus({"quick": ["fast"]})
    MappingThesaurus({'quick': ('fast',)})
    >>> as_thesaurus("wordnet")  # doctest: +SKIP
    WordNetThesaurus()
    """
    if isinstance(thesaurus, (WordNetThesaurus, MappingThesaurus)):
        return thesaurus
    if isinstance(thesaurus, str):
        if thesaurus != "wordnet":
            raise ValueError(
                f"Unknown thesaurus {thesaurus!r}; pass 'wordnet' or a mapping "
                "from a word to its synonyms."
            )
        load_wordnet()
        return WORDNET
    if isinstance(thesaurus, Mapping):
        return MappingThesaurus(thesaurus)
    raise TypeError(
        "The thesaurus must be 'wordnet', a WordNetThesaurus, a MappingThesaurus "
        f"or a mapping from a word to its synonyms; got {type(thesaurus).__name__}."
    )
