"""Tests of ThesaurusAugmenter and augment_dataset.

Most tests use a small user thesaurus, so they need no WordNet; the
distribution tests compare observed frequencies with probabilities computed
by hand from P[r] ∝ p**r (r = 1..n) and P[s] ∝ q**s (s = 0..k-1).
"""

import pickle
import random
from collections import Counter

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_mixin_order,
    check_no_attributes_set_in_init,
    check_set_params,
)

from sklearn_charcnn._augmented import AugmentedDocuments, row_origins
from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.augmenter import (
    ThesaurusAugmenter,
    ThesaurusSampler,
    augment_dataset,
)
from sklearn_charcnn.thesaurus import WORDNET

THESAURUS = {"quick": ["fast"], "movie": ["moving_picture"], "dog": ["hound"]}


def augment(docs, **params):
    params.setdefault("thesaurus", THESAURUS)
    params.setdefault("random_state", 0)
    return ThesaurusAugmenter(**params).fit_transform(docs)


# --- what fit_transform and transform return ------------------------------


def test_transform_returns_documents_unchanged_as_str():
    augmenter = ThesaurusAugmenter(thesaurus=THESAURUS).fit(["quick"])
    out = augmenter.transform(np.array(["a quick dog", "quick"], dtype=object))
    assert out == ["a quick dog", "quick"]
    assert augmenter.transform([b"quick d\xc3\xa9j\xc3\xa0 vu"]) == ["quick déjà vu"]


def test_fit_transform_keeps_number_and_order_of_rows():
    docs = ["no synonym here", "quick", "", "the dog", "quick"]
    out = augment(docs)
    assert out == ["no synonym here", "fast", "", "the hound", "fast"]


def test_fit_transform_differs_from_fit_then_transform():
    augmenter = ThesaurusAugmenter(thesaurus=THESAURUS, random_state=0)
    assert augmenter.fit_transform(["quick"]) == ["fast"]
    assert augmenter.fit(["quick"]).transform(["quick"]) == ["quick"]


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        ThesaurusAugmenter(thesaurus=THESAURUS).transform(["quick"])


# --- which words are replaced, and how ------------------------------------


def test_replacement_keeps_the_case_pattern():
    # One replaceable word per document, one synonym: r = 1 and s = 0.
    docs = ["quick", "Quick", "QUICK", "qUiCk", "QuiCK"]
    assert augment(docs) == ["fast", "Fast", "FAST", "qUiCk", "QuiCK"]


def test_multi_word_synonym_gets_spaces_and_case():
    assert augment(["movie", "Movie", "MOVIE"]) == [
        "moving picture",
        "Moving picture",
        "MOVING PICTURE",
    ]


def test_lower_case_word_keeps_the_synonyms_own_capitals():
    assert augment(["dog"], thesaurus={"dog": ["Canis familiaris"]}) == [
        "Canis familiaris"
    ]


def test_punctuation_and_whitespace_around_the_word_are_kept():
    docs = ['  "quick!"\n', "(Movie),\tend", "...DOG...", "dog's"]
    assert augment(docs, stop_words=None) == [
        '  "fast!"\n',
        "(Moving picture),\tend",
        "...HOUND...",
        "dog's",  # "dog's" is one word, absent from the thesaurus
    ]


def test_non_english_and_non_alphabetic_tokens_pass_through():
    thesaurus = {"caf": ["x"], "quick": ["fast"], "na": ["x"], "ve": ["x"]}
    docs = ["café", "quick123", "snake_quick", "naïve", "42", "日本語", "quick7up"]
    assert augment(docs, thesaurus=thesaurus, min_word_length=1) == docs


def test_hyphenated_and_apostrophe_words_are_looked_up_whole():
    thesaurus = {"well-known": ["famous"], "don't": ["do not"], "well": ["fine"]}
    docs = ["a well-known fact", "I don't", "Well done"]
    out = augment(docs, thesaurus=thesaurus, stop_words=None)
    assert out == ["a famous fact", "I do not", "Fine done"]


def test_stop_words_are_never_replaced():
    thesaurus = {"the": ["this"], "quick": ["fast"]}
    assert augment(["the"], thesaurus=thesaurus) == ["the"]  # "english" default
    assert augment(["the"], thesaurus=thesaurus, stop_words=None) == ["this"]
    assert augment(["Quick"], thesaurus=thesaurus, stop_words=["QUICK"]) == ["Quick"]


