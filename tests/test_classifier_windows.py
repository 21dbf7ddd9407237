"""Documents longer than the network's input, read in windows."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn._windows import (
    Windows,
    document_lengths,
    pool,
    random_windows,
    window_starts,
)

FILLER = "the cat sat on a mat and looked at the dog while it rained".split()
WORDS = {0: "terrible awful horrible".split(), 1: "excellent superb wonderful".split()}


def late_signal_docs(n_samples, seed=0):
    """About 480 characters: 60 filler words, then 25 words of the label's.

    The label shows only after the first 300 characters, so a network that
    reads the first 128 cannot tell the classes apart.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_samples)
    docs = [
        " ".join(rng.choice(FILLER, 60)) + " " + " ".join(rng.choice(WORDS[v], 25))
        for v in y
    ]
    return docs, y


def net(**params):
    return CharCNNClassifier(
        **{
            "n_filters": 32,
            "fc_width": 32,
            "batch_size": 8,
            "max_epochs": 8,
            "early_stopping": False,
            "lr": 2e-3,
            "device": "cpu",
            "random_state": 0,
            **params,
        }
    )


def test_window_starts_cover_every_character_once_or_more():
    lengths = torch.tensor([0, 3, 10, 11, 4])
    owner, start = window_starts(lengths, length=4, stride=4)
    assert owner.tolist() == [0, 1, 2, 2, 2, 3, 3, 3, 4]
    # The last window of a row ends at the row's last character.
    assert start.tolist() == [0, 0, 0, 4, 6, 0, 4, 7, 0]
    owner, start = window_starts(torch.tensor([10]), length=4, stride=2)
    assert start.tolist() == [0, 2, 4, 6]


def test_document_lengths_end_at_the_last_code():
    codes = torch.tensor([[1, 0, 2, 0, 0], [0, 0, 0, 0, 0], [3, 3, 3, 3, 3]])
    assert document_lengths(codes).tolist() == [3, 0, 5]


def test_pooling_rules():
    logits = torch.tensor([[0.0, 2.0], [2.0, 0.0], [1.0, 3.0]])
    owner = torch.tensor([0, 0, 1])
    mean = pool(logits, owner, 2, Windows(4, 4, "mean"))
    assert torch.allclose(mean, torch.tensor([[1.0, 1.0], [1.0, 3.0]]))
    top = pool(logits, owner, 2, Windows(4, 4, "max"))
    assert torch.allclose(top, torch.tensor([[2.0, 2.0], [1.0, 3.0]]))
    proba = pool(logits, owner, 2, Windows(4, 4, "mean-proba")).softmax(1)
    expected = (logits[0].softmax(0) + logits[1].softmax(0)) / 2
    assert torch.allclose(proba[0], expected)
    assert torch.allclose(proba[1], logits[2].softmax(0))
    sigmoid = pool(logits, owner, 2, Windows(4, 4, "mean-proba", multilabel=True))
    expected = (torch.sigmoid(logits[0]) + torch.sigmoid(logits[1])) / 2
    assert torch.allclose(torch.sigmoid(sigmoid[0]), expected, atol=1e-6)


def test_random_windows_stay_inside_the_document():
    codes = torch.zeros(200, 30, dtype=torch.uint8)
    codes[:, :20] = torch.arange(1, 21, dtype=torch.uint8)
    codes[0, :] = 0
    codes[0, :3] = 7
    generator = torch.Generator().manual_seed(0)
    crops = random_windows(codes, 8, generator)
    assert crops.shape == (200, 8)
    assert crops[0].tolist() == [7, 7, 7, 0, 0, 0, 0, 0]
    firsts = crops[1:, 0]
    # Consecutive codes from one start; every start in 0..12 is drawn.
    assert (crops[1:] == firsts[:, None] + torch.arange(8)).all()
    assert set(firsts.tolist()) == set(range(1, 14))


def test_windows_read_what_truncation_never_reaches():
    docs, y = late_signal_docs(300)
    truncated = make_pipeline(CharQuantizer(max_length=128), net())
    windowed = make_pipeline(CharQuantizer(max_length=1024), net(window_length=128))
    truncated.fit(docs[:200], y[:200])
    windowed.fit(docs[:200], y[:200])
    assert np.mean(truncated.predict(docs[200:]) == y[200:]) < 0.7
    assert np.mean(windowed.predict(docs[200:]) == y[200:]) > 0.9
    # One output row per document, whatever its number of windows.
    assert windowed.predict_proba(docs[200:]).shape == (100, 2)
    assert windowed[-1].net_.module_.input_length == 128
    assert windowed[-1].n_features_in_ == 1024


