import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from _classifier_data import LENGTH, TINY, make_codes, tiny
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from skorch.callbacks import Callback

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn._compat import InvalidParameterError

# --------------------------------------------------------------- labels


def test_string_labels_come_back_from_predict():
    X, y = make_codes(n_classes=3)
    labels = np.array(["sports", "world", "tech"])[y]
    clf = tiny().fit(X, labels)
    assert list(clf.classes_) == ["sports", "tech", "world"]
    assert set(clf.predict(X)) <= {"sports", "tech", "world"}


def test_non_contiguous_integer_labels():
    X, y = make_codes(n_classes=3)
    labels = np.array([3, 10, 42])[y]
    clf = tiny().fit(X, labels)
    assert clf.classes_.tolist() == [3, 10, 42]
    assert set(clf.predict(X).tolist()) <= {3, 10, 42}


def test_predict_proba_rows_sum_to_one_and_match_predict():
    X, y = make_codes(n_classes=4)
    clf = tiny().fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 4)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (clf.classes_[proba.argmax(axis=1)] == clf.predict(X)).all()
    assert 0.0 <= clf.score(X, y) <= 1.0


def test_learns_an_easy_problem():
    # Class 0 writes codes 1-10, class 1 codes 11-20: separable by the
    # characters alone. (A net this tiny needs a larger step than 1e-3.)
    rng = np.random.default_rng(0)
    y = np.arange(64) % 2
    X = (rng.integers(1, 11, size=(64, LENGTH)) + 10 * y[:, None]).astype(np.uint8)
    clf = tiny(max_epochs=20, validation_fraction=0, batch_size=16, lr=3e-3)
    clf.fit(X, y)
    assert clf.score(X, y) >= 0.95


# ------------------------------------------------------- fitted attributes


def test_fitted_attributes_and_history():
    X, y = make_codes()
    clf = tiny().fit(X, y)
    assert clf.n_features_in_ == LENGTH
    assert clf.n_codes_ == 256  # uint8 input: the whole dtype range
    assert clf.device_ == "cpu"
    assert clf.history_ is clf.net_.history
    assert len(clf.history_) == 2
    for key in ("train_loss", "train_acc", "valid_loss", "valid_acc", "dur"):
        assert len(clf.history_[:, key]) == 2


def test_n_codes_for_wide_integer_input_is_max_plus_one():
    X, y = make_codes()
    X = X.astype(np.int64)
    X[0, -1] = 299
    clf = tiny().fit(X, y)
    assert clf.n_codes_ == 300
    with pytest.raises(ValueError, match=r"code 300.*codes 0 to 299"):
        clf.predict(np.full((1, LENGTH), 300))


def test_explicit_n_codes_is_used_and_checked():
    X, y = make_codes()
    assert tiny(n_codes=70).fit(X, y).net_.module_.convs[0].weight.shape[1] == 70
    with pytest.raises(ValueError, match="code 69, .*codes 0 to 59"):
        tiny(n_codes=60).fit(X, y)


def test_unseen_uint8_code_at_predict_is_fine():
    X, y = make_codes()
    clf = tiny().fit(X, y)
    X_new = X[:2].copy()
    X_new[:, 5] = 200  # never seen in training: still a valid uint8 code
    assert clf.predict(X_new).shape == (2,)


def test_validation_fraction_zero_trains_on_everything():
    X, y = make_codes()
    clf = tiny(validation_fraction=0).fit(X, y)
    assert "valid_acc" not in clf.history_[-1]
    assert clf.net_.train_split is None


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y = make_codes(n_samples=60)
    clf = tiny(max_epochs=30, early_stopping=1, lr=1e-9).fit(X, y)
    # lr=1e-9 cannot improve valid_acc: stop after 1 + patience epochs.
    assert len(clf.history_) == 2


class TrainedParameters(Callback):
    """Count the tensors the optimizer trains, when training begins."""

    def on_train_begin(self, net, **kwargs):
        self.count = sum(len(g["params"]) for g in net.optimizer_.param_groups)


def trained_parameters(clf):
    return dict(clf.net_.callbacks_)["TrainedParameters"].count


def test_paper_recipe_is_section_2_3():
    X, y = make_codes(n_samples=40)
    clf = tiny(recipe="paper", max_epochs=4, n_filters=64).fit(X, y)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.SGD)
    assert optimizer.defaults["momentum"] == 0.9
    assert clf.net_.batch_size == 128
    # 0.01 for epochs 1-3, halved for epoch 4.
    lrs = [row["event_lr"] for row in clf.history_]
    assert lrs == pytest.approx([0.01, 0.01, 0.01, 0.005])
    assert not any(cb == "early_stopping" for cb, _ in clf.net_.callbacks_)


def test_paper_init_std_depends_on_size():
    X, y = make_codes(n_samples=20)
    clf = tiny(recipe="paper", n_filters=64, max_epochs=1, lr=1e-12).fit(X, y)
    # Barely trained: the Gaussian init N(0, 0.05) of the small size shows.
    std = clf.net_.module_.convs[1].weight.std().item()
    assert abs(std - 0.05) < 0.003