def test_words_shorter_than_min_word_length_are_never_replaced():
    assert augment(["dog"], min_word_length=4) == ["dog"]
    assert augment(["dog"], min_word_length=3) == ["hound"]


def test_user_thesaurus_keys_ignore_case_and_entries_are_cleaned():
    augmenter = ThesaurusAugmenter(
        thesaurus={"Big": ["big", "large", "Large", "huge_one"], "BIG": ["vast"]}
    ).fit([])
    assert augmenter.thesaurus_ == {"big": ("large", "huge one", "vast")}
    assert augmenter.synonyms("big") == ("large", "huge one", "vast")
    assert augmenter.synonyms("BIG") == ("LARGE", "HUGE ONE", "VAST")
    assert augmenter.synonyms("the") == ()  # a stop word


@pytest.mark.parametrize(
    "thesaurus, message",
    [
        ({"quick": "fast"}, "entry for 'quick' must be a list of str"),
        ({"quick": ["fast", 1]}, "entry for 'quick' must be a list of str"),
        ({1: ["one"]}, "keys must be words"),
    ],
)
def test_bad_user_thesaurus_is_rejected(thesaurus, message):
    with pytest.raises(TypeError, match=message):
        ThesaurusAugmenter(thesaurus=thesaurus).fit([])


# --- the random draws -----------------------------------------------------


def test_number_of_replaced_words_follows_truncated_geometric():
    # Three replaceable words: P[r] ∝ p**r on r = 1, 2, 3.
    # p = 0.5: weights 1/2, 1/4, 1/8 -> 4/7, 2/7, 1/7.
    # p = 0.9: weights .9, .81, .729 -> .3690, .3321, .2989 (sum 2.439).
    thesaurus = {"aaa": ["xxx"], "bbb": ["xxx"], "ccc": ["xxx"]}
    docs = ["aaa bbb ccc"] * 7000
    for p, expected in [(0.5, [4 / 7, 2 / 7, 1 / 7]), (0.9, [0.3690, 0.3321, 0.2989])]:
        out = augment(docs, thesaurus=thesaurus, p=p)
        counts = Counter(doc.count("xxx") for doc in out)
        assert set(counts) == {1, 2, 3}
        observed = [counts[r] / len(docs) for r in (1, 2, 3)]
        np.testing.assert_allclose(observed, expected, atol=0.025)


def test_synonym_rank_follows_truncated_geometric():
    # Three synonyms: P[s] ∝ q**s on s = 0, 1, 2; q = 0.5 -> 4/7, 2/7, 1/7.
    out = augment(["word"] * 7000, thesaurus={"word": ["s0", "s1", "s2"]}, q=0.5)
    counts = Counter(out)
    observed = [counts[s] / len(out) for s in ("s0", "s1", "s2")]
    np.testing.assert_allclose(observed, [4 / 7, 2 / 7, 1 / 7], atol=0.025)


def test_replaced_positions_are_chosen_uniformly():
    # p close to 0 replaces one word of three: each with probability 1/3.
    thesaurus = {"aaa": ["xa"], "bbb": ["xb"], "ccc": ["xc"]}
    out = augment(["aaa bbb ccc"] * 6000, thesaurus=thesaurus, p=1e-9)
    counts = Counter(out)
    assert set(counts) == {"xa bbb ccc", "aaa xb ccc", "aaa bbb xc"}
    for count in counts.values():
        assert abs(count / 6000 - 1 / 3) < 0.025


def test_same_random_state_gives_same_output():
    thesaurus = {"aaa": ["x", "y", "z"], "bbb": ["x", "y", "z"]}
    docs = ["aaa bbb aaa bbb"] * 50
    first = augment(docs, thesaurus=thesaurus, random_state=3)
    assert augment(docs, thesaurus=thesaurus, random_state=3) == first
    assert augment(docs, thesaurus=thesaurus, random_state=4) != first


def test_random_state_none_gives_a_fresh_draw_per_call():
    augmenter = ThesaurusAugmenter(thesaurus={"aaa": ["x", "y", "z"]})
    docs = ["aaa aaa aaa aaa"] * 50
    assert augmenter.fit_transform(docs) != augmenter.fit_transform(docs)


