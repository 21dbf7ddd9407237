import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, make_pipeline

from sklearn_charcnn import CharQuantizer
from sklearn_charcnn.quantizer import ALPHABETS, PAPER_ALPHABET, PAPER_FULL_ALPHABET

# Codes of the paper alphabet, counted by hand: letters a..z are 1..26,
# digits 0..9 are 27..36, then "-" 37, "," 38, ";" 39, "." 40, "!" 41,
# "?" 42, ... "*" 56, "~" 57, "`" 58 (the printed list's 22nd symbol), "+" 59,
# "=" 60 (the second "-" is dropped), ... "{" 67, "}" 68, newline 69.
A, B, C, Z = 1, 2, 3, 26
ZERO, NINE = 27, 36
HYPHEN, COMMA, DOT, BANG = 37, 38, 40, 41
BACKTICK, OPEN_BRACE, CLOSE_BRACE, NEWLINE = 58, 67, 68, 69


def quantize(docs, **params):
    return CharQuantizer(**params).fit(docs).transform(docs)


def test_paper_alphabet_has_69_distinct_characters_in_printed_order():
    assert len(PAPER_ALPHABET) == 69
    assert len(set(PAPER_ALPHABET)) == 69
    assert PAPER_ALPHABET.startswith("abcdefghijklmnopqrstuvwxyz0123456789-,;.!?:")
    assert PAPER_ALPHABET.endswith("+=<>()[]{}\n")
    assert PAPER_ALPHABET.count("-") == 1
    assert PAPER_ALPHABET[57] == "`"
    assert " " not in PAPER_ALPHABET
    assert ALPHABETS["paper"] == PAPER_ALPHABET


def test_paper_full_alphabet_adds_upper_case_letters():
    assert len(PAPER_FULL_ALPHABET) == 95
    assert PAPER_FULL_ALPHABET[69:] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_hand_checked_codes_forward_order():
    codes = quantize(["a-z09,.!`{}\n"], max_length=12, reverse=False)
    expected = [A, HYPHEN, Z, ZERO, NINE, COMMA, DOT, BANG, BACKTICK]
    expected += [OPEN_BRACE, CLOSE_BRACE, NEWLINE]
    np.testing.assert_array_equal(codes, [expected])


def test_reverse_puts_last_kept_char_first():
    codes = quantize(["abc"], max_length=5)
    np.testing.assert_array_equal(codes, [[C, B, A, 0, 0]])


def test_truncation_keeps_first_characters_then_reverses():
    # The paper keeps the first l0 characters; backward order then puts the
    # last kept one ("c") at position 0.
    codes = quantize(["abcdef"], max_length=3)
    np.testing.assert_array_equal(codes, [[C, B, A]])
    codes = quantize(["abcdef"], max_length=3, reverse=False)
    np.testing.assert_array_equal(codes, [[A, B, C]])


def test_padding_is_zero_at_the_end_in_both_orders():
    for reverse in (True, False):
        codes = quantize(["ab", ""], max_length=4, reverse=reverse)
        assert codes[0, 2:].tolist() == [0, 0]
        assert codes[1].tolist() == [0, 0, 0, 0]


def test_space_and_unknown_characters_get_code_zero():
    codes = quantize(["a b\té€中😀"], max_length=8, reverse=False)
    np.testing.assert_array_equal(codes, [[A, 0, B, 0, 0, 0, 0, 0]])


def test_lowercase_by_default_and_optional():
    assert quantize(["ABC"], max_length=3).tolist() == [[C, B, A]]
    assert quantize(["ABC"], max_length=3, lowercase=False).tolist() == [[0, 0, 0]]


def test_paper_full_preset_is_case_sensitive_by_itself():
    quantizer = CharQuantizer(alphabet="paper-full", max_length=3, reverse=False)
    codes = quantizer.fit_transform(["aA!"])
    assert quantizer.lowercase_ is False
    assert codes.tolist() == [[A, 70, BANG]]


def test_custom_alphabet_codes_follow_its_order():
    quantizer = CharQuantizer(alphabet="xyz ", max_length=4, reverse=False)
    assert quantizer.fit_transform(["z yq"]).tolist() == [[3, 4, 2, 0]]
    assert quantizer.vocabulary_ == {"x": 1, "y": 2, "z": 3, " ": 4}
    assert quantizer.n_codes_ == 5