def test_default_recipe_uses_adamw_and_label_smoothing():
    X, y = make_codes()
    clf = tiny().fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.AdamW)
    assert clf.net_.criterion_.label_smoothing == 0.1
    assert tiny(label_smoothing=0.0).fit(X, y).net_.criterion_.label_smoothing == 0.0
    assert tiny(recipe="paper").fit(X, y).net_.criterion_.label_smoothing == 0.0


def test_default_recipe_trains_with_batch_norm_and_folds_it_away():
    X, y = make_codes()
    clf = tiny(callbacks=[TrainedParameters()]).fit(X, y)
    module = clf.net_.module_
    # The normalisations were trained (the optimizer held their parameters)
    # and are gone from the fitted network, which is the paper's.
    assert trained_parameters(clf) == len(list(module.parameters())) + 2 * 6
    assert module.norms is None
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in module.modules())
    # Predictions come from the folded network.
    with torch.no_grad():
        logits = module.eval()(torch.as_tensor(X))
    np.testing.assert_array_equal(
        clf.predict(X), clf.classes_[logits.argmax(1).numpy()]
    )


@pytest.mark.parametrize(
    "params, trained_norms",
    [
        ({"recipe": "paper"}, False),
        ({"recipe": "paper", "batch_norm": True}, True),
        ({"batch_norm": False}, False),
    ],
)
def test_batch_norm_follows_the_recipe_unless_set(params, trained_norms):
    X, y = make_codes(n_samples=20)
    clf = tiny(max_epochs=1, callbacks=[TrainedParameters()], **params).fit(X, y)
    n_module = len(list(clf.net_.module_.parameters()))
    assert trained_parameters(clf) == n_module + (12 if trained_norms else 0)


def test_extra_callbacks_run_and_are_not_mutated():
    class CountEpochs(Callback):
        def __init__(self):
            self.epochs = 0

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    counter = CountEpochs()
    X, y = make_codes()
    clf = tiny(callbacks=[("count", counter)]).fit(X, y)
    assert counter.epochs == 0  # the parameter stays untouched
    assert dict(clf.net_.callbacks_)["count"].epochs == 2


def test_verbose_prints_the_epoch_table(capsys):
    X, y = make_codes()
    tiny(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_acc" in out


def test_silent_by_default(capsys):
    X, y = make_codes()
    tiny().fit(X, y)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------- randomness


def test_same_seed_gives_identical_predictions():
    X, y = make_codes(n_classes=3)
    first = tiny(random_state=7).fit(X, y).predict_proba(X)
    second = tiny(random_state=7).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = tiny(random_state=8).fit(X, y).predict_proba(X)
    assert not np.array_equal(first, other)


def test_fit_leaves_global_random_state_alone():
    X, y = make_codes()
    torch_state = torch.random.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()
    threads = torch.get_num_threads()
    tiny(random_state=0).fit(X, y)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)
    assert torch.get_num_threads() == threads


# -------------------------------------------------------------- errors


def test_raw_text_points_to_the_quantizer():
    with pytest.raises(ValueError, match="not raw text.*CharQuantizer"):
        tiny().fit(["some text", "more text"], [0, 1])
    with pytest.raises(ValueError, match="not raw text"):
        tiny().fit(np.array(["ab", "cd"]), [0, 1])
    with pytest.raises(ValueError, match="not raw text"):
        tiny().fit(np.array([["ab", "cd"], ["ef", "gh"]], dtype=object), [0, 1])


def test_float_codes_are_rejected():
    X, y = make_codes()
    with pytest.raises(ValueError, match="integer character codes.*float64"):
        tiny().fit(X.astype(float), y)


def test_negative_codes_are_rejected():
    X, y = make_codes()
    X = X.astype(np.int16)
    X[3, 3] = -1
    with pytest.raises(ValueError, match="Negative values.*-1"):
        tiny().fit(X, y)


def test_one_dimensional_input():
    with pytest.raises(ValueError, match="Expected 2D array"):
        tiny().fit(np.zeros(LENGTH, dtype=np.uint8), [0])


def test_empty_input():
    with pytest.raises(ValueError, match="0 sample"):
        tiny().fit(np.zeros((0, LENGTH), dtype=np.uint8), [])


def test_column_count_mismatch_at_predict():
    X, y = make_codes()
    clf = tiny().fit(X, y)
    with pytest.raises(ValueError, match="X has 130 features.*expecting 128"):
        clf.predict(np.zeros((2, 130), dtype=np.uint8))


def test_short_documents_are_padded_with_code_zero():
    # The network needs 123 characters; shorter rows get code 0 (padding)
    # at the end, where CharQuantizer pads too.
    X, y = make_codes(length=100)
    clf = tiny().fit(X, y)
    padded = torch.as_tensor(np.pad(X, ((0, 0), (0, 23))))
    with torch.no_grad():
        logits = clf.net_.module_.eval()(padded)
    np.testing.assert_allclose(
        clf.predict_proba(X), torch.softmax(logits, 1).numpy(), atol=1e-6
    )


def test_one_class():
    X, _ = make_codes()
    with pytest.raises(ValueError, match="only one class: 'a'"):
        tiny().fit(X, ["a"] * len(X))