def test_global_random_state_is_left_alone():
    np.random.seed(0)
    random.seed(0)
    before = np.random.get_state()[1].copy(), random.getstate()
    augment(["aaa bbb"] * 10, thesaurus={"aaa": ["x"], "bbb": ["y"]}, random_state=None)
    np.testing.assert_array_equal(np.random.get_state()[1], before[0])
    assert random.getstate() == before[1]


def test_generator_random_state_is_advanced():
    rng = np.random.default_rng(0)
    augmenter = ThesaurusAugmenter(thesaurus={"aaa": ["x", "y", "z"]}, random_state=rng)
    docs = ["aaa aaa aaa aaa"] * 50
    assert augmenter.fit_transform(docs) != augmenter.fit_transform(docs)


def test_augment_draws_anew_without_refitting():
    augmenter = ThesaurusAugmenter(thesaurus={"aaa": ["x", "y", "z"]}, random_state=0)
    augmenter.fit([])
    docs = ["aaa aaa aaa aaa"] * 50
    assert augmenter.augment(docs, random_state=1) == augmenter.augment(
        docs, random_state=1
    )
    assert augmenter.augment(docs, random_state=1) != augmenter.augment(
        docs, random_state=2
    )


# --- parameters and input validation --------------------------------------


@pytest.mark.parametrize("name", ["p", "q"])
@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1])
def test_p_and_q_outside_open_unit_interval_are_rejected(name, value):
    augmenter = ThesaurusAugmenter(thesaurus=THESAURUS, **{name: value})
    message = f"The '{name}' parameter of ThesaurusAugmenter must be a float in the range \\(0.0, 1.0\\)"
    with pytest.raises(InvalidParameterError, match=message):
        augmenter.fit_transform(["quick"])


def test_unknown_thesaurus_name_is_rejected():
    with pytest.raises(InvalidParameterError, match="'thesaurus' parameter"):
        ThesaurusAugmenter(thesaurus="roget").fit([])


def test_bad_documents_get_the_shared_text_errors():
    augmenter = ThesaurusAugmenter(thesaurus=THESAURUS)
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        augmenter.fit_transform("a quick dog")
    with pytest.raises(ValueError, match="Document at index 1 is missing"):
        augmenter.fit_transform(["quick", None])
    with pytest.raises(TypeError, match="Document at index 0 is a int"):
        augmenter.fit(["quick"]).transform([3])


def test_tags_declare_text_input():
    tags = ThesaurusAugmenter().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.transformer_tags.preserves_dtype == []


def test_pickle_round_trip_keeps_the_user_thesaurus():
    augmenter = ThesaurusAugmenter(thesaurus=THESAURUS, random_state=0).fit([])
    restored = pickle.loads(pickle.dumps(augmenter))
    assert restored.fit_transform(["quick dog"]) == augmenter.fit_transform(
        ["quick dog"]
    )


# --- inside a Pipeline and GridSearchCV -----------------------------------

