"""A fitted CharCNNClassifier travels, and a failed fit leaves nothing behind."""

import io
import pickle

import numpy as np
import pytest
import torch
from _classifier_data import LENGTH, make_codes, tiny
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, Checkpoint

from sklearn_charcnn import CharCNNClassifier, CharQuantizer


class RaiseAt(Callback):
    """Raise ``error`` when epoch ``epoch`` (counted from 0) begins."""

    def __init__(self, epoch, error):
        self.epoch = epoch
        self.error = error

    def on_epoch_begin(self, net, **kwargs):
        # skorch has already opened the epoch's row in the history.
        if len(net.history) == self.epoch + 1:
            raise self.error


# ------------------------------------------------------------------ pickles


class _StrayTensorPickler(pickle.Pickler):
    """A pickler that notes every tensor or storage it is asked to pickle.

    skorch pickles the module, optimizer and criterion itself, into bytes
    that it maps onto the right device when loading; the outer pickler
    never sees those. Any tensor it does see travels unmapped.
    """

    def __init__(self, file):
        super().__init__(file)
        self.stray = []

    def reducer_override(self, obj):
        if isinstance(obj, (torch.Tensor, torch.UntypedStorage, torch.TypedStorage)):
            self.stray.append(type(obj).__name__)
        return NotImplemented


def _stray_tensors(obj):
    pickler = _StrayTensorPickler(io.BytesIO())
    pickler.dump(obj)
    return pickler.stray


def _parameter_bytes(clf):
    module = clf.net_.module_
    tensors = list(module.parameters()) + list(module.buffers())
    return sum(t.numel() * t.element_size() for t in tensors)


def test_a_fitted_pipeline_pickles_no_tensor_outside_the_net_state():
    docs = ["good film, a joy", "bad film, a bore"] * 20
    model = make_pipeline(CharQuantizer(max_length=LENGTH), tiny())
    model.fit(docs, [1, 0] * 20)
    assert _stray_tensors(model) == []


def test_pickle_size_is_close_to_the_parameter_bytes():
    X, y = make_codes()
    clf = tiny(n_filters=64, fc_width=64).fit(X, y)
    size = len(pickle.dumps(clf))
    assert size <= 1.3 * _parameter_bytes(clf) + 16_000


def test_module_is_pickled_once():
    X, y = make_codes()
    clf = pickle.loads(pickle.dumps(tiny().fit(X, y)))
    assert not isinstance(clf.net_.module, torch.nn.Module)


def test_a_pickle_tagged_cuda_loads_on_a_cpu_machine(monkeypatch):
    # Simulate a model saved on a GPU: every storage in the pickle is tagged
    # "cuda:0". skorch maps its own state onto the CPU when CUDA is missing;
    # any other tensor would fail with "Attempting to deserialize object on a
    # CUDA device".
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    X, y = make_codes()
    clf = tiny().fit(X, y)
    expected = clf.predict_proba(X)
    clf.net_.device = "cuda"
    clf.device_ = "cuda"
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
        blob = pickle.dumps(clf)
    with pytest.warns(Warning, match="CUDA"):
        loaded = pickle.loads(blob)
    assert loaded.device_ == "cpu"
    np.testing.assert_allclose(loaded.predict_proba(X), expected, atol=1e-6)


# -------------------------------------------------------------- failed fits


def test_a_failed_first_fit_leaves_an_unfitted_estimator():
    X, y = make_codes()
    clf = tiny(callbacks=[RaiseAt(1, RuntimeError("disk full"))])
    with pytest.raises(RuntimeError, match="disk full"):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)
    assert [name for name in vars(clf) if name.endswith("_")] == []


def test_a_failed_refit_keeps_the_previous_fit():
    X, y = make_codes()
    clf = tiny().fit(X, y)
    before = clf.predict_proba(X)
    history = clf.history_
    clf.set_params(callbacks=[RaiseAt(1, RuntimeError("disk full"))])
    with pytest.raises(RuntimeError, match="disk full"):
        clf.fit(X, np.where(y == 1, "b", "a"))
    assert clf.classes_.tolist() == [0, 1]
    assert clf.history_ is history
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_ctrl_c_after_an_epoch_keeps_a_usable_model_and_warns():
    X, y = make_codes()
    clf = tiny(max_epochs=5, callbacks=[RaiseAt(2, KeyboardInterrupt())])
    with pytest.warns(UserWarning, match="interrupted after 2 of 5 epochs"):
        clf.fit(X, y)
    assert len(clf.history_) == 2
    assert clf.net_.module_.norms is None  # folded, as after a full fit
    assert clf.predict_proba(X).shape == (40, 2)


def test_ctrl_c_in_the_first_epoch_propagates_and_fits_nothing():
    X, y = make_codes()
    clf = tiny(callbacks=[RaiseAt(0, KeyboardInterrupt())])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


# -------------------------------------------------------------- checkpoints


def test_each_fit_checkpoints_into_its_own_folder(tmp_path):
    X, y = make_codes()
    clf = tiny(callbacks=[Checkpoint(dirname=str(tmp_path), monitor=None)])
    first = clf.fit(X, y).checkpoint_dirs_
    second = clf.fit(X, y).checkpoint_dirs_
    assert len(first) == len(second) == 1 and first != second
    for folder in first + second:
        assert (tmp_path / folder).joinpath("params.pt").is_file()


def test_from_checkpoint_predicts_like_the_fitted_estimator(tmp_path):
    X, y = make_codes()
    clf = tiny(
        early_stopping=False,
        callbacks=[Checkpoint(dirname=str(tmp_path), monitor=None)],
    ).fit(X, y)
    restored = CharCNNClassifier.from_checkpoint(clf.checkpoint_dirs_[0], device="cpu")
    np.testing.assert_allclose(
        restored.predict_proba(X), clf.predict_proba(X), atol=1e-5
    )
    assert restored.classes_.tolist() == [0, 1]
    assert len(restored.history_) == 2


def test_skorch_load_params_folds_a_training_checkpoint(tmp_path):
    X, y = make_codes()
    clf = tiny(
        early_stopping=False,
        callbacks=[Checkpoint(dirname=str(tmp_path), monitor=None)],
    ).fit(X, y)
    expected = clf.predict_proba(X)
    folder = tmp_path / clf.checkpoint_dirs_[0]
    clf.net_.load_params(f_params=str(folder / "params.pt"))
    np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-5)


def test_from_checkpoint_names_a_folder_that_is_not_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a checkpoint folder"):
        CharCNNClassifier.from_checkpoint(tmp_path)
