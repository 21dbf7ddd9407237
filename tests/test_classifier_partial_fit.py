"""CharCNNClassifier.partial_fit: training on chunks, one pass each."""

import copy
import doctest
import pickle
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from _classifier_data import LENGTH, tiny
from sklearn.pipeline import make_pipeline
from skorch.callbacks import EpochTimer

from sklearn_charcnn import CharQuantizer
from sklearn_charcnn._incremental import WarmupConstant
from sklearn_charcnn.export import skops_trusted_types

# A step large enough for the tiny network to learn the task in two chunks.
STREAM = {"batch_size": 16, "lr": 1e-2}


def chunk(seed, n_rows=128):
    """Class 0 writes codes 1-10, class 1 codes 11-20; a fresh draw per seed."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_rows)
    X = (rng.integers(1, 11, size=(n_rows, LENGTH)) + 10 * y[:, None]).astype(np.uint8)
    return X, y


def stream(**params):
    return tiny(**{**STREAM, **params})


def weights(classifier):
    state = classifier.net_.module_.state_dict()
    return np.concatenate([value.numpy().ravel() for value in state.values()])


@pytest.fixture(scope="module")
def first_chunk_stream():
    """A stream after its first chunk; tests copy it before training on."""
    return stream().partial_fit(*chunk(1), classes=[0, 1])


# ---------------------------------------------------------------- learning


def test_two_chunks_learn_the_task():
    X_test, y_test = chunk(3, n_rows=256)
    clf = stream().partial_fit(*chunk(1, n_rows=256), classes=[0, 1])
    clf.partial_fit(*chunk(2, n_rows=256))
    assert clf.score(X_test, y_test) >= 0.9  # chance is 0.5
    assert len(clf.history_) == 2  # one row per call
    assert clf.classes_.tolist() == [0, 1]


def test_the_same_random_state_gives_the_same_stream():
    first = stream().partial_fit(*chunk(1), classes=[0, 1]).partial_fit(*chunk(2))
    second = stream().partial_fit(*chunk(1), classes=[0, 1]).partial_fit(*chunk(2))
    np.testing.assert_array_equal(weights(first), weights(second))
    other = stream(random_state=1).partial_fit(*chunk(1), classes=[0, 1])
    assert not np.array_equal(weights(first), weights(other.partial_fit(*chunk(2))))


def test_a_chunk_with_one_class_is_accepted():
    X, y = chunk(1)
    clf = stream().partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    assert clf.classes_.tolist() == [0, 1]
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_string_labels_are_kept():
    X, y = chunk(1)
    labels = np.array(["neg", "pos"])[y]
    clf = stream().partial_fit(X, labels, classes=["pos", "neg"])
    assert clf.classes_.tolist() == ["neg", "pos"]
    assert set(clf.predict(X).tolist()) <= {"neg", "pos"}


def test_a_memmapped_chunk_trains(tmp_path):
    X, y = chunk(1)
    np.save(tmp_path / "codes.npy", X)
    codes = np.load(tmp_path / "codes.npy", mmap_mode="r")
    clf = stream().partial_fit(codes[:64], y[:64], classes=[0, 1])
    clf.partial_fit(codes[64:], y[64:])
    assert len(clf.history_) == 2


# ---------------------------------------------------- schedule, batch norm


def test_schedule_warms_up_linearly_then_stays_constant():
    parameter = torch.nn.Parameter(torch.zeros(1))
    net = types.SimpleNamespace(lr=0.1, optimizer_=torch.optim.SGD([parameter]))
    callback = WarmupConstant(warmup_steps=4).callback(max_epochs=1, steps_per_epoch=1)
    seen = []
    for _ in range(6):
        callback.on_batch_begin(net, training=True)
        seen.append(net.optimizer_.param_groups[0]["lr"])
    np.testing.assert_allclose(seen, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1])
    callback.on_batch_begin(net, training=False)  # validation batches: no step
    assert callback.steps == 6


def test_warm_up_spans_the_batches_of_the_first_call(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream)
    schedule = dict(clf.net_.callbacks_)["lr_scheduler"]
    assert schedule.warmup_steps == schedule.steps == 128 // 16
    clf.set_params(lr=1e-3).partial_fit(*chunk(2))  # lr may change between calls
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(1e-3)
    assert schedule.steps == 2 * 128 // 16


def test_predict_between_chunks_uses_the_running_statistics(first_chunk_stream):
    clf = first_chunk_stream
    assert clf.net_.module_.norms is not None  # kept for the next chunk
    X, _ = chunk(4)
    folded = copy.deepcopy(clf.net_.module_).eval().fold_batch_norm()
    with torch.no_grad():
        expected = torch.softmax(folded(torch.as_tensor(X)), dim=1).numpy()
    np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-5)


def test_predicting_between_chunks_changes_nothing():
    quiet = stream().partial_fit(*chunk(1), classes=[0, 1])
    asked = stream().partial_fit(*chunk(1), classes=[0, 1])
    asked.predict(chunk(4)[0])
    asked.predict_proba(chunk(5)[0])
    quiet.partial_fit(*chunk(2))
    asked.partial_fit(*chunk(2))
    np.testing.assert_array_equal(weights(quiet), weights(asked))


# ------------------------------------------------------------------ pickles


def test_a_pickle_between_chunks_continues_as_if_never_saved(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        loaded.predict_proba(chunk(4)[0]), clf.predict_proba(chunk(4)[0])
    )
    clf.partial_fit(*chunk(2))
    loaded.partial_fit(*chunk(2))
    np.testing.assert_array_equal(weights(loaded), weights(clf))
    assert len(loaded.history_) == 2


def test_skops_between_chunks_continues_as_if_never_saved(first_chunk_stream, tmp_path):
    sio = pytest.importorskip("skops.io")
    clf = copy.deepcopy(first_chunk_stream)
    path = tmp_path / "stream.skops"
    sio.dump(clf, path)
    assert set(sio.get_untrusted_types(file=path)) <= set(skops_trusted_types())
    loaded = sio.load(path, trusted=skops_trusted_types())
    clf.partial_fit(*chunk(2))
    loaded.partial_fit(*chunk(2))
    np.testing.assert_array_equal(weights(loaded), weights(clf))


# ------------------------------------------------------------------- errors


def test_the_first_call_needs_classes():
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        stream().partial_fit(*chunk(1))


def test_fewer_than_two_classes_are_refused():
    X, y = chunk(1)
    with pytest.raises(ValueError, match="at least 2 classes"):
        stream().partial_fit(X, np.zeros_like(y), classes=[0])


def test_a_new_label_in_a_later_chunk_is_refused(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream)
    X, y = chunk(2)
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes_"):
        clf.partial_fit(X, np.where(y == 1, 2, y))
    with pytest.raises(ValueError, match="is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y, classes=[1, 0])  # the same classes, in any order


def test_a_chunk_of_another_width_is_refused(first_chunk_stream):
    X, y = chunk(2)
    with pytest.raises(ValueError, match=f"X has 100 features, but .* {LENGTH}"):
        copy.deepcopy(first_chunk_stream).partial_fit(X[:, :100], y)


def test_text_and_floats_are_refused(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream)
    X, y = chunk(2)
    with pytest.raises(ValueError, match="not raw text"):
        clf.partial_fit(["good film"] * len(y), y)
    with pytest.raises(ValueError, match="dtype float64. Floats are not accepted"):
        clf.partial_fit(X.astype(np.float64), y)
    wide = X.astype(np.int64)
    wide[0, 0] = 300  # beyond the 256 codes the uint8 stream was built for
    with pytest.raises(ValueError, match="character code 300"):
        clf.partial_fit(wide, y)


def test_a_refused_chunk_leaves_the_stream_as_it_was(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream)
    before = weights(clf), len(clf.history_), dict(clf._incremental)
    X, y = chunk(2)
    with pytest.raises(ValueError):
        clf.partial_fit(X, np.where(y == 1, 2, y))
    assert np.array_equal(weights(clf), before[0])
    assert (len(clf.history_), clf._incremental) == before[1:]


def test_a_refused_first_call_leaves_an_unfitted_classifier():
    clf = stream()
    with pytest.raises(ValueError):
        clf.partial_fit(chunk(1)[0].astype(np.float32), chunk(1)[1], classes=[0, 1])
    assert [name for name in vars(clf) if name.endswith("_")] == []


def test_balanced_class_weight_is_refused_and_a_dict_accepted():
    X, y = chunk(1)
    with pytest.raises(ValueError, match="compute_class_weight"):
        stream(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"names \['7'\]"):
        stream(class_weight={7: 2.0}).partial_fit(X, y, classes=[0, 1])
    stream(class_weight={1: 2.0}).partial_fit(X, y, classes=[0, 1])


def test_parameters_that_built_the_network_may_not_change(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream).set_params(n_filters=16)
    with pytest.raises(ValueError, match=r"Parameters \['n_filters'\] changed"):
        clf.partial_fit(*chunk(2))


# --------------------------------------------------- fit and partial_fit


def test_partial_fit_refuses_warm_start_and_callbacks():
    with pytest.raises(ValueError, match="warm_start=True continues training in fit"):
        stream(warm_start=True).partial_fit(*chunk(1), classes=[0, 1])
    with pytest.raises(ValueError, match="without extra callbacks"):
        stream(callbacks=[EpochTimer()]).partial_fit(*chunk(1), classes=[0, 1])


def test_partial_fit_continues_the_network_of_fit():
    clf = stream(max_epochs=1, validation_fraction=0).fit(*chunk(1))
    fitted = {k: v.clone() for k, v in clf.net_.module_.state_dict().items()}
    clf.partial_fit(*chunk(2))  # the classes of fit; no batch norm to add
    assert clf.net_.module_.norms is None
    state = clf.net_.module_.state_dict()
    assert state.keys() == fitted.keys()
    assert any(not torch.equal(state[k], fitted[k]) for k in fitted)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(chunk(3)[0], np.full(len(chunk(3)[0]), 7))
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(chunk(3)[0][:, :-1], chunk(3)[1])


def test_fit_with_warm_start_refuses_a_stream(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream).set_params(warm_start=True)
    with pytest.raises(ValueError, match="was trained by partial_fit"):
        clf.fit(*chunk(2))


def test_fit_without_warm_start_ends_the_stream(first_chunk_stream):
    clf = copy.deepcopy(first_chunk_stream).set_params(max_epochs=1)
    clf.fit(*chunk(2))
    assert clf.net_.module_.norms is None  # folded, as after any fit
    assert "_incremental" not in clf.__dict__


# --------------------------------------------------------- other targets


def test_a_multilabel_stream():
    X, y = chunk(1)
    Y = np.column_stack([y, 1 - y, X[:, 0] % 2])
    clf = stream().partial_fit(X, Y, classes=3)
    clf.partial_fit(X, Y, classes=range(3))
    assert clf.predict(X).shape == (len(X), 3)
    assert clf.thresholds_.tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="started with a multi-label indicator Y"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"needs classes=3 \(or range\(3\)\)"):
        stream().partial_fit(X, Y, classes=2)


def test_a_pipeline_with_a_quantizer_fitted_once():
    docs = ["good film, a joy", "bad film, a bore", "great plot", "awful plot"] * 8
    labels = ["pos", "neg", "pos", "neg"] * 8
    quantizer = CharQuantizer(max_length=LENGTH).fit([])  # learns nothing from data
    model = make_pipeline(quantizer, stream())
    for start in (0, 16):
        part = slice(start, start + 16)
        model[-1].partial_fit(
            model[:-1].transform(docs[part]), labels[part], classes=["neg", "pos"]
        )
    assert set(model.predict(docs).tolist()) <= {"neg", "pos"}
    assert len(model[-1].history_) == 2


# ------------------------------------------------------------ user guide


def test_the_out_of_core_user_guide_page_runs(monkeypatch):
    page = Path(__file__).resolve().parents[1] / "docs/user_guide/out_of_core.rst"
    monkeypatch.chdir(page.parents[2])  # its projection reads benchmarks/results
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0
    assert result.failed == 0, "see the doctest report above"
