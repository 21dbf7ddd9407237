"""CharCNNClassifier.fit: weights, augmented rows, randomness, continued training."""

import threading

import numpy as np
import pytest
import sklearn
import torch
from _classifier_data import EASY, LENGTH, easy_codes, make_codes, tiny
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.class_weight import compute_sample_weight
from skorch.callbacks import Callback

from sklearn_charcnn import CharQuantizer
from sklearn_charcnn._augmented import AugmentedCodes, AugmentedDocuments
from sklearn_charcnn.classifier import has_native_bf16


def augmented(X, n_copies, per_epoch=False):
    """Originals, then ``n_copies`` copies where copy c has code 100 + c in column 0."""
    n = len(X)
    blocks = [X]
    for c in range(1, n_copies + 1):
        copy = X.copy()
        copy[:, 0] = 100 + c
        blocks.append(copy)
    docs = AugmentedDocuments(
        [""] * (n * (n_copies + 1)),
        origin=np.tile(np.arange(n), n_copies + 1),
        copy_index=np.repeat(np.arange(n_copies + 1), n),
        per_epoch=per_epoch,
    )
    return AugmentedCodes.wrap(np.concatenate(blocks), docs)


class RecordSplit(Callback):
    """Remember the rows skorch trains and validates on."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.train_rows = self.valid_rows = None

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self.train_rows = np.asarray(dataset_train.indices)
        self.valid_rows = (
            None if dataset_valid is None else np.asarray(dataset_valid.indices)
        )


class RecordBatches(Callback):
    """Remember, per epoch, the first code of every training row."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.epochs = []

    def on_epoch_begin(self, net, **kwargs):
        self.epochs.append([])

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        if training:
            self.epochs[-1].extend(batch[0]["codes"][:, 0].tolist())


# ------------------------------------------------------------------ weights


def test_unit_weights_give_exactly_the_unweighted_fit():
    X, y = make_codes()
    plain = tiny().fit(X, y).predict_proba(X)
    weighted = tiny().fit(X, y, sample_weight=np.ones(len(y))).predict_proba(X)
    np.testing.assert_array_equal(plain, weighted)


def test_balanced_class_weight_equals_its_sample_weights():
    X, y = make_codes(n_samples=48)
    y = np.where(np.arange(48) < 36, 0, 1)  # 36 against 12
    by_class = tiny(class_weight="balanced").fit(X, y).predict_proba(X)
    by_sample = (
        tiny().fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    ).predict_proba(X)
    np.testing.assert_array_equal(by_class, by_sample)


def test_weights_leaving_one_class_are_refused():
    X, y = make_codes()
    with pytest.raises(ValueError, match="only class 0 has one"):
        tiny(class_weight={0: 1.0, 1: 0.0}).fit(X, y)
    with pytest.raises(ValueError, match="only class 1 has one"):
        tiny().fit(X, y, sample_weight=(y == 1).astype(float))


def test_weights_scale_the_validation_loss_too():
    # With a vanishing step the network does not move, so doubling every
    # weight doubles the losses skorch records, validation included.
    X, y = make_codes(n_samples=60)
    params = {"max_epochs": 1, "lr": 1e-12}
    plain = tiny(**params).fit(X, y).history_[-1]
    double = tiny(**params).fit(X, y, sample_weight=np.full(60, 2.0)).history_[-1]
    assert double["valid_loss"] == pytest.approx(2 * plain["valid_loss"], rel=1e-4)
    assert double["train_loss"] == pytest.approx(2 * plain["train_loss"], rel=1e-3)


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (np.ones(39), "sample_weight.shape == \\(39,\\), expected \\(40,\\)"),
        (-np.ones(40), "Negative values in data passed to `sample_weight`"),
        (np.full(40, np.nan), "Input sample_weight contains NaN"),
        (np.zeros(40), "at least one non-zero"),
    ],
)
def test_bad_sample_weight_is_named(sample_weight, message):
    X, y = make_codes()
    with pytest.raises(ValueError, match=message):
        tiny().fit(X, y, sample_weight=sample_weight)