def test_dtype_is_smallest_unsigned_integer():
    assert quantize(["a"]).dtype == np.uint8
    alphabet = "".join(chr(0x4E00 + i) for i in range(300))
    codes = quantize([alphabet[299]], alphabet=alphabet, max_length=2)
    assert codes.dtype == np.uint16
    assert codes.tolist() == [[300, 0]]
    # 255 characters plus code 0 still fit one byte.
    alphabet = "".join(chr(0x4E00 + i) for i in range(255))
    assert quantize(["x"], alphabet=alphabet).dtype == np.uint8


def test_output_shape_and_default_length():
    codes = quantize(["one", "two", "three"])
    assert codes.shape == (3, 1014)


def test_lowercasing_that_lengthens_text_stays_within_max_length():
    # "İ".lower() is two characters: i + combining dot.
    codes = quantize(["İİİ"], max_length=3, reverse=False)
    assert codes.shape == (1, 3)
    assert codes[0, 0] == ord("i") - ord("a") + 1


def test_bytes_are_decoded_like_tfidf_vectorizer():
    codes = quantize(
        [b"ab", "ab".encode("utf-16"), b"\xffab"],
        max_length=2,
        reverse=False,
        encoding="latin-1",
    )
    assert codes[0].tolist() == [A, B]
    replaced = quantize(
        [b"\xffab"], max_length=3, reverse=False, decode_error="replace"
    )
    assert replaced.tolist() == [[0, A, B]]
    ignored = quantize([b"\xffab"], max_length=3, reverse=False, decode_error="ignore")
    assert ignored.tolist() == [[A, B, 0]]


def test_undecodable_bytes_raise_naming_the_index():
    with pytest.raises(ValueError, match="index 1 cannot be decoded.*utf-8"):
        quantize(["ok", b"\xff"])


def test_large_and_exotic_documents_are_valid():
    big = "abc " * 250_000  # 1 MB
    codes = quantize([big, "", "😀" * 5, "中文字"], max_length=8, reverse=False)
    assert codes[0].tolist() == [A, B, C, 0, A, B, C, 0]
    assert codes[1:].sum() == 0


def test_accepts_numpy_and_pandas_and_generators():
    pd = pytest.importorskip("pandas")
    expected = [[A, B], [C, 0]]
    for docs in (np.array(["ab", "c"]), pd.Series(["ab", "c"]), ("ab", "c")):
        assert quantize(docs, max_length=2, reverse=False).tolist() == expected
    quantizer = CharQuantizer(max_length=2, reverse=False).fit(["x"])
    assert quantizer.transform(d for d in ["ab", "c"]).tolist() == expected
    assert quantizer.transform(pd.DataFrame({"text": ["ab", "c"]})).tolist() == expected


@pytest.mark.parametrize(
    "docs, error, message",
    [
        ("abc", ValueError, "Iterable over raw text documents expected, string"),
        (b"abc", ValueError, "Iterable over raw text documents expected, string"),
        (42, TypeError, "Iterable over raw text documents expected, int"),
        (["a", None], ValueError, "index 1 is missing"),
        (["a", "b", float("nan")], ValueError, "index 2 is missing"),
        (["a", 3], TypeError, "index 1 is a int 3"),
        (np.array([["a", "b"]]), ValueError, r"1-D collection.*shape \(1, 2\)"),
    ],
)
def test_bad_documents_get_clear_errors(docs, error, message):
    with pytest.raises(error, match=message):
        CharQuantizer().fit(docs)
    quantizer = CharQuantizer().fit(["ok"])
    with pytest.raises(error, match=message):
        quantizer.transform(docs)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"alphabet": ""}, "alphabet is empty"),
        ({"alphabet": "abca"}, "repeats the character.*'a'"),
        ({"max_length": 0}, "max_length"),
        ({"max_length": 2.5}, "max_length"),
        ({"lowercase": "yes"}, "lowercase"),
        ({"decode_error": "skip"}, "decode_error"),
    ],
)
def test_bad_parameters_raise_in_fit(params, message):
    quantizer = CharQuantizer(**params)  # construction never validates
    with pytest.raises(ValueError, match=message):
        quantizer.fit(["a"])


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        CharQuantizer().transform(["a"])


def test_feature_names_out_name_positions():
    names = CharQuantizer(max_length=3).fit(["a"]).get_feature_names_out()
    assert names.tolist() == ["char_0", "char_1", "char_2"]


def test_tags_declare_string_input():
    tags = CharQuantizer().__sklearn_tags__()
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array