# Every word of the documents maps to a marker synonym, so an augmented
# document always contains "zz" and an original never does.
MARKERS = {w: [f"zz{w}"] for w in ("good", "great", "fine", "bad", "awful", "poor")}
SEEN = []  # (method, documents) seen by RecordingClassifier, across clones


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Records the documents it is fitted on and asked to predict."""

    def __init__(self, offset=0):
        self.offset = offset

    def fit(self, X, y):
        SEEN.append(("fit", list(X)))
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        SEEN.append(("predict", list(X)))
        return np.full(len(X), self.classes_[self.offset % len(self.classes_)])


def _corpus():
    positive = ["good movie", "great fun", "fine acting", "good and great"] * 3
    negative = ["bad movie", "awful fun", "poor acting", "bad and awful"] * 3
    return positive + negative, [1] * 12 + [0] * 12


def test_grid_search_never_augments_validation_folds():
    SEEN.clear()
    X, y = _corpus()
    pipeline = make_pipeline(
        ThesaurusAugmenter(thesaurus=MARKERS, random_state=0), RecordingClassifier()
    )
    search = GridSearchCV(
        pipeline,
        {"thesaurusaugmenter__p": [0.2, 0.8], "recordingclassifier__offset": [0, 1]},
        cv=KFold(3, shuffle=True, random_state=0),
    )
    search.fit(X, y)
    fits = [docs for method, docs in SEEN if method == "fit"]
    predictions = [docs for method, docs in SEEN if method == "predict"]
    assert len(fits) == 4 * 3 + 1  # 4 candidates x 3 folds, then the refit
    assert len(predictions) == 4 * 3
    # Training folds are augmented: every training document has a marker.
    assert all("zz" in doc for docs in fits for doc in docs)
    # Validation folds are the original documents, untouched.
    for docs in predictions:
        assert len(docs) == 8
        assert all("zz" not in doc and doc in X for doc in docs)
    # So is the data given to the fitted search.
    SEEN.clear()
    search.predict(X)
    assert SEEN == [("predict", X)]


def _real_classifier():
    from sklearn_charcnn.classifier import CharCNNClassifier

    if not hasattr(CharCNNClassifier, "fit"):
        pytest.skip("CharCNNClassifier is not written yet")
    return CharCNNClassifier


@pytest.mark.slow
def test_grid_search_with_the_char_cnn_pipeline_runs_on_original_validation_text():
    CharCNNClassifier = _real_classifier()
    from sklearn_charcnn.network import min_input_length
    from sklearn_charcnn.quantizer import CharQuantizer

    class RecordingQuantizer(CharQuantizer):
        def fit_transform(self, X, y=None):
            SEEN.append(("fit", list(X)))
            return CharQuantizer.transform(self.fit(X), X)

        def transform(self, X):
            SEEN.append(("predict", list(X)))
            return CharQuantizer.transform(self, X)

    SEEN.clear()
    X, y = _corpus()
    pipeline = make_pipeline(
        ThesaurusAugmenter(thesaurus=MARKERS, random_state=0),
        RecordingQuantizer(max_length=min_input_length()),
        CharCNNClassifier(
            n_filters=8,
            fc_width=16,
            max_epochs=1,
            batch_size=8,
            validation_fraction=0.0,
            early_stopping=False,
            device="cpu",
            random_state=0,
        ),
    )
    search = GridSearchCV(pipeline, {"thesaurusaugmenter__p": [0.5]}, cv=2)
    search.fit(X, y)
    fits = [docs for method, docs in SEEN if method == "fit"]
    predictions = [docs for method, docs in SEEN if method == "predict"]
    assert len(fits) == 2 + 1
    assert all("zz" in doc for docs in fits for doc in docs)
    assert predictions and all(
        "zz" not in doc and doc in X for docs in predictions for doc in docs
    )
    assert 0 <= search.best_score_ <= 1


# --- augment_dataset -------------------------------------------------------


def test_augment_dataset_appends_copies_after_the_originals():
    augmenter = ThesaurusAugmenter(thesaurus={"big": ["large", "huge"]}, random_state=0)
    X, y = augment_dataset(
        ["a big cat", "a dog"], np.array(["x", "y"]), n_copies=3, augmenter=augmenter
    )
    assert len(X) == 8
    assert X[:2] == ["a big cat", "a dog"]
    assert X[3::2] == ["a dog"] * 3  # nothing to replace
    assert all(doc in ("a large cat", "a huge cat") for doc in X[2::2])
    np.testing.assert_array_equal(y, ["x", "y"] * 4)


def test_augment_dataset_copies_are_fresh_draws_and_reproducible():
    augmenter = ThesaurusAugmenter(thesaurus={"aaa": ["x", "y", "z"]}, random_state=0)
    docs = ["aaa aaa aaa aaa aaa"] * 20
    X, _ = augment_dataset(docs, [0] * 20, n_copies=2, augmenter=augmenter)
    assert X[20:40] != X[40:60]  # the copies differ from each other
    X_again, _ = augment_dataset(docs, [0] * 20, n_copies=2, augmenter=augmenter)
    assert X_again == X
    assert augmenter.get_params() == clone(augmenter).get_params()
    assert not hasattr(augmenter, "thesaurus_")  # the given augmenter is not fitted


def test_augment_dataset_with_a_generator_draws_anew_per_call():
    rng = np.random.default_rng(0)
    augmenter = ThesaurusAugmenter(thesaurus={"aaa": ["x", "y", "z"]}, random_state=rng)
    docs = ["aaa aaa aaa aaa aaa"] * 20
    first, _ = augment_dataset(docs, [0] * 20, augmenter=augmenter)
    second, _ = augment_dataset(docs, [0] * 20, augmenter=augmenter)
    assert first[:20] == second[:20] == docs
    assert first[20:] != second[20:]


def test_augment_dataset_without_originals():
    augmenter = ThesaurusAugmenter(thesaurus={"big": ["large"]}, random_state=0)
    X, y = augment_dataset(
        ["big"], [1], n_copies=2, augmenter=augmenter, include_original=False
    )
    assert X == ["large", "large"]
    np.testing.assert_array_equal(y, [1, 1])


def test_augment_dataset_checks_its_arguments():
    augmenter = ThesaurusAugmenter(thesaurus={})
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        augment_dataset(["a", "b"], [1], augmenter=augmenter)
    with pytest.raises(InvalidParameterError, match="'n_copies' parameter"):
        augment_dataset(["a"], [1], n_copies=-1, augmenter=augmenter)
    with pytest.raises(InvalidParameterError, match="'n_copies' parameter"):
        augment_dataset(["a"], [1], n_copies=1.5, augmenter=augmenter)
    with pytest.raises(InvalidParameterError, match="'augmenter' parameter"):
        augment_dataset(["a"], [1], augmenter="wordnet")
    with pytest.raises(ValueError, match="leaves no rows"):
        augment_dataset(
            ["a"], [1], n_copies=0, augmenter=augmenter, include_original=False
        )


def test_augment_dataset_is_the_samplers_fit_resample():
    params = {"thesaurus": {"aaa": ["x", "y", "z"]}, "random_state": 5}
    docs, y = ["aaa aaa aaa", "aaa b", "c"], np.array([0, 1, 2])
    X, y_out = augment_dataset(
        docs, y, n_copies=2, augmenter=ThesaurusAugmenter(**params)
    )
    X_res, y_res = ThesaurusSampler(n_copies=2, **params).fit_resample(docs, y)
    assert X == X_res
    np.testing.assert_array_equal(X.origin, [0, 1, 2] * 3)
    np.testing.assert_array_equal(X.copy_index, [0] * 3 + [1] * 3 + [2] * 3)
    np.testing.assert_array_equal(y_out, y_res)


# --- with WordNet ----------------------------------------------------------


@pytest.mark.wordnet
def test_wordnet_augmenter_replaces_with_ranked_wordnet_synonyms():
    # "happy" -> felicitous, glad, well-chosen (see test_thesaurus.py)
    augmenter = ThesaurusAugmenter(q=1e-9, random_state=0)
    assert augmenter.fit_transform(["I am happy.", "HAPPY!"]) == [
        "I am felicitous.",
        "FELICITOUS!",
    ]
    assert augmenter.thesaurus_ is WORDNET


@pytest.mark.wordnet
def test_wordnet_augmenter_pickles_without_wordnet_data():
    augmenter = ThesaurusAugmenter(random_state=0).fit(["happy"])
    data = pickle.dumps(augmenter)
    assert len(data) < 20_000 and b"nltk" not in data
    restored = pickle.loads(data)
    docs = ["The quick brown fox jumps over the lazy dog."]
    assert restored.fit_transform(docs) == augmenter.fit_transform(docs)


# --- combining marks belong to their word ---------------------------------


def test_combining_marks_are_part_of_words_nfc_and_nfd_alike():
    import unicodedata

    thesaurus = {"cafe": ["bistro"], "cole": ["school"], "good": ["zzmarker"]}
    params = {"thesaurus": thesaurus, "min_word_length": 1, "stop_words": None}
    for form in ("NFC", "NFD"):
        docs = [unicodedata.normalize(form, d) for d in ("café good", "école good")]
        out = augment(docs, **params)
        # Only "good" is a word: "café" and "école" pass through in either
        # form, and the NFD accent stays where it was.
        assert out == [d.replace("good", "zzmarker") for d in docs], form
    # Without the mark, "cafe" is an ASCII word and is replaced.
    assert augment(["cafe"], **params) == ["bistro"]


def test_a_mark_after_a_joined_word_keeps_the_whole_word():
    # "x-ray" + U+0301: the hyphenated word is glued to the mark; the word
    # before the hyphen is not, exactly as for the NFC "x-ráy".
    thesaurus = {"ray": ["beam"], "x-ray": ["radiograph"], "xylo": ["x"]}
    out = augment(
        ["xylo-ray\u0301", "xylo-r\u00e1y"], thesaurus=thesaurus, min_word_length=1
    )
    assert out == ["x-ray\u0301", "x-r\u00e1y"]


# --- n_copies: augmented copies as extra rows ------------------------------

MARKER = {"good": ["zzmarker"]}


def test_n_copies_returns_originals_then_each_copy_with_their_origins():
    docs = ["a good day", "nothing here", "good good"]
    augmenter = ThesaurusAugmenter(thesaurus=MARKER, n_copies=2, random_state=0)
    rows = augmenter.fit_transform(docs)
    assert isinstance(rows, AugmentedDocuments)
    assert rows[:3] == docs
    for copy in (rows[3:6], rows[6:9]):  # every copy replaces a "good"
        assert copy[:2] == ["a zzmarker day", "nothing here"]
        assert copy[2] in ("zzmarker good", "good zzmarker", "zzmarker zzmarker")
    assert rows.origin.tolist() == [0, 1, 2, 0, 1, 2, 0, 1, 2]
    assert rows.copy_index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert rows.per_epoch is False
    # transform never augments, whatever n_copies is.
    assert augmenter.transform(docs) == docs


def test_n_copies_zero_returns_the_originals_unchanged():
    docs = ["a good day", "good"]
    rows = ThesaurusAugmenter(thesaurus=MARKER, n_copies=0).fit_transform(docs)
    assert rows == docs
    assert rows.origin.tolist() == [0, 1] and rows.copy_index.tolist() == [0, 0]


def test_per_epoch_is_carried_with_the_rows():
    for per_epoch in (False, True):
        augmenter = ThesaurusAugmenter(
            thesaurus=MARKER, n_copies=1, per_epoch=per_epoch
        )
        assert augmenter.fit_transform(["good"]).per_epoch is per_epoch


def test_copies_are_distinct_draws_reproducible_with_random_state():
    thesaurus = {"aaa": ["x", "y", "z"], "bbb": ["u", "v", "w"]}
    docs = ["aaa bbb aaa bbb aaa"] * 30
    first = augment(docs, thesaurus=thesaurus, n_copies=2, random_state=7)
    again = augment(docs, thesaurus=thesaurus, n_copies=2, random_state=7)
    other = augment(docs, thesaurus=thesaurus, n_copies=2, random_state=8)
    assert first == again
    assert first.origin.tolist() == again.origin.tolist()
    assert first[30:60] != first[60:90]  # copy 1 and copy 2 differ
    assert first[30:] != other[30:]
    # Copy 1 is the draw that n_copies=None gives with the same seed.
    assert first[30:60] == augment(docs, thesaurus=thesaurus, random_state=7)


@pytest.mark.parametrize("estimator", [ThesaurusAugmenter, ThesaurusSampler])
@pytest.mark.parametrize("value", [-1, 1.5, "2"])
def test_bad_n_copies_is_rejected_naming_the_parameter(estimator, value):
    message = f"The 'n_copies' parameter of {estimator.__name__} must be an int"
    with pytest.raises(InvalidParameterError, match=message):
        estimator(thesaurus=MARKER, n_copies=value).fit(["good"])


def test_transformer_and_sampler_each_offer_one_door():
    # imbalanced-learn's Pipeline refuses a step with transform and
    # fit_resample, and prefers fit_transform when both exist.
    assert not hasattr(ThesaurusAugmenter(), "fit_resample")
    sampler = ThesaurusSampler()
    assert not hasattr(sampler, "transform") and not hasattr(sampler, "fit_transform")
    tags = sampler.__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array


# --- fit_resample ------------------------------------------------------------


def test_fit_resample_repeats_y_by_origin():
    pd = pytest.importorskip("pandas")
    docs = ["a good day", "bad day", "good"]
    y = pd.Series(["pos", "neg", "pos"], index=[10, 20, 30])
    sampler = ThesaurusSampler(thesaurus=MARKER, n_copies=2, random_state=0)
    X_res, y_res = sampler.fit_resample(pd.Series(docs, index=[10, 20, 30]), y)
    assert X_res[:3] == docs and len(X_res) == 9
    assert isinstance(y_res, np.ndarray)
    assert y_res.tolist() == ["pos", "neg", "pos"] * 3
    assert all(
        ("zzmarker" in doc) == (label == "pos")
        for doc, label in zip(X_res[3:], y_res[3:], strict=True)
    )


def test_fit_resample_without_n_copies_replaces_each_document_once():
    X_res, y_res = ThesaurusSampler(thesaurus=MARKER, random_state=0).fit_resample(
        ["good", "bad"], [1, 0]
    )
    assert X_res == ["zzmarker", "bad"] and not isinstance(X_res, AugmentedDocuments)
    assert y_res.tolist() == [1, 0]


def test_fit_resample_checks_y():
    sampler = ThesaurusSampler(thesaurus=MARKER, n_copies=1)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sampler.fit_resample(["good", "bad"], [1])
    with pytest.raises(ValueError, match="requires y"):
        sampler.fit_resample(["good"], None)


# --- rows added inside a plain scikit-learn Pipeline ----------------------


class OriginReadingClassifier(ClassifierMixin, BaseEstimator):
    """Fits on the rows' origins the way CharCNNClassifier does: y[origin]."""

    def fit(self, X, y):
        origin, copy_index, per_epoch = row_origins(X)
        SEEN.append(("fit", (len(X), origin.tolist(), copy_index.tolist(), per_epoch)))
        self.classes_ = np.unique(np.asarray(y)[origin])
        return self

    def predict(self, X):
        SEEN.append(("predict", (len(X), row_origins(X))))
        return np.full(len(X), self.classes_[0])