def test_class_weights_of_zero_everywhere_are_refused():
    X, y = make_codes()
    with pytest.raises(ValueError, match="sums to zero"):
        tiny(class_weight={0: 0.0, 1: 0.0}).fit(X, y)


def test_class_weight_naming_an_unknown_class():
    X, y = make_codes()
    with pytest.raises(ValueError, match="class_weight names \\['7'\\]"):
        tiny(class_weight={0: 1.0, 7: 2.0}).fit(X, y)


def test_sample_weight_is_routed_by_pipeline_and_grid_search():
    docs = ["good film, a joy", "bad film, a bore"] * 20
    labels = np.array([1, 0] * 20)
    weight = np.where(labels == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = make_pipeline(
            CharQuantizer(max_length=LENGTH),
            tiny()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True),
        )
        routed.fit(docs, labels, sample_weight=weight)
        codes = CharQuantizer(max_length=LENGTH).fit_transform(docs)
        direct = tiny().fit(codes, labels, sample_weight=weight)
        np.testing.assert_array_equal(
            routed.predict_proba(docs), direct.predict_proba(codes)
        )
        search = GridSearchCV(routed, {"charcnnclassifier__max_epochs": [1]}, cv=2).fit(
            docs, labels, sample_weight=weight
        )
        assert search.best_params_ == {"charcnnclassifier__max_epochs": 1}
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# ------------------------------------------------------------ augmented rows


def test_validation_keeps_copies_with_their_original_and_holds_originals_only():
    X, y = make_codes(n_samples=40)
    X_aug = augmented(X, n_copies=2)
    origin, copy_index = X_aug.origin, X_aug.copy_index
    clf = tiny(max_epochs=1, validation_fraction=0.25, callbacks=[RecordSplit()])
    clf.fit(X_aug, np.tile(y, 3))
    # Callbacks are copied at fit: read the one that ran, inside the net.
    ran = dict(clf.net_.callbacks_)["RecordSplit"]
    assert (copy_index[ran.valid_rows] == 0).all()
    assert len(ran.valid_rows) == 10  # a quarter of the 40 documents
    assert not set(origin[ran.valid_rows]) & set(origin[ran.train_rows])
    assert len(ran.train_rows) == 3 * 30  # the other documents, with both copies


def test_labels_per_original_document_are_expanded_by_origin():
    X, y = make_codes()
    X_aug = augmented(X, n_copies=1)
    per_document = tiny().fit(X_aug, y).predict_proba(X)
    per_row = tiny().fit(augmented(X, n_copies=1), np.tile(y, 2)).predict_proba(X)
    np.testing.assert_array_equal(per_document, per_row)


def test_labels_of_the_wrong_length_for_augmented_rows():
    X, y = make_codes()
    with pytest.raises(ValueError, match="y has 39 entries, but X holds 80 rows"):
        tiny().fit(augmented(X, n_copies=1), y[:39])


def test_per_epoch_trains_each_epoch_on_the_originals_and_one_copy():
    X, y = make_codes(n_samples=20)
    clf = tiny(max_epochs=4, validation_fraction=0, callbacks=[RecordBatches()])
    clf.fit(augmented(X, n_copies=2, per_epoch=True), y)
    epochs = dict(clf.net_.callbacks_)["RecordBatches"].epochs
    for epoch, first_codes in enumerate(epochs):
        copies = {code for code in first_codes if code >= 100}
        assert copies == {100 + epoch % 2 + 1}
        assert len(first_codes) == 2 * 20


def test_all_copies_train_every_epoch_by_default():
    X, y = make_codes(n_samples=20)
    clf = tiny(max_epochs=2, validation_fraction=0, callbacks=[RecordBatches()])
    clf.fit(augmented(X, n_copies=2), y)
    for first_codes in dict(clf.net_.callbacks_)["RecordBatches"].epochs:
        assert {code for code in first_codes if code >= 100} == {101, 102}
        assert len(first_codes) == 3 * 20


# --------------------------------------------------------------- randomness


def _rng_states():
    return torch.random.get_rng_state().clone(), np.random.get_state()[1].copy()