def test_clone_pickle_and_html_repr():
    quantizer = CharQuantizer(max_length=7, alphabet="abc").fit(["abc"])
    restored = pickle.loads(pickle.dumps(quantizer))
    np.testing.assert_array_equal(
        restored.transform(["cab"]), quantizer.transform(["cab"])
    )
    cloned = clone(quantizer)
    assert cloned.get_params() == quantizer.get_params()
    assert not hasattr(cloned, "alphabet_")
    assert "CharQuantizer" in quantizer._repr_html_()


def test_pipeline_and_grid_search_tune_quantizer_parameters():
    from sklearn.linear_model import LogisticRegression

    docs = [
        "good movie",
        "great film",
        "nice plot",
        "bad movie",
        "awful film",
        "poor plot",
    ] * 4
    labels = [1, 1, 1, 0, 0, 0] * 4
    pipe = make_pipeline(CharQuantizer(max_length=8), LogisticRegression())
    search = GridSearchCV(pipe, {"charquantizer__max_length": [4, 8]}, cv=2)
    search.fit(docs, labels)
    assert search.best_params_["charquantizer__max_length"] in (4, 8)
    assert search.predict(["good film"]).shape == (1,)


def test_sits_in_feature_union_with_tfidf():
    union = FeatureUnion(
        [("chars", CharQuantizer(max_length=4)), ("tfidf", TfidfVectorizer())]
    )
    out = union.fit_transform(["ab cd", "ef"])
    assert out.shape[0] == 2 and out.shape[1] == 4 + 3


def reference_codes(doc, alphabet, max_length, lowercase, reverse):
    """The paper's quantization, one character at a time."""
    if lowercase:
        doc = doc[:max_length].lower()
    kept = doc[:max_length]
    if reverse:
        kept = kept[::-1]
    codes = [alphabet.index(c) + 1 if c in alphabet else 0 for c in kept]
    return codes + [0] * (max_length - len(codes))


@pytest.mark.parametrize("alphabet", ["paper", "paper-full", "abcÉé中文ｋ"])
@pytest.mark.parametrize("lowercase", [True, False])
@pytest.mark.parametrize("reverse", [True, False])
def test_matches_character_by_character_reference(alphabet, lowercase, reverse):
    docs = varied_corpus(60, 12)  # the pieces are listed at CORPUS_PIECES
    quantizer = CharQuantizer(
        alphabet=alphabet, max_length=9, lowercase=lowercase, reverse=reverse
    ).fit(docs)
    expected = [
        reference_codes(d, quantizer.alphabet_, 9, lowercase, reverse) for d in docs
    ]
    np.testing.assert_array_equal(quantizer.transform(docs), expected)


def test_alphabet_with_nul_is_rejected():
    with pytest.raises(ValueError, match="NUL"):
        CharQuantizer(alphabet="ab\0").fit(["a"])


def test_output_is_writable_and_owns_its_memory():
    codes = CharQuantizer(max_length=4).fit_transform(["abc", "d"])
    assert codes.flags.writeable and codes.flags.c_contiguous
    codes[0, 0] = 9


def test_augmented_documents_give_codes_carrying_their_rows():
    from sklearn_charcnn._augmented import AugmentedCodes, AugmentedDocuments

    docs = AugmentedDocuments(
        ["ab", "c", "AB"], origin=[0, 1, 0], copy_index=[0, 0, 1], per_epoch=True
    )
    plain = CharQuantizer(max_length=3).fit(["x"]).transform(list(docs))
    for codes in (
        CharQuantizer(max_length=3).fit(["x"]).transform(docs),
        CharQuantizer(max_length=3).fit_transform(docs),
    ):
        assert isinstance(codes, AugmentedCodes)
        np.testing.assert_array_equal(codes, [[B, A, 0], [C, 0, 0], [B, A, 0]])
        np.testing.assert_array_equal(codes, plain)
        assert codes.origin.tolist() == [0, 1, 0]
        assert codes.copy_index.tolist() == [0, 0, 1]
        assert codes.per_epoch is True
    # Any other input stays a plain array.
    assert type(plain) is np.ndarray


def test_augmented_rows_survive_a_pipeline_step():
    from sklearn.preprocessing import FunctionTransformer

    from sklearn_charcnn._augmented import AugmentedDocuments, row_origins

    docs = AugmentedDocuments(["ab", "ab!"], origin=[0, 0], copy_index=[0, 1])
    seen = {}

    def record(codes):
        seen["rows"] = row_origins(codes)
        return codes

    pipe = make_pipeline(CharQuantizer(max_length=4), FunctionTransformer(record))
    pipe.fit_transform(docs)
    origin, copy_index, per_epoch = seen["rows"]
    assert origin.tolist() == [0, 0] and copy_index.tolist() == [0, 1]
    assert per_epoch is False


