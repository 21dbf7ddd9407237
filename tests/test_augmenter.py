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
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.augmenter import ThesaurusAugmenter, augment_dataset
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
    with pytest.raises(ValueError, match="n_copies must be >= 1"):
        augment_dataset(["a"], [1], n_copies=-1, augmenter=augmenter)
    with pytest.raises(TypeError, match="n_copies must be an int"):
        augment_dataset(["a"], [1], n_copies=1.5, augmenter=augmenter)
    with pytest.raises(TypeError, match="augmenter must be a ThesaurusAugmenter"):
        augment_dataset(["a"], [1], augmenter="wordnet")


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
