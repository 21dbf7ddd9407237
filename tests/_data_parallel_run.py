"""One process of the data-parallel tests, started by torchrun from test_distributed.py.

    python -m torch.distributed.run --nproc_per_node 2 --master_addr 127.0.0.1 \
        --master_port PORT tests/_data_parallel_run.py OUT

Each process joins a gloo process group, runs the cases below and writes
what the tests compare into ``OUT/rank{r}.npz`` (arrays),
``OUT/rank{r}.pkl`` (its fitted classifier), ``OUT/rank{r}-tags.pkl`` (its
fitted multi-label classifier) and ``OUT/rank{r}.txt`` (the error of a fit on
mismatched data).
"""

import pickle
import sys
from pathlib import Path

import numpy as np
from _classifier_data import EASY, LENGTH, easy_codes, tiny
from _tiny_tags import tiny_tags

# The easy task is learnt in 10 epochs at this step size (held-out accuracy 1.0).
EPOCHS = 10
LR = 1e-2


def held_out_codes():
    """Another draw of ``easy_codes``' task (class 0: codes 1-10, class 1: 11-20)."""
    rng = np.random.default_rng(1)
    y = np.arange(64) % 2
    X = (rng.integers(1, 11, size=(64, LENGTH)) + 10 * y[:, None]).astype(np.uint8)
    return X, y


def easy_classifier(world_size=1, **params):
    """The easy task's classifier; the global batch is 16 for every world size."""
    batch_size = EASY["batch_size"] // world_size
    settings = {**EASY, "batch_size": batch_size, "max_epochs": EPOCHS, "lr": LR}
    return tiny(**{**settings, **params})


def tag_codes(n=80):
    """The tiny tagged corpus as character codes and its 0/1 indicator matrix."""
    from sklearn_charcnn import CharQuantizer

    documents, Y, _ = tiny_tags(n)
    return CharQuantizer(max_length=LENGTH).fit_transform(documents), Y


def tags_classifier(world_size=1):
    """A multi-label classifier with per-label thresholds tuned on validation."""
    return easy_classifier(
        world_size,
        max_epochs=4,
        validation_fraction=0.25,
        threshold="validation",
    )


def batch_norm_case():
    """A batch of 8 rows of 3 channels x 5 positions, its upstream gradient, affine."""
    import torch

    generator = torch.Generator().manual_seed(0)
    x = 2.0 + 3.0 * torch.randn(8, 3, 5, generator=generator)
    grad = torch.randn(8, 3, 5, generator=generator)
    weight = torch.rand(3, generator=generator) + 0.5
    bias = torch.randn(3, generator=generator)
    return x, grad, weight, bias


def gloo_threads():
    """Count this process's gloo threads by name (Linux); -1 where unknown."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return -1
    count = 0
    for task in tasks.iterdir():
        try:
            name = (task / "comm").read_text()
        except OSError:  # a thread that ended meanwhile
            continue
        count += name.startswith(("pt_gloo", "gloo"))
    return count


def _weights(classifier):
    state = classifier.net_.module_.state_dict()
    return np.concatenate([value.numpy().ravel() for value in state.values()])


def multilabel_case(rank, world_size, out):
    """Fit the tagged corpus across the processes; return its ``tags_*`` arrays.

    The thresholds are tuned on the validation split; the fitted
    classifier is pickled to ``out / f"rank{rank}-tags.pkl"``.
    """
    from sklearn_charcnn.distributed import _pooled_f1_micro

    codes, Y = tag_codes()
    tags = tags_classifier(world_size).fit(codes, Y)
    results = {
        "tags_weights": _weights(tags),
        "tags_proba": tags.predict_proba(codes),
        "tags_predicted": tags.predict(codes),
        "tags_thresholds": tags.thresholds_,
    }
    for key in ("train_loss", "train_f1_micro", "valid_loss", "valid_f1_micro"):
        results[f"tags_{key}"] = np.array(tags.history_[:, key])
    # Training micro-F1 from two shards: every other document here.
    shard = slice(rank, None, world_size)
    pooled = _pooled_f1_micro(tags.net_, codes[shard], Y[shard])
    results["tags_pooled_f1_micro"] = np.array(pooled)
    (out / f"rank{rank}-tags.pkl").write_bytes(pickle.dumps(tags))
    return results


def main(out):
    import torch
    import torch.distributed as dist

    from sklearn_charcnn.distributed import CPUSyncBatchNorm

    dist.init_process_group("gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    out = Path(out)
    results = {}

    # This process's rows of one batch, through a synchronised normalisation.
    x, grad, weight, bias = batch_norm_case()
    rows = np.array_split(np.arange(len(x)), world_size)[rank]
    norm = torch.nn.BatchNorm1d(3)
    with torch.no_grad():
        norm.weight.copy_(weight)
        norm.bias.copy_(bias)
    norm = CPUSyncBatchNorm.convert_sync_batchnorm(norm)
    part = x[rows].clone().requires_grad_()
    output = norm(part)
    output.backward(grad[rows])
    for name in ("weight", "bias"):  # this process's share of the gradient
        total = getattr(norm, name).grad.clone()
        dist.all_reduce(total)
        results[f"bn_grad_{name}"] = total.numpy()
    results["bn_output"] = output.detach().numpy()
    results["bn_grad_input"] = part.grad.numpy()
    results["bn_running_mean"] = norm.running_mean.numpy()
    results["bn_running_var"] = norm.running_var.numpy()

    # The easy task, trained across the processes.
    X, y = easy_codes()
    X_test, _ = held_out_codes()
    classifier = easy_classifier(world_size).fit(X, y)
    results["proba"] = classifier.predict_proba(X_test)
    results["weights"] = _weights(classifier)
    results["train_loss"] = np.array(classifier.history_[:, "train_loss"])
    # Shorter fits: with validation, twice; without a seed.
    short = {"validation_fraction": 0.25, "max_epochs": 3}
    validated = easy_classifier(world_size, **short).fit(X, y)
    again = easy_classifier(world_size, **short).fit(X, y)
    unseeded = easy_classifier(world_size, **short, random_state=None).fit(X, y)
    results["valid_acc"] = np.array(validated.history_[:, "valid_acc"])
    results["short_proba"] = validated.predict_proba(X_test)
    results["short_proba_again"] = again.predict_proba(X_test)
    results["unseeded_weights"] = _weights(unseeded)
    (out / f"rank{rank}.pkl").write_bytes(pickle.dumps(classifier))

    results.update(multilabel_case(rank, world_size, out))

    # Every process must fit the same data: here they do not.
    try:
        easy_classifier(world_size).fit(X[rank:], y[rank:])
    except ValueError as error:
        (out / f"rank{rank}.txt").write_text(str(error))

    dist.destroy_process_group()
    # Nothing may hold the group after this: its gloo threads end with it.
    results["gloo_threads_left"] = np.array(gloo_threads())
    np.savez(out / f"rank{rank}.npz", **results)


if __name__ == "__main__":
    main(sys.argv[1])