def test_every_window_pooled_in_training_learns_too():
    docs, y = late_signal_docs(300, seed=1)
    model = make_pipeline(
        CharQuantizer(max_length=1024), net(window_length=128, window_training="all")
    )
    model.fit(docs[:200], y[:200])
    assert np.mean(model.predict(docs[200:]) == y[200:]) > 0.9


class _SeenRows(Callback):
    """Record the code rows of every training and validation batch."""

    def initialize(self):
        self.rows = {True: set(), False: set()}
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        codes = batch[0]["codes"]
        self.rows[training].update(bytes(row.numpy()) for row in codes)


def test_a_documents_windows_stay_on_its_side_of_the_split():
    docs, y = late_signal_docs(120, seed=2)
    codes = CharQuantizer(max_length=1024).fit_transform(docs)
    model = net(window_length=128, max_epochs=2, callbacks=[_SeenRows()])
    model.fit(codes, y)
    (seen,) = [cb for _, cb in model.net_.callbacks_ if isinstance(cb, _SeenRows)]
    # Batches carry whole rows (the windows are cut from them on the
    # device): no document is in both parts.
    assert len(seen.rows[False]) == 12
    assert len(seen.rows[True]) == 108
    assert not seen.rows[True] & seen.rows[False]


def test_windows_are_reproducible_and_leave_global_state_alone():
    docs, y = late_signal_docs(80, seed=3)
    codes = CharQuantizer(max_length=1024).fit_transform(docs)
    torch_state = torch.get_rng_state()
    first = net(window_length=128, max_epochs=2).fit(codes, y).predict_proba(codes)
    second = net(window_length=128, max_epochs=2).fit(codes, y).predict_proba(codes)
    assert np.array_equal(first, second)
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_pool_can_change_after_fit_and_short_documents_have_one_window():
    docs, y = late_signal_docs(80, seed=4)
    codes = CharQuantizer(max_length=1024).fit_transform(docs)
    model = net(window_length=128).fit(codes, y)
    short = CharQuantizer(max_length=1024).fit_transform(["a short review"] * 2)
    by_pool, short_by_pool = {}, {}
    for name in ("mean", "mean-proba", "max"):
        model.set_params(window_pool=name)
        by_pool[name] = model.predict_proba(codes)
        short_by_pool[name] = model.predict_proba(short)
    assert not np.allclose(by_pool["mean"], by_pool["max"], atol=1e-3)
    assert not np.allclose(by_pool["mean"], by_pool["mean-proba"], atol=1e-3)
    # One window: every pool is that window's output.
    assert np.allclose(short_by_pool["mean"], short_by_pool["max"], atol=1e-6)
    assert np.allclose(short_by_pool["mean"], short_by_pool["mean-proba"], atol=1e-6)


def test_windows_compose_with_multilabel_targets_and_pickles():
    docs, y = late_signal_docs(120, seed=5)
    Y = np.column_stack([y, 1 - y, np.arange(120) % 2])
    codes = CharQuantizer(max_length=1024).fit_transform(docs)
    model = net(window_length=128, max_epochs=2, threshold="validation").fit(codes, Y)
    assert model.predict(codes).shape == (120, 3)
    assert model.thresholds_.shape == (3,)
    restored = pickle.loads(pickle.dumps(model))
    assert np.array_equal(restored.predict_proba(codes), model.predict_proba(codes))
    assert restored.net_.windows == model.net_.windows


def test_window_parameters_are_validated():
    codes = CharQuantizer(max_length=256).fit_transform(["abc"] * 20)
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match="window_pool"):
        net(window_length=128, window_pool="median").fit(codes, y)
    with pytest.raises(ValueError, match="window_length"):
        net(window_length=0).fit(codes, y)


def test_a_windowed_pipeline_is_not_exported_as_one_window(tmp_path):
    from sklearn_charcnn.export import export_onnx

    docs, y = late_signal_docs(40, seed=6)
    model = make_pipeline(
        CharQuantizer(max_length=512), net(window_length=128, max_epochs=1)
    ).fit(docs, y)
    with pytest.raises(ValueError, match="windows"):
        export_onnx(model, tmp_path / "model.onnx")