def test_plain_pipeline_passes_the_rows_origins_through_the_quantizer():
    from sklearn_charcnn.quantizer import CharQuantizer

    SEEN.clear()
    pipeline = make_pipeline(
        ThesaurusAugmenter(
            thesaurus=MARKER, n_copies=2, per_epoch=True, random_state=0
        ),
        CharQuantizer(max_length=16),
        OriginReadingClassifier(),
    )
    pipeline.fit(["good", "bad", "fine"], [1, 0, 1])
    pipeline.predict(["good", "bad"])
    assert SEEN == [
        ("fit", (9, [0, 1, 2] * 3, [0] * 3 + [1] * 3 + [2] * 3, True)),
        ("predict", (2, None)),  # predictions get the original rows alone
    ]


# --- ThesaurusSampler in imbalanced-learn's Pipeline, cross-validated ------

RECORDS = []  # (method, documents) seen by RecordingTfidf, across clones


class RecordingTfidf(TfidfVectorizer):
    """A TfidfVectorizer that records the documents it is given."""

    def fit_transform(self, raw_documents, y=None):
        RECORDS.append(("fit", list(raw_documents)))
        return super().fit_transform(raw_documents, y)

    def transform(self, raw_documents):
        RECORDS.append(("transform", list(raw_documents)))
        return super().transform(raw_documents)


