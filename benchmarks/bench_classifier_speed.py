"""How much does CharCNNClassifier cost over a plain PyTorch loop?

Times, in one run and on the same data, ``fit`` and ``predict`` of
:class:`~sklearn_charcnn.CharCNNClassifier` against a hand-written PyTorch
training loop over the same :class:`~sklearn_charcnn.network.CharCNNModule`:
same initialisation, training-time batch normalisation folded away at the
end, optimizer (AdamW, weight decay 0.05), learning-rate schedule,
label-smoothed loss, batch size and epochs, no validation split.
On CUDA both keep the codes as uint8 until they reach the device and run
the forward pass under bf16 autocast; the plain loop keeps the whole code
matrix on the device.

Reports training and prediction throughput in samples/s and the ratio
estimator / plain loop (1.0 = no overhead; the target on CPU is >= 0.9).
Data: random codes in the paper's 70-code range; throughput does not depend
on the text.

Run: ``python benchmarks/bench_classifier_speed.py [--device cpu|cuda|auto]
[--max-length 256] [--n-samples 2048] [--size small] [--epochs 2]``.
On a GPU, e.g. ``--device cuda --max-length 1014 --n-samples 100000``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch
from _common import write_result
from torch.nn import functional as F

from sklearn_charcnn.classifier import RECIPES, CharCNNClassifier, _WarmupCosine
from sklearn_charcnn.network import SIZES, CharCNNModule, init_weights


def _sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _autocast(device):
    if device.startswith("cuda") and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def make_data(n_samples, max_length, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 70, size=(n_samples, max_length), dtype=np.uint8)
    y = rng.integers(0, n_classes, size=n_samples)
    return X, y


def time_estimator(X, y, args, device):
    clf = CharCNNClassifier(
        size=args.size,
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        validation_fraction=0,
        early_stopping=False,
        device=device,
        random_state=0,
    )
    _sync(device)
    start = time.perf_counter()
    clf.fit(X, y)
    _sync(device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict(X)
    _sync(device)
    return fit_s, time.perf_counter() - start


def time_plain_loop(X, y, args, device):
    """The same training as the estimator, written out by hand."""
    recipe = RECIPES["default"]
    preset = SIZES[args.size]
    torch.manual_seed(0)
    start = time.perf_counter()
    module = CharCNNModule(
        n_codes=256,
        input_length=X.shape[1],
        n_classes=int(y.max()) + 1,
        n_filters=preset["n_filters"],
        fc_width=preset["fc_width"],
        batch_norm=recipe["batch_norm"],
    )
    init_weights(module, recipe["init"])
    module.to(device)
    optimizer = recipe["optimizer"](
        module.parameters(), lr=recipe["lr"], **recipe["optimizer_kwargs"]
    )
    steps = math.ceil(len(X) / args.batch_size)
    total = args.epochs * steps
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        _WarmupCosine(total, max(1, round(recipe["warmup_fraction"] * total))),
    )
    codes = torch.from_numpy(X).to(device)  # uint8 on the device
    labels = torch.from_numpy(y).to(device)
    module.train()
    for _ in range(args.epochs):
        order = torch.randperm(len(X), device=device)
        for i in range(0, len(X), args.batch_size):
            batch = order[i : i + args.batch_size]
            with _autocast(device):
                logits = module(codes[batch]).float()
            loss = F.cross_entropy(
                logits, labels[batch], label_smoothing=recipe["label_smoothing"]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    module.fold_batch_norm()
    _sync(device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    module.eval()
    predictions = []
    with torch.inference_mode(), _autocast(device):
        for i in range(0, len(X), args.batch_size):
            logits = module(codes[i : i + args.batch_size]).float()
            predictions.append(logits.softmax(1).argmax(1).cpu())
    torch.cat(predictions).numpy()
    _sync(device)
    return fit_s, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--n-samples", type=int, default=2048)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", default=None, help="result name (JSON)")
    args = parser.parse_args()
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"

    X, y = make_data(args.n_samples, args.max_length, n_classes=4)
    # Warm up both paths (allocators, cuDNN autotuning, thread pools).
    small = argparse.Namespace(**{**vars(args), "epochs": 1})
    time_estimator(X[: 2 * args.batch_size], y[: 2 * args.batch_size], small, device)
    time_plain_loop(X[: 2 * args.batch_size], y[: 2 * args.batch_size], small, device)

    # Interleave the repeats so that drifts in machine load hit both alike.
    runs = {"estimator": [], "plain": []}
    for _ in range(args.repeat):
        runs["estimator"].append(time_estimator(X, y, args, device))
        runs["plain"].append(time_plain_loop(X, y, args, device))
    n_train = args.n_samples * args.epochs
    result = {}
    for name, times in runs.items():
        fit_s = min(t[0] for t in times)
        predict_s = min(t[1] for t in times)
        result[name] = {
            "fit_s": fit_s,
            "predict_s": predict_s,
            "train_samples_per_s": n_train / fit_s,
            "predict_samples_per_s": args.n_samples / predict_s,
        }
    fit_ratio = (
        result["estimator"]["train_samples_per_s"]
        / result["plain"]["train_samples_per_s"]
    )
    predict_ratio = (
        result["estimator"]["predict_samples_per_s"]
        / result["plain"]["predict_samples_per_s"]
    )
    print(
        f"device={device} size={args.size} max_length={args.max_length} "
        f"n_samples={args.n_samples} epochs={args.epochs} "
        f"batch_size={args.batch_size}"
    )
    print(f"{'':12s}{'train samples/s':>18s}{'predict samples/s':>20s}")
    for name in ("estimator", "plain"):
        print(
            f"{name:12s}{result[name]['train_samples_per_s']:18.1f}"
            f"{result[name]['predict_samples_per_s']:20.1f}"
        )
    print(f"{'ratio':12s}{fit_ratio:18.3f}{predict_ratio:20.3f}")
    name = args.output or f"classifier_speed_{torch.device(device).type}"
    path = write_result(
        name,
        {
            "question": "CharCNNClassifier fit/predict throughput vs a plain "
            "PyTorch loop over the same network and data",
            "device": device,
            "settings": {k: v for k, v in vars(args).items() if k != "output"},
            "results": result,
            "fit_ratio_estimator_over_plain": fit_ratio,
            "predict_ratio_estimator_over_plain": predict_ratio,
        },
    )
    print(f"wrote {path}")


def time_fit_estimator():
    """asv-style entry: one small CPU fit of the estimator."""
    args = argparse.Namespace(size="small", epochs=1, batch_size=128)
    X, y = make_data(512, 256, 4)
    time_estimator(X, y, args, "cpu")


if __name__ == "__main__":
    main()
