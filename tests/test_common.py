"""The scikit-learn estimator contract, checked on every public estimator.

``parametrize_with_checks`` skips almost everything for estimators whose tags
say "raw text, no 2-D arrays", so the text estimators get the contract checked
here with text input: the data-free checks of scikit-learn itself, then
clone, parameter round trips, validation at fit time, NotFittedError, pickling,
``fit`` returning ``self`` and refitting giving the same result. The
classifier, which takes code matrices, additionally runs the full
``parametrize_with_checks`` suite in ``test_classifier.py``.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_mixin_order,
    check_no_attributes_set_in_init,
    check_set_params,
)

from sklearn_charcnn import CharCNNClassifier, CharQuantizer, ThesaurusAugmenter

DOCS = [
    "The quick brown fox jumps.",
    "A happy dog runs fast!",
    "Stocks fell sharply today",
    "Markets rose; investors cheered",
    "Goal! The team won the cup",
    "New phone chips are faster",
] * 6
LABELS = np.array(["a", "a", "b", "b", "c", "c"] * 6)
THESAURUS = {"quick": ["fast", "speedy"], "happy": ["glad"], "fell": ["dropped"]}

# Tiny settings per estimator, as imbalanced-learn's INIT_PARAMS.
INIT_PARAMS = {
    CharQuantizer: {"max_length": 16},
    ThesaurusAugmenter: {"thesaurus": THESAURUS, "random_state": 0},
    CharCNNClassifier: {
        "n_filters": 4,
        "fc_width": 8,
        "max_epochs": 2,
        "batch_size": 16,
        "random_state": 0,
        "device": "cpu",
    },
}
# A parameter value each estimator must reject at fit time, not at construction.
BAD_PARAMS = {
    CharQuantizer: {"max_length": 0},
    ThesaurusAugmenter: {"p": 1.5},
    CharCNNClassifier: {"max_epochs": -1},
}
ESTIMATORS = list(INIT_PARAMS)


def make(cls, **extra):
    return cls(**{**INIT_PARAMS[cls], **extra})


def training_data(cls):
    """Return ``(X, y)`` in the form the estimator takes."""
    if cls is CharCNNClassifier:
        # 123 characters is the shortest input the six convolutions accept.
        return CharQuantizer(max_length=128).fit_transform(DOCS), LABELS
    return DOCS, LABELS


def output(estimator, X):
    if is_classifier(estimator):
        return estimator.predict_proba(X)
    return estimator.transform(X)


def ids(cls):
    return cls.__name__


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
@pytest.mark.parametrize(
    "check",
    [
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_estimator_cloneable,
        check_estimator_repr,
        check_mixin_order,
        check_do_not_raise_errors_in_init_or_set_params,
    ],
    ids=lambda check: check.__name__,
)
def test_sklearn_data_free_checks(cls, check):
    check(cls.__name__, make(cls))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_init_stores_parameters_untouched(cls):
    estimator = make(cls)
    for name, value in INIT_PARAMS[cls].items():
        assert getattr(estimator, name) is value


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_bad_parameter_is_rejected_at_fit_not_init(cls):
    estimator = make(cls, **BAD_PARAMS[cls])  # must not raise
    X, y = training_data(cls)
    (name,) = BAD_PARAMS[cls]
    with pytest.raises(ValueError, match=name):
        estimator.fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_fit_returns_self_and_clone_forgets_the_fit(cls):
    estimator = make(cls)
    X, y = training_data(cls)
    assert estimator.fit(X, y) is estimator
    fresh = clone(estimator)
    assert fresh.get_params().keys() == estimator.get_params().keys()
    with pytest.raises(NotFittedError):
        output(fresh, X)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_refit_gives_identical_output(cls):
    X, y = training_data(cls)
    estimator = make(cls)
    first = output(estimator.fit(X, y), X)
    second = output(estimator.fit(X, y), X)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_pickle_round_trip_gives_identical_output(cls):
    X, y = training_data(cls)
    estimator = make(cls).fit(X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(output(restored, X), output(estimator, X))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=ids)
def test_set_params_then_fit_uses_new_value(cls):
    X, y = training_data(cls)
    (name,) = BAD_PARAMS[cls]
    estimator = make(cls).set_params(**BAD_PARAMS[cls])
    assert getattr(estimator, name) == BAD_PARAMS[cls][name]
    with pytest.raises(ValueError):
        estimator.fit(X, y)