def test_nan_labels():
    X, y = make_codes()
    y = y.astype(float)
    y[4] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        tiny().fit(X, y)


def test_length_mismatch():
    X, y = make_codes()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        tiny().fit(X, y[:-1])


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        tiny().predict(np.zeros((1, LENGTH), dtype=np.uint8))


def test_bad_parameters():
    X, y = make_codes()
    with pytest.raises(InvalidParameterError, match="size"):
        tiny(size="medium").fit(X, y)
    with pytest.raises(InvalidParameterError, match="validation_fraction"):
        tiny(validation_fraction=1.0).fit(X, y)
    with pytest.raises(ValueError, match="not a torch device"):
        tiny(device="gpu0").fit(X, y)


def test_too_small_validation_split():
    X, y = make_codes(n_samples=8, n_classes=4)
    with pytest.raises(ValueError, match="validation_fraction=0.1 of 8 documents"):
        tiny().fit(X, y)


# --------------------------------------------------- scikit-learn integration

DOCS = [
    "the match ended in a draw",
    "stocks fell on wall street",
    "the team won the cup final",
    "shares rose after earnings",
] * 6
TOPICS = ["sport", "business", "sport", "business"] * 6


def test_pipeline_on_raw_text():
    model = make_pipeline(CharQuantizer(max_length=LENGTH), tiny())
    model.fit(DOCS, TOPICS)
    assert set(model.predict(["a goal in the final"])) <= {"sport", "business"}


def test_grid_search_in_parallel_with_nested_names():
    model = make_pipeline(CharQuantizer(max_length=LENGTH), tiny(max_epochs=1))
    search = GridSearchCV(
        model, {"charcnnclassifier__n_filters": [4, 8]}, cv=2, n_jobs=2
    )
    search.fit(DOCS, TOPICS)
    assert search.best_params_["charcnnclassifier__n_filters"] in (4, 8)
    assert search.best_estimator_[-1].net_.module_.convs[0].out_channels in (4, 8)


def test_clone_keeps_parameters_and_drops_the_fit():
    X, y = make_codes()
    clf = tiny(lr=0.002).fit(X, y)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "net_")


def test_cpu_pickle_round_trip():
    X, y = make_codes(n_classes=3)
    clf = tiny().fit(X, y)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.device_ == "cpu"
    assert loaded.history_[-1]["epoch"] == 2


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_fit_predict_and_unpickle_on_cpu(tmp_path):
    X, y = make_codes(n_classes=3)
    clf = tiny(device="auto").fit(X, y)
    assert clf.device_ == "cuda"
    assert next(clf.net_.module_.parameters()).is_cuda
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    # Unpickle in a process that sees no GPU, as on a CPU-only machine.
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(clf))
    np.save(tmp_path / "X.npy", X)
    script = (
        "import pickle, sys, warnings, numpy as np\n"
        "warnings.simplefilter('ignore')\n"
        f"clf = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        "print(clf.device_, clf.predict(X).shape[0])\n"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["cpu", str(len(X))]


# ------------------------------------------------------ sklearn's own checks

# What is truly inapplicable to a classifier of character codes. (The
# checks run with validation_fraction=0: their data sets of 10 to 30 rows
# are too small for a stratified validation split, which the classifier
# refuses with a clear error, tested above.)
_FLOAT_DATA = "the check's data are floats; character codes are integers"
EXPECTED_FAILED_CHECKS = {
    "check_estimators_dtypes": _FLOAT_DATA,
    "check_sample_weights_not_overwritten": _FLOAT_DATA,
    "check_sample_weight_equivalence_on_dense_data": _FLOAT_DATA,
    "check_class_weight_classifiers": _FLOAT_DATA,
    "check_classifiers_one_label_sample_weights": _FLOAT_DATA,
    "check_decision_proba_consistency": _FLOAT_DATA,
    "check_dtype_object": "the check's data are objects; codes are integers",
}


@parametrize_with_checks(
    [CharCNNClassifier(**TINY, validation_fraction=0, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# The same checks at the default validation_fraction=0.1. A stratified
# split needs at least 2 documents of every class, and one of each class on
# either side: the classifier refuses smaller data with a clear error.
_TOO_SMALL = (
    "the check fits on data too small for a stratified validation split, "
    "which the classifier refuses with a clear error (tested above)"
)
EXPECTED_FAILED_CHECKS_WITH_VALIDATION = {
    **EXPECTED_FAILED_CHECKS,
    # 10 to 20 documents of 2 to 4 classes: 1 or 2 validation documents.
    **dict.fromkeys(
        [
            "check_dict_unchanged",
            "check_dont_overwrite_parameters",
            "check_estimators_nan_inf",
            "check_f_contiguous_array_estimator",
            "check_fit2d_1feature",
            "check_fit2d_predict1d",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_n_features_in_after_fitting",
        ],
        _TOO_SMALL,
    ),
}


@parametrize_with_checks(
    [CharCNNClassifier(**TINY, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS_WITH_VALIDATION,
)
def test_sklearn_estimator_checks_with_validation_split(estimator, check):
    check(estimator)