# Lone surrogates: what Python's "surrogateescape" makes of undecodable bytes
# ("\udcff"), and the halves of a pair split apart.
SURROGATES = ["\udcff", "\ud83d", "\ude00", "\ud83d\ude00"]


@pytest.mark.parametrize("alphabet", ["paper", "abc中", "bytes"])
@pytest.mark.parametrize("surrogate", SURROGATES)
def test_lone_surrogates_are_out_of_alphabet(alphabet, surrogate):
    codes = quantize(
        ["a" + surrogate + "b"], alphabet=alphabet, max_length=6, reverse=False
    )
    a, b = (ord("a"), ord("b")) if alphabet == "bytes" else (A, B)
    # One position with code 0 per surrogate, in every alphabet.
    expected = [a] + [0] * len(surrogate) + [b]
    assert codes.tolist() == [expected + [0] * (6 - len(expected))]


def test_alphabet_may_contain_surrogates_and_any_code_point():
    alphabet = "a\udcff\U0010ffff中"
    codes = quantize(
        ["\udcffa\U0010ffff\udcfe中"], alphabet=alphabet, max_length=6, reverse=False
    )
    assert codes.tolist() == [[2, 1, 3, 0, 4, 0]]
    codes = quantize(["a\udcff"], alphabet="\udcffa", max_length=3)
    assert codes.tolist() == [[1, 2, 0]]


# A corpus that crosses every path: ASCII and Latin-1 documents, other
# scripts, characters whose lower case is longer (İ) or lands in ASCII
# (KELVIN SIGN), emoji, lone surrogates, NUL, empty and long documents.
CORPUS_PIECES = [
    "Ab",
    "c!",
    " ",
    "É",
    "é",
    "İ",
    "\u212a",
    "😀",
    "中文",
    "ｋＫ",
    "\n",
    "Z9",
    "\udcff",
    "\0",
    "Дом",
    "한국어",
    "Σ",
    "the quick brown fox ",
]


def varied_corpus(n_docs, max_pieces, seed=0):
    rng = np.random.default_rng(seed)
    return [
        "".join(rng.choice(CORPUS_PIECES, size=n))
        for n in rng.integers(0, max_pieces, n_docs)
    ]


def reference_byte_codes(doc, max_length, lowercase, reverse):
    """The byte alphabet, one document at a time: its first UTF-8 bytes."""
    kept = doc[:max_length].lower() if lowercase else doc[:max_length]
    # A lone surrogate has no UTF-8 encoding: one NUL (code 0) stands for it.
    raw = "".join(c if not 0xD800 <= ord(c) < 0xE000 else "\0" for c in kept)
    raw = raw.encode("utf-8")[:max_length]
    if reverse:
        raw = raw[::-1]
    return list(raw) + [0] * (max_length - len(raw))


@pytest.mark.parametrize("alphabet", ["paper", "paper-full", "abcÉé中\udcff", "bytes"])
@pytest.mark.parametrize("lowercase", [True, False])
@pytest.mark.parametrize("reverse", [True, False])
@pytest.mark.parametrize("n_jobs", [None, 2])
def test_chunked_transform_matches_reference_on_varied_corpus(
    monkeypatch, alphabet, lowercase, reverse, n_jobs
):
    # Chunks of a few rows, so that the corpus spans many chunks (and
    # threads) and a last, shorter chunk.
    monkeypatch.setattr("sklearn_charcnn.quantizer._CHUNK_BYTES", 100)
    docs = varied_corpus(203, 14)
    quantizer = CharQuantizer(
        alphabet=alphabet,
        max_length=23,
        lowercase=lowercase,
        reverse=reverse,
        n_jobs=n_jobs,
    ).fit(docs)
    if alphabet == "bytes":
        expected = [reference_byte_codes(d, 23, lowercase, reverse) for d in docs]
    else:
        expected = [
            reference_codes(d, quantizer.alphabet_, 23, lowercase, reverse)
            for d in docs
        ]
    codes = quantizer.transform(docs)
    np.testing.assert_array_equal(codes, expected)
    assert codes.dtype == quantizer.dtype_ and codes.flags.c_contiguous