def test_fit_and_predict_leave_global_random_state_alone():
    X, y = make_codes()
    torch_before, numpy_before = _rng_states()
    clf = tiny().fit(X, y)
    clf.predict_proba(X)
    clf.predict(X)
    torch_after, numpy_after = _rng_states()
    assert torch.equal(torch_before, torch_after)
    np.testing.assert_array_equal(numpy_before, numpy_after)


def test_fits_in_concurrent_threads_match_sequential_fits():
    data = [make_codes(seed=seed) for seed in (0, 1)]
    sequential = [tiny(max_epochs=3).fit(X, y).predict_proba(X) for X, y in data]
    results = [None, None]

    def work(index):
        X, y = data[index]
        results[index] = tiny(max_epochs=3).fit(X, y).predict_proba(X)

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, expected in zip(results, sequential, strict=True):
        np.testing.assert_array_equal(got, expected)


# ------------------------------------------------------- continued training


def test_warm_start_continues_from_the_fitted_weights():
    X, y = easy_codes()
    clf = tiny(**EASY, max_epochs=20).fit(X, y)
    fitted = clf.predict_proba(X)
    assert np.abs(fitted - 0.5).max() > 0.2  # far from the untrained output
    # A vanishing step: continuing must start where the first fit ended.
    clf.set_params(warm_start=True, lr=1e-12, max_epochs=1)
    np.testing.assert_allclose(clf.fit(X, y).predict_proba(X), fitted, atol=1e-4)
    cold = tiny(**{**EASY, "lr": 1e-12}, max_epochs=1).fit(X, y).predict_proba(X)
    assert np.abs(cold - fitted).max() > 0.1


def test_warm_start_trains_further():
    X, y = easy_codes()
    clf = tiny(**EASY, max_epochs=1).fit(X, y)
    assert clf.score(X, y) < 0.75  # one epoch is not enough
    clf.set_params(warm_start=True, max_epochs=20).fit(X, y)
    assert clf.score(X, y) >= 0.9
    assert clf.net_.module_.norms is None


def test_warm_start_with_other_classes_is_refused():
    X, y = make_codes()
    clf = tiny().fit(X, y).set_params(warm_start=True)
    with pytest.raises(ValueError, match="needs the same classes"):
        clf.fit(X, y + 5)
    assert clf.classes_.tolist() == [0, 1]


# ---------------------------------------------------------------- precision


class RecordDtypes(Callback):
    """Record the dtype of a hidden convolution's output in every forward pass."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.seen = []
        net.module_.convs[1].register_forward_hook(
            lambda module, args, out: self.seen.append((module.training, out.dtype))
        )


@pytest.mark.parametrize(
    "precision, expected",
    [
        ("float32", torch.float32),
        ("bfloat16", torch.bfloat16),
        (
            "auto",
            torch.bfloat16 if has_native_bf16("cpu") else torch.float32,
        ),
    ],
)
def test_precision_sets_the_training_arithmetic(precision, expected):
    X, y = easy_codes()
    model = tiny(max_epochs=1, precision=precision, callbacks=[RecordDtypes()])
    model.fit(X, y)
    ran = dict(model.net_.callbacks_)["RecordDtypes"]  # the copy that ran
    training = {dtype for is_training, dtype in ran.seen if is_training}
    assert training == {expected}


@pytest.mark.parametrize("precision", ["auto", "float32"])
def test_cpu_predictions_are_float32_unless_bfloat16_is_asked_for(precision):
    X, y = easy_codes()
    model = tiny(max_epochs=1, precision=precision).fit(X, y)
    module = model.net_.module_
    with torch.no_grad():
        logits = module(torch.from_numpy(X.astype(np.uint8)))
    expected = torch.softmax(logits, 1).numpy()
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-6, atol=1e-7)

    model.set_params(precision="bfloat16")
    model.net_.precision = "bfloat16"
    proba = model.predict_proba(X)
    assert not np.allclose(proba, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(proba, expected, atol=0.05)


def test_precision_is_validated():
    X, y = easy_codes()
    with pytest.raises(ValueError, match="'precision' parameter"):
        tiny(precision="float16").fit(X, y)