def _labelled_corpus():
    # Unique documents; only positive ones hold "good", so only they change.
    docs = [f"good movie number{i}" for i in range(12)]
    docs += [f"dull movie number{i}" for i in range(12, 24)]
    return docs, np.array([1] * 12 + [0] * 12)


def _original(doc):
    return doc.replace("zzmarker", "good")


def _imblearn_model(n_copies):
    imblearn_pipeline = pytest.importorskip("imblearn.pipeline")
    return imblearn_pipeline.make_pipeline(
        ThesaurusSampler(thesaurus=MARKER, n_copies=n_copies, random_state=0),
        RecordingTfidf(),
        LogisticRegression(),
    )


def test_cross_validate_keeps_copies_of_validation_documents_out_of_training():
    docs, y = _labelled_corpus()
    model = _imblearn_model(n_copies=2)
    RECORDS.clear()
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    result = cross_validate(model, docs, y, cv=cv, return_indices=True)
    folds = result["indices"]
    fits = [d for method, d in RECORDS if method == "fit"]
    transforms = [d for method, d in RECORDS if method == "transform"]
    assert len(fits) == len(transforms) == 4
    for train, test, fitted, scored in zip(
        folds["train"], folds["test"], fits, transforms, strict=True
    ):
        train_docs = {docs[i] for i in train}
        # Training: the fold's documents and two augmented copies of each...
        assert len(fitted) == 3 * len(train)
        assert sum("zzmarker" in d for d in fitted) == 2 * sum(y[train] == 1)
        # ...all made from training documents: no validation document leaks.
        assert {_original(d) for d in fitted} == train_docs
        # Scoring sees the validation documents as they are, never augmented.
        assert scored == [docs[i] for i in test]
    assert np.all(result["test_score"] >= 0)


