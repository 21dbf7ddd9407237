"""Tests of sklearn_charcnn.thesaurus: WordNet loading and synonym ranking.

The expected WordNet 3.0 rankings were written by reading the synsets by
hand (``wordnet.synsets(word)`` and each synset's ``lemmas()``), e.g. for
"car": car.n.01 [car, auto, automobile, machine, motorcar], car.n.02 [car,
railcar, railway_car, railroad_car], car.n.03 [car, gondola], car.n.04 [car,
elevator_car], cable_car.n.01 [cable_car, car].
"""

import os
import pickle
import subprocess
import sys

import pytest

from sklearn_charcnn.thesaurus import (
    WORDNET,
    MappingThesaurus,
    WordNetNotFoundError,
    WordNetThesaurus,
    as_thesaurus,
    load_wordnet,
    rank_synonyms,
    wordnet_synonyms,
)

# --- hermetic -------------------------------------------------------------


def test_mapping_thesaurus_looks_words_up_without_regard_to_case():
    thesaurus = MappingThesaurus({"Big": ["large", "big", "huge_one"], "BIG": ["vast"]})
    assert thesaurus.get("big") == thesaurus.get("BiG") == ("large", "huge one", "vast")
    assert thesaurus["BIG"] == ("large", "huge one", "vast")
    assert "Big" in thesaurus and "cat" not in thesaurus and 3 not in thesaurus
    assert thesaurus.get("cat") == () and thesaurus.get("cat", None) is None
    with pytest.raises(KeyError):
        thesaurus["cat"]


def test_mapping_thesaurus_is_a_mapping_of_cleaned_entries():
    thesaurus = MappingThesaurus({"quick": ["fast"], "same": ["Same", "same"]})
    # "same" keeps no synonym once the word itself is dropped: no entry.
    assert thesaurus == {"quick": ("fast",)}
    assert list(thesaurus) == ["quick"] and len(thesaurus) == 1
    assert pickle.loads(pickle.dumps(thesaurus)) == thesaurus


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"quick": "fast"}, "entry for 'quick' must be a list of str"),
        ({"quick": ["fast", 1]}, "entry for 'quick' must be a list of str"),
        ({1: ["one"]}, "keys must be words"),
    ],
)
def test_mapping_thesaurus_rejects_bad_entries(mapping, message):
    with pytest.raises(TypeError, match=message):
        MappingThesaurus(mapping)


def test_as_thesaurus_wraps_mappings_and_keeps_thesaurus_objects():
    mapping_thesaurus = MappingThesaurus({"quick": ["fast"]})
    assert as_thesaurus(mapping_thesaurus) is mapping_thesaurus
    assert as_thesaurus(WORDNET) is WORDNET
    wrapped = as_thesaurus({"Quick": ["fast"]})
    assert isinstance(wrapped, MappingThesaurus) and wrapped.get("QUICK") == ("fast",)
    with pytest.raises(ValueError, match="Unknown thesaurus 'roget'"):
        as_thesaurus("roget")
    with pytest.raises(TypeError, match="got list"):
        as_thesaurus(["quick"])


def test_rank_synonyms_drops_the_word_and_duplicates_keeping_order():
    ranked = rank_synonyms("car", ["car", "auto", "Car", "automobile", "auto"])
    assert ranked == ("auto", "automobile")


def test_rank_synonyms_writes_multi_word_lemmas_with_spaces():
    assert rank_synonyms("movie", ["moving_picture", "motion_picture"]) == (
        "moving picture",
        "motion picture",
    )


def test_rank_synonyms_compares_without_case_and_keeps_first_spelling():
    assert rank_synonyms("Dog", ["dog", "Canis_familiaris", "canis familiaris"]) == (
        "Canis familiaris",
    )


def test_rank_synonyms_of_a_multi_word_expression_drops_itself():
    assert rank_synonyms("moving picture", ["moving_picture", "movie"]) == ("movie",)


def test_wordnet_not_found_error_is_a_lookup_error():
    assert issubclass(WordNetNotFoundError, LookupError)