def test_n_jobs_gives_the_same_codes_and_is_validated():
    docs = varied_corpus(3000, 60, seed=1)
    one = CharQuantizer(max_length=200).fit_transform(docs)
    for n_jobs in (2, -1):
        threaded = CharQuantizer(max_length=200, n_jobs=n_jobs).fit_transform(docs)
        np.testing.assert_array_equal(threaded, one)
    for n_jobs in ("two", 0, 1.5):
        with pytest.raises(ValueError, match="n_jobs"):
            CharQuantizer(n_jobs=n_jobs).fit(["a"])


def test_empty_batch_gives_an_empty_matrix():
    for alphabet in ("paper", "abc中", "bytes"):
        quantizer = CharQuantizer(alphabet=alphabet, max_length=5, n_jobs=2)
        codes = quantizer.fit(["a"]).transform([])
        assert codes.shape == (0, 5) and codes.dtype == np.uint8


@pytest.mark.parametrize("alphabet", ["paper", "abc中", "bytes"])
def test_peak_memory_stays_close_to_the_output(alphabet):
    import tracemalloc

    # 4,000 documents of 1,500 characters: 4 MB of codes. Keeping the whole
    # batch's intermediate strings and masks alive at once, as a one-block
    # implementation does, peaks at about 5 times that.
    words = ["The", "quick", "brown", "fox;", "Déjà", "vu", "中文", "\n"]
    rng = np.random.default_rng(2)
    docs = [" ".join(rng.choice(words, size=400))[:1500] for _ in range(200)] * 20
    quantizer = CharQuantizer(alphabet=alphabet, max_length=1000).fit(["a"])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        codes = quantizer.transform(docs)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak <= 1.5 * codes.nbytes


BYTE_TEXTS = {
    "korean": "한국어 문장을 바이트로 읽습니다",
    "cyrillic": "Съешь же ещё этих мягких французских булок",
    "cjk": "敏捷的棕色狐狸跳过了懒狗。日本語も読めます",
    "emoji": "good 👍🏽 movie 🎬🍿 family 👨‍👩‍👧",
}


@pytest.mark.parametrize("name", list(BYTE_TEXTS))
@pytest.mark.parametrize("max_length", [7, 30, 400])
def test_byte_alphabet_round_trips_utf8_text(name, max_length):
    text = BYTE_TEXTS[name]
    utf8 = text.encode("utf-8")
    forward = quantize([text], alphabet="bytes", max_length=max_length, reverse=False)
    kept = bytes(forward[0, : min(len(utf8), max_length)].tolist())
    # max_length counts bytes: the first max_length bytes of the UTF-8 text,
    # even where that cuts the last character in two.
    assert kept == utf8[:max_length]
    assert kept.decode("utf-8", errors="ignore") == utf8[:max_length].decode(
        "utf-8", errors="ignore"
    )
    if max_length >= len(utf8):
        assert kept.decode("utf-8") == text
        assert not forward[0, len(utf8) :].any()
    # Backward order reverses the bytes.
    backward = quantize([text], alphabet="bytes", max_length=max_length)
    assert bytes(backward[0, : len(kept)].tolist())[::-1] == kept


def test_byte_alphabet_attributes_and_case():
    quantizer = CharQuantizer(alphabet="bytes", max_length=8, reverse=False)
    codes = quantizer.fit_transform(["Aé Д"])
    # A is byte 65; é is C3 A9, the space 32, Д is D0 94: byte b gets code b.
    assert codes.tolist() == [[65, 0xC3, 0xA9, 32, 0xD0, 0x94, 0, 0]]
    assert codes.dtype == np.uint8
    assert quantizer.n_codes_ == 256
    assert quantizer.lowercase_ is False
    assert quantizer.alphabet_ == bytes(range(1, 256))
    assert quantizer.vocabulary_[b"A"] == 65 and len(quantizer.vocabulary_) == 255
    # lowercase=True lower-cases every script that has case, then encodes:
    # "д" is D0 B4.
    lowered = CharQuantizer(
        alphabet="bytes", max_length=8, reverse=False, lowercase=True
    ).fit_transform(["Aé Д", "AB"])
    assert lowered.tolist() == [
        [97, 0xC3, 0xA9, 32, 0xD0, 0xB4, 0, 0],
        [97, 98, 0, 0, 0, 0, 0, 0],
    ]


def test_byte_alphabet_codes_fit_the_default_classifier_input():
    # Every byte value but NUL gets its own code, and all fit uint8.
    text = bytes(range(1, 256)).decode("latin-1")
    codes = quantize([text], alphabet="bytes", max_length=400, reverse=False)
    utf8 = text.encode("utf-8")
    assert codes[0, : len(utf8)].tolist() == list(utf8)
    assert codes.max() <= 255 and codes.dtype == np.uint8