def test_grid_search_over_n_copies_scores_and_predicts_on_original_text():
    docs, y = _labelled_corpus()
    search = GridSearchCV(
        _imblearn_model(n_copies=0),
        {"thesaurussampler__n_copies": [0, 1, 2]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    )
    RECORDS.clear()
    search.fit(docs, y)
    fits = [d for method, d in RECORDS if method == "fit"]
    transforms = [d for method, d in RECORDS if method == "transform"]
    # 3 candidates x 3 folds of 16 training documents, then the refit on 24.
    sizes = sorted(len(d) for d in fits[:-1])
    assert sizes == [16] * 3 + [32] * 3 + [48] * 3
    assert len(fits[-1]) == 24 * (search.best_params_["thesaurussampler__n_copies"] + 1)
    assert len(transforms) == 9
    assert all(d in docs for scored in transforms for d in scored)
    RECORDS.clear()
    search.predict(docs[:5])
    search.score(docs, y)
    assert RECORDS == [("transform", docs[:5]), ("transform", docs)]


# --- set_output ------------------------------------------------------------


def test_set_output_pandas_works_through_the_augmenter():
    pd = pytest.importorskip("pandas")
    from sklearn_charcnn.quantizer import CharQuantizer

    X = pd.Series(["a good day", "bad"], index=[10, 20], name="review")
    pipeline = make_pipeline(
        ThesaurusAugmenter(thesaurus=MARKER, random_state=0),
        CharQuantizer(max_length=16),
    ).set_output(transform="pandas")
    codes = pipeline.fit_transform(X)
    assert isinstance(codes, pd.DataFrame)
    assert codes.index.tolist() == [10, 20] and codes.shape == (2, 16)
    original = pipeline.transform(X)  # not augmented: "a good day" differs
    assert original.index.tolist() == [10, 20]
    assert (original.loc[10] != codes.loc[10]).any()
    assert (original.loc[20] == codes.loc[20]).all()
    augmenter = pipeline[0]
    text = augmenter.fit_transform(X)
    assert list(text.columns) == ["text"] and text.index.tolist() == [10, 20]
    assert text["text"].tolist() == ["a zzmarker day", "bad"]
    assert augmenter.transform(X)["text"].tolist() == ["a good day", "bad"]
    assert augmenter.get_feature_names_out().tolist() == ["text"]
    assert augmenter.get_feature_names_out(["review"]).tolist() == ["review"]
    assert pipeline.get_feature_names_out()[0] == "char_0"


def test_added_rows_keep_their_row_information_instead_of_a_dataframe():
    pytest.importorskip("pandas")
    augmenter = ThesaurusAugmenter(thesaurus=MARKER, random_state=0).set_output(
        transform="pandas"
    )
    augmenter.set_params(n_copies=1)  # e.g. by a grid search, after set_output
    rows = augmenter.fit_transform(["good", "bad"])
    assert isinstance(rows, AugmentedDocuments) and rows.origin.tolist() == [0, 1, 0, 1]
    assert not hasattr(augmenter, "get_feature_names_out")
    with pytest.raises(ValueError, match="set_output` is not available"):
        make_pipeline(ThesaurusAugmenter(n_copies=1)).set_output(transform="pandas")


def test_ascii_and_unicode_documents_split_into_the_same_words():
    from sklearn_charcnn.augmenter import _split_words

    # An ASCII document takes a faster pattern; a non-ASCII character far
    # from any word must not change where the words are.
    doc = "Don't stop -- the x-ray's 42 snake_case words, (ok)?"
    assert _split_words(doc + " \u00e9")[:-1] == _split_words(doc)[:-1]
    assert _split_words(doc)[1::2] == ["Don't", "stop", "the", "x-ray's", "words", "ok"]


# --- ThesaurusSampler follows the estimator contract ----------------------


@pytest.mark.parametrize(
    "check",
    [
        check_estimator_cloneable,
        check_estimator_repr,
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
        check_do_not_raise_errors_in_init_or_set_params,
        check_mixin_order,
    ],
)
def test_sampler_passes_the_data_free_sklearn_checks(check):
    check("ThesaurusSampler", ThesaurusSampler(thesaurus=MARKER))


def test_sampler_refit_and_pickle_give_the_same_rows():
    sampler = ThesaurusSampler(
        thesaurus={"aaa": ["x", "y"]}, n_copies=2, random_state=0
    )
    docs, y = ["aaa aaa aaa"] * 5, [0] * 5
    first = sampler.fit_resample(docs, y)
    restored = pickle.loads(pickle.dumps(sampler))
    for X_res, y_res in (sampler.fit_resample(docs, y), restored.fit_resample(docs, y)):
        assert X_res == first[0] and y_res.tolist() == first[1].tolist()
    with pytest.raises(NotFittedError):
        ThesaurusSampler(thesaurus=MARKER).synonyms("good")