def test_missing_wordnet_gives_one_error_with_install_hint(tmp_path):
    # A fresh interpreter whose nltk looks only in an empty folder.
    code = (
        "import nltk\n"
        f"nltk.data.path[:] = [{str(tmp_path)!r}]\n"
        "from sklearn_charcnn.thesaurus import load_wordnet\n"
        "load_wordnet()\n"
    )
    env = dict(os.environ, NLTK_DATA=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("sklearn_charcnn.thesaurus.WordNetNotFoundError:")
    assert "python -m nltk.downloader wordnet" in last_line
    assert "NLTK_DATA" in last_line and "corpora/wordnet" in last_line
    assert str(tmp_path) in last_line  # says where it looked
    # One error, not a chain of nltk tracebacks.
    assert result.stderr.count("Traceback") == 1


def test_wordnet_thesaurus_pickles_without_data():
    restored = pickle.loads(pickle.dumps(WORDNET))
    assert isinstance(restored, WordNetThesaurus)
    assert restored == WORDNET
    assert len(pickle.dumps(WORDNET)) < 200
    assert repr(WORDNET) == "WordNetThesaurus()"


# --- with WordNet 3.0 -----------------------------------------------------


@pytest.mark.wordnet
def test_wordnet_is_version_3_0_and_loaded_once():
    wordnet = load_wordnet()
    assert wordnet.get_version() == "3.0"
    assert load_wordnet() is wordnet


@pytest.mark.wordnet
@pytest.mark.parametrize(
    "word, expected",
    [
        # happy.a.01 [happy]; felicitous.s.01 [felicitous, happy];
        # glad.s.01 [glad, happy]; happy.s.03 [happy, well-chosen]
        ("happy", ("felicitous", "glad", "well-chosen")),
        # car.n.01-04, cable_car.n.01 (see the module docstring)
        (
            "car",
            (
                "auto",
                "automobile",
                "machine",
                "motorcar",
                "railcar",
                "railway car",
                "railroad car",
                "gondola",
                "elevator car",
                "cable car",
            ),
        ),
        # movie.n.01 is its only synset
        (
            "movie",
            (
                "film",
                "picture",
                "moving picture",
                "moving-picture show",
                "motion picture",
                "motion-picture show",
                "picture show",
                "pic",
                "flick",
            ),
        ),
        # awful.s.02 [awful, dire, direful, dread, dreaded, dreadful, fearful,
        # fearsome, frightening, horrendous, horrific, terrible];
        # atrocious.s.02 [atrocious, abominable, awful, dreadful, painful,
        # terrible, unspeakable]; severe.s.01 [severe, terrible, wicked];
        # frightful.s.02 [frightful, terrible, awful, tremendous]
        (
            "terrible",
            (
                "awful",
                "dire",
                "direful",
                "dread",
                "dreaded",
                "dreadful",
                "fearful",
                "fearsome",
                "frightening",
                "horrendous",
                "horrific",
                "atrocious",
                "abominable",
                "painful",
                "unspeakable",
                "severe",
                "wicked",
                "frightful",
                "tremendous",
            ),
        ),
    ],
)
def test_wordnet_ranking_follows_sense_order(word, expected):
    assert wordnet_synonyms(word) == expected


@pytest.mark.wordnet
def test_inflected_forms_get_no_base_form_synonyms():
    # synsets("was") holds be.v.01 ... via morphy, but "was" is no lemma there.
    assert wordnet_synonyms("was") == ()
    assert wordnet_synonyms("movies") == ()
    assert wordnet_synonyms("qwertyuiop") == ()


@pytest.mark.wordnet
def test_lower_case_word_gets_no_proper_noun_senses():
    # brown.n.01 [brown, brownness]; brown.n.02 [Brown, Robert_Brown];
    # brown.n.03 [Brown, John_Brown]; brown_university.n.01 [Brown_University,
    # Brown]; brown.v.01 [brown]; embrown.v.02 [embrown, brown];
    # brown.s.01 [brown, brownish, chocolate-brown, dark-brown];
    # brown.s.02 [brown, browned]
    assert wordnet_synonyms("brown") == (
        "brownness",
        "embrown",
        "brownish",
        "chocolate-brown",
        "dark-brown",
        "browned",
    )
    assert wordnet_synonyms("Brown") == (
        "brownness",
        "Robert Brown",
        "John Brown",
        "Brown University",
        "embrown",
        "brownish",
        "chocolate-brown",
        "dark-brown",
        "browned",
    )
    assert wordnet_synonyms("BROWN") == wordnet_synonyms("Brown")


@pytest.mark.wordnet
def test_multi_word_expressions_are_looked_up_with_spaces_or_underscores():
    expected = ("movie", "film", "picture")
    assert wordnet_synonyms("moving picture")[:3] == expected
    assert wordnet_synonyms("moving_picture")[:3] == expected


@pytest.mark.wordnet
def test_wordnet_thesaurus_mapping_interface():
    assert WORDNET.get("happy") == ("felicitous", "glad", "well-chosen")
    assert WORDNET["happy"] == WORDNET.get("happy")
    assert WORDNET.get("qwertyuiop") == ()
    assert WORDNET.get("qwertyuiop", None) is None
    assert "happy" in WORDNET and "qwertyuiop" not in WORDNET
    with pytest.raises(KeyError):
        WORDNET["qwertyuiop"]


@pytest.mark.wordnet
def test_both_thesauri_answer_the_same_interface():
    # The augmenter calls thesaurus.get(word) on either; the result depends
    # on case for WordNet (proper-noun senses) and not for a mapping.
    mapping = MappingThesaurus({"happy": ["felicitous", "glad", "well-chosen"]})
    for thesaurus in (as_thesaurus("wordnet"), mapping):
        assert thesaurus.get("happy") == ("felicitous", "glad", "well-chosen")
        assert thesaurus.get("qwertyuiop") == ()
        assert thesaurus.get("qwertyuiop", None) is None
        assert "happy" in thesaurus
