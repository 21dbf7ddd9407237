"""Data-parallel training of one classifier (sklearn_charcnn.distributed).

The multi-process tests share one launch of ``_data_parallel_run.py`` under
``torchrun``: two CPU processes in a gloo process group on 127.0.0.1, which
write what they computed into a folder the tests read. The references (one
batch normalisation over the whole batch, a fit in one process) are
computed here, in a process without a process group.
"""

import copy
import os
import pickle
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
from _classifier_data import easy_codes
from _data_parallel_run import (
    batch_norm_case,
    easy_classifier,
    held_out_codes,
    tag_codes,
)
from _torch_threads import one_torch_thread
from sklearn.metrics import f1_score
from torch.utils.data import DistributedSampler

from sklearn_charcnn._training import CharCNNNet, _BatchSampler
from sklearn_charcnn.distributed import CPUSyncBatchNorm, process_world

pytestmark = pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()),
    reason="this torch build has no gloo process groups",
)

SCRIPT = Path(__file__).with_name("_data_parallel_run.py")
WORLD_SIZE = 2


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Launch the two processes once; return their arrays and their folder."""
    out = tmp_path_factory.mktemp("data_parallel")
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        f"--nproc_per_node={WORLD_SIZE}",
        "--master_addr=127.0.0.1",
        f"--master_port={free_port()}",
        str(SCRIPT),
        str(out),
    ]
    # One torch thread per process, as torchrun sets by default: the two
    # processes share the machine's cores.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)
    # Every process exits with status 0, teardown included: torchrun (and
    # an elastic launcher, which would restart the job) reports any other.
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    ranks = [dict(np.load(out / f"rank{rank}.npz")) for rank in range(WORLD_SIZE)]
    return ranks, out


# ------------------------------------------------------------ in one process


def test_batch_sampler_deals_rows_like_distributed_sampler():
    # 5 rows, 2 processes: padded to 0 1 2 3 4 0, dealt 0 2 4 / 1 3 0.
    for rank, expected in enumerate([[0, 2, 4], [1, 3, 0]]):
        sampler = _BatchSampler(5, batch_size=2, rank=rank, world_size=2)
        batches = list(sampler)
        assert batches == [expected[:2], expected[2:]]
        assert len(sampler) == 2
        reference = DistributedSampler(
            range(5), num_replicas=2, rank=rank, shuffle=False
        )
        assert sum(batches, []) == list(reference)


def test_shuffled_shards_together_cover_the_epoch_once():
    rows = []
    for rank in range(3):
        sampler = _BatchSampler(
            10, 2, np.random.default_rng(7), rank=rank, world_size=3
        )
        rows.append(sum(list(sampler), []))
    assert [len(shard) for shard in rows] == [4, 4, 4]  # 10 rows padded to 12
    order = np.random.default_rng(7).permutation(10)
    # The k-th rows of the shards together are the order, position by position.
    assert np.column_stack(rows).ravel().tolist() == np.resize(order, 12).tolist()


def test_cpu_sync_batch_norm_without_a_process_group_is_batch_norm():
    x, grad, weight, bias = batch_norm_case()
    plain = torch.nn.BatchNorm1d(3)
    with torch.no_grad():
        plain.weight.copy_(weight)
        plain.bias.copy_(bias)
    synced = CPUSyncBatchNorm.convert_sync_batchnorm(copy.deepcopy(plain))
    assert type(synced) is CPUSyncBatchNorm
    torch.testing.assert_close(synced(x), plain(x))
    torch.testing.assert_close(synced.running_var, plain.running_var)
    assert process_world() is None


# ------------------------------------------------------------ two processes


def test_sync_batch_norm_uses_the_statistics_of_all_processes(run):
    ranks, _ = run
    x, grad, weight, bias = batch_norm_case()
    whole = torch.nn.BatchNorm1d(3)
    with torch.no_grad():
        whole.weight.copy_(weight)
        whole.bias.copy_(bias)
    x = x.clone().requires_grad_()
    output = whole(x)
    output.backward(grad)
    halves = np.array_split(np.arange(len(x)), WORLD_SIZE)
    for rank, rows in zip(ranks, halves, strict=True):
        np.testing.assert_allclose(rank["bn_output"], output[rows].detach(), atol=1e-5)
        np.testing.assert_allclose(rank["bn_grad_input"], x.grad[rows], atol=1e-5)
        np.testing.assert_allclose(rank["bn_grad_weight"], whole.weight.grad, atol=1e-5)
        np.testing.assert_allclose(rank["bn_grad_bias"], whole.bias.grad, atol=1e-5)
        np.testing.assert_allclose(
            rank["bn_running_mean"], whole.running_mean, rtol=1e-5
        )
        np.testing.assert_allclose(rank["bn_running_var"], whole.running_var, rtol=1e-5)


def test_two_process_fit_reaches_the_one_process_accuracy(run):
    ranks, _ = run
    X, y = easy_codes()
    X_test, y_test = held_out_codes()
    with one_torch_thread():  # as each of the two processes
        one_process = easy_classifier().fit(X, y).score(X_test, y_test)
    assert one_process >= 0.9  # the task is learnt in 10 epochs
    two_processes = np.mean(ranks[0]["proba"].argmax(axis=1) == y_test)
    assert two_processes >= one_process - 0.05


def test_every_process_holds_the_same_fitted_model(run):
    first, second = run[0]
    np.testing.assert_array_equal(first["weights"], second["weights"])
    np.testing.assert_array_equal(first["proba"], second["proba"])
    # The training loss is averaged over the processes' shards, the
    # validation accuracy computed on the same documents everywhere.
    np.testing.assert_array_equal(first["train_loss"], second["train_loss"])
    np.testing.assert_array_equal(first["valid_acc"], second["valid_acc"])
    # Without a seed, every process uses rank 0's draw.
    np.testing.assert_array_equal(first["unseeded_weights"], second["unseeded_weights"])


def test_same_random_state_and_world_size_give_the_same_model(run):
    for rank in run[0]:
        np.testing.assert_array_equal(rank["short_proba"], rank["short_proba_again"])


def test_pickled_model_predicts_like_a_single_process_one(run):
    ranks, out = run
    classifier = pickle.loads((out / "rank0.pkl").read_bytes())
    assert type(classifier.net_) is CharCNNNet
    assert classifier.net_.module_.norms is None  # batch norm folded at the end
    X_test, y_test = held_out_codes()
    np.testing.assert_allclose(
        classifier.predict_proba(X_test), ranks[0]["proba"], atol=1e-6
    )
    # It trains on in this process, alone.
    with one_torch_thread():
        classifier.set_params(warm_start=True, max_epochs=1).fit(*easy_codes())
    assert classifier.score(X_test, y_test) >= 0.9


def test_multilabel_fit_is_the_same_in_every_process(run):
    first, second = run[0]
    _, Y = tag_codes()
    assert first["tags_predicted"].shape == Y.shape
    assert set(np.unique(first["tags_predicted"])) <= {0, 1}
    for key in (
        "weights",
        "proba",
        "predicted",
        "thresholds",
        "train_loss",
        "train_f1_micro",
        "valid_loss",
        "valid_f1_micro",
    ):
        np.testing.assert_array_equal(
            first[f"tags_{key}"], second[f"tags_{key}"], err_msg=key
        )
    # Tuned on the validation split, per label: not all left at 0.5.
    assert first["tags_thresholds"].shape == (Y.shape[1],)
    assert (first["tags_thresholds"] != 0.5).any()


def test_pickled_multilabel_model_predicts_like_a_single_process_one(run):
    ranks, out = run
    classifier = pickle.loads((out / "rank0-tags.pkl").read_bytes())
    assert type(classifier.net_) is CharCNNNet
    codes, Y = tag_codes()
    np.testing.assert_array_equal(classifier.thresholds_, ranks[0]["tags_thresholds"])
    np.testing.assert_allclose(
        classifier.predict_proba(codes), ranks[0]["tags_proba"], atol=1e-6
    )
    np.testing.assert_array_equal(classifier.predict(codes), ranks[0]["tags_predicted"])
    # It trains on in this process, alone, and tunes its thresholds again.
    with one_torch_thread():
        classifier.set_params(warm_start=True, max_epochs=1).fit(codes, Y)
    assert classifier.predict(codes).shape == Y.shape
    assert classifier.thresholds_.shape == (Y.shape[1],)


def test_training_micro_f1_pools_the_label_counts_of_all_shards(run):
    # Each process scores every other document; together, all of them.
    ranks, out = run
    classifier = pickle.loads((out / "rank0-tags.pkl").read_bytes())
    codes, Y = tag_codes()
    whole = f1_score(Y, classifier.decision_function(codes) > 0, average="micro")
    for rank in ranks:
        assert rank["tags_pooled_f1_micro"] == pytest.approx(whole)


def test_destroy_process_group_ends_the_gloo_threads_after_a_fit(run):
    # A group kept alive past destroy_process_group (e.g. by a default
    # argument of torch.distributed.nn.functional imported after the group
    # was made) leaves gloo threads running into interpreter shutdown,
    # where they abort the process.
    for rank in run[0]:
        if rank["gloo_threads_left"] < 0:
            pytest.skip("thread names are read from /proc (Linux)")
        assert rank["gloo_threads_left"] == 0


def test_processes_given_different_data_fail_together(run):
    _, out = run
    for rank in range(WORLD_SIZE):
        message = (out / f"rank{rank}.txt").read_text()
        assert "were given different training data or settings" in message
        assert f"(process {rank} of {WORLD_SIZE})" in message
