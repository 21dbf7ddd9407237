"""How fast does the char-CNN train and predict on the CPU, and how close to the hardware?

Two questions, one script.

``--question estimator`` (the default): ``fit`` and ``predict`` of
:class:`~sklearn_charcnn.CharCNNClassifier` against a plain PyTorch loop
over the same module, as the ratio estimator / plain loop (1.0 = no
overhead). The loop takes every training setting from the default recipe
(:data:`~sklearn_charcnn.classifier.RECIPES`): initialisation, batch
normalisation (folded at the end), optimizer, peak learning rate, label
smoothing and the learning-rate schedule, whose own ``callback`` builds the
scheduler the loop steps. Same batch size and epochs, no validation split;
bf16 autocast where the estimator's ``precision="auto"`` uses it. On CUDA
both keep the codes as uint8 until they reach the device.

``--question network`` trains the small network with the default recipe's
settings (batch normalisation, AdamW with weight decay 0.05, label
smoothing 0.1) in a plain PyTorch loop, interleaving, step by step and in
one run:

- ``reference``: the forward pass as it was when CPU training speed was
  first measured (copied below: ``embedding_bag`` first layer, ReLU before
  max-pooling), AdamW's default per-parameter loop;
- ``network``: :class:`~sklearn_charcnn.network.CharCNNModule` as it is
  (max-pooling before the ReLU, the first layer's bias folded into its
  table), same AdamW;
- ``network + foreach`` and ``network + fused``: the same with
  ``AdamW(foreach=True)`` or ``AdamW(fused=True)`` (the default recipe's);
- ``network + fused + bf16 autocast``: the estimator's default
  ``precision="auto"`` on a CPU with bf16 instructions (shown only there);

and times prediction (``reference`` under ``torch.no_grad`` with the
training batch size, as skorch predicts; ``network`` likewise; ``network``
under ``torch.inference_mode`` with ``--predict-batch-size``, in float32 as
the estimator predicts on the CPU, and under bf16 autocast for comparison).
All start from the same weights and compute the same function. It prints
the throughputs, their ratio to the reference, the best measured fp32
throughput of the machine's dense kernels (a large ``torch.mm`` and a
256-channel convolution: see :func:`gemm_peak`), the FLOPs a training step
and a prediction execute per sample, and the fraction of that peak reached.
Random codes in the paper's 70-code range: throughput does not depend on
the text.

Run: ``python benchmarks/bench_classifier_speed.py [--device cpu|cuda|auto]
[--max-length 256] [--n-samples 2048] [--size small] [--epochs 2]`` for the
estimator (``results/classifier_speed_<device>.json``); on a GPU, e.g.
``--device cuda --max-length 1014 --n-samples 100000``. ``python
benchmarks/bench_classifier_speed.py --question network [--max-length 256]
[--batch-size 32] [--steps 6] [--threads N] [--clock wall|cpu]``;
``--max-length 1014 --batch-size 128`` for the paper's length. On a machine
shared with other work, ``--threads 1 --clock cpu`` counts only the time the
process computed. ``--smoke`` asks both questions of a tiny network in
seconds and writes no record.
"""

from __future__ import annotations

import argparse
import copy
import math
import statistics
import time

import numpy as np
import torch
from _common import (
    CLOCKS,
    SMOKE_NETWORK,
    add_smoke_option,
    best_of,
    command_line,
    write_result,
)
from torch.nn import functional as F

from sklearn_charcnn import CharCNNClassifier
from sklearn_charcnn.classifier import RECIPES, has_native_bf16
from sklearn_charcnn.compare import format_table
from sklearn_charcnn.network import CONV_LAYERS, SIZES, CharCNNModule, init_weights

BF16 = has_native_bf16("cpu")

SMOKE = {
    "estimator": {"max_length": 128, "n_samples": 32, "epochs": 1, "repeat": 1},
    "network": {
        "max_length": 128,
        "n_samples": 32,
        "batch_size": 8,
        "steps": 1,
        "n_predict": 16,
        "predict_batch_size": 16,
        "repeat": 1,
    },
}
"""What ``--smoke`` changes, per question (the network: ``SMOKE_NETWORK``)."""


def network_preset(args) -> dict:
    """The network's widths: ``--size``'s, or the smoke run's tiny ones."""
    return {**SIZES[args.size], **(SMOKE_NETWORK if args.smoke else {})}


def settings(args) -> dict:
    """The options a record keeps."""
    return {
        k: v for k, v in vars(args).items() if k not in ("output", "question", "smoke")
    }


# ------------------------------------------------ the network's reference path


def reference(module, codes):
    """The forward pass of CharCNNModule when CPU speed was first measured.

    A copy of the code it replaced, reading the same parameters: the first
    layer as one ``embedding_bag`` over the weight table with code 0's
    column masked, every layer in (batch, channels, length) layout, ReLU
    then max-pooling (with its index bookkeeping), autograd's backward
    throughout.
    """
    first = module.convs[0]
    batch, length = codes.shape
    kernel = first.kernel_size
    keep = torch.ones(1, first.n_codes, 1)
    keep[0, 0, 0] = 0.0
    offsets = torch.arange(kernel) * first.n_codes
    table = (first.weight * keep).permute(2, 1, 0).reshape(-1, first.out_channels)
    windows = codes.long().unfold(1, kernel, 1) + offsets
    x = F.embedding_bag(windows.reshape(-1, kernel), table, mode="sum")
    x = x.view(batch, length - kernel + 1, first.out_channels)
    x = x.transpose(1, 2) + first.bias[:, None]
    for index, (conv, pool) in enumerate(zip(module.convs, module.pools, strict=True)):
        if index:
            x = conv(x)
        if module.norms is not None:
            x = module.norms[index](x)
        x = F.relu(x)
        if pool:
            x = F.max_pool1d(x, pool)
    return module.classifier(x.flatten(1))


def network(module, codes):
    return module(codes)


def flops_per_sample(max_length, n_filters, fc_width, n_classes):
    """Floating-point operations a forward and a training step execute.

    Multiply-adds count two. The first layer is ``kernel`` row additions
    per position (the gather skips the one-hot products); its backward adds
    the same rows into the weight table. Every other layer's backward is two
    products of the forward's size (weights and inputs).
    """
    length = max_length
    forward = 0
    backward = 0
    for index, (kernel, pool) in enumerate(CONV_LAYERS):
        length -= kernel - 1
        if index == 0:
            layer = length * kernel * n_filters
            backward += layer
        else:
            layer = 2 * length * n_filters * n_filters * kernel
            backward += 2 * layer
        forward += layer
        if pool:
            length //= pool
    widths = [n_filters * length, fc_width, fc_width, n_classes]
    for fan_in, fan_out in zip(widths[:-1], widths[1:], strict=True):
        forward += 2 * fan_in * fan_out
        backward += 2 * 2 * fan_in * fan_out
    return forward, forward + backward


def gemm_peak(clock=time.perf_counter, size=2048, repeat=5):
    """Best fp32 GFLOP/s of the machine's dense kernels, and which one.

    Two kernels, both dense fp32 products: a ``size`` x ``size`` matrix
    product (``torch.mm``, the BLAS PyTorch was built with) and a
    256-channel, width-3 temporal convolution over 32 x 256 positions
    (oneDNN's kernel, the network's own shape). Which one is faster depends
    on the CPU: a BLAS tuned for one vendor's processors can fall well behind
    oneDNN on another's (the ``network_speed_cpu_*`` records give both).
    """
    a, b = torch.randn(size, size), torch.randn(size, size)
    x, w = torch.randn(32, 256, 256), torch.randn(256, 256, 3)
    kernels = {
        "torch.mm": (lambda: torch.mm(a, b), 2 * size**3),
        "conv1d": (lambda: F.conv1d(x, w), 2 * 32 * 256 * 256 * 3 * 254),
    }
    rates = {}
    for name, (func, flops) in kernels.items():
        func()  # warm-up
        rates[name] = flops / best_of(func, repeat, clock) / 1e9
    return rates


def time_network(args):
    """Interleave training steps and predictions of each variant."""
    preset = network_preset(args)
    n_classes = 4
    rng = np.random.default_rng(0)
    codes = torch.from_numpy(
        rng.integers(0, 70, size=(args.n_samples, args.max_length), dtype=np.uint8)
    )
    labels = torch.from_numpy(rng.integers(0, n_classes, size=args.n_samples))
    template = CharCNNModule(
        n_codes=256,  # uint8 codes, as the estimator builds it by default
        input_length=args.max_length,
        n_classes=n_classes,
        n_filters=preset["n_filters"],
        fc_width=preset["fc_width"],
        batch_norm=True,
    )
    init_weights(template, generator=torch.Generator().manual_seed(0))

    def trainer(forward, bf16=False, **optimizer_kwargs):
        module = copy.deepcopy(template).train()
        optimizer = torch.optim.AdamW(
            module.parameters(), lr=1e-3, weight_decay=0.05, **optimizer_kwargs
        )
        batches = iter(())

        def step():
            nonlocal batches
            batch = next(batches, None)
            if batch is None:
                batches = iter(torch.randperm(args.n_samples).split(args.batch_size))
                batch = next(batches)
            if len(batch) < args.batch_size:  # full batches only
                batches = iter(torch.randperm(args.n_samples).split(args.batch_size))
                batch = next(batches)
            with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
                logits = forward(module, codes[batch])
            loss = F.cross_entropy(logits.float(), labels[batch], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return step

    trainers = {
        "reference": trainer(reference),
        "network": trainer(network),
        "network + foreach": trainer(network, foreach=True),
        "network + fused": trainer(network, fused=True),
    }
    if BF16:
        trainers["network + fused + bf16 autocast"] = trainer(
            network, bf16=True, fused=True
        )
    folded = copy.deepcopy(template).fold_batch_norm().eval()

    def predictor(forward, batch_size, context, bf16=False):
        def predict():
            with context(), torch.autocast("cpu", torch.bfloat16, enabled=bf16):
                for i in range(0, args.n_predict, batch_size):
                    forward(folded, codes[i : i + batch_size]).softmax(1).argmax(1)

        return predict

    predictors = {
        "reference": predictor(reference, args.batch_size, torch.no_grad),
        "network": predictor(network, args.batch_size, torch.no_grad),
        f"network + inference_mode, batch {args.predict_batch_size}": predictor(
            network, args.predict_batch_size, torch.inference_mode
        ),
    }
    if BF16:
        predictors[
            f"network + inference_mode, batch {args.predict_batch_size}, bf16"
        ] = predictor(network, args.predict_batch_size, torch.inference_mode, True)
    # Warm up (allocator, thread pools), then interleave so that drifts in
    # the machine's load hit every variant alike.
    for func in (*trainers.values(), *predictors.values()):
        func()
    step_s = {name: [] for name in trainers}
    predict_s = {name: [] for name in predictors}
    clock = CLOCKS[args.clock]
    for _ in range(args.steps):
        for name, step in trainers.items():
            start = clock()
            step()
            step_s[name].append(clock() - start)
    for _ in range(args.repeat):
        for name, predict in predictors.items():
            start = clock()
            predict()
            predict_s[name].append(clock() - start)
    return step_s, predict_s


def run_network(args):
    torch.set_num_threads(args.threads or torch.get_num_threads())
    preset = network_preset(args)
    clock = CLOCKS[args.clock]
    gemm = {"size": 256, "repeat": 1} if args.smoke else {}
    before = gemm_peak(clock, **gemm)
    step_s, predict_s = time_network(args)
    after = gemm_peak(clock, **gemm)  # before and after: the better estimate
    rates = {name: max(before[name], after[name]) for name in before}
    peak_kernel = max(rates, key=rates.get)
    peak = rates[peak_kernel]
    forward_flops, train_flops = flops_per_sample(
        args.max_length, preset["n_filters"], preset["fc_width"], 4
    )
    train, predict = {}, {}
    for name, times in step_s.items():
        per_s = args.batch_size / statistics.median(times)
        train[name] = {
            "step_s_median": statistics.median(times),
            "step_s_min": min(times),
            "samples_per_s": per_s,
            "gflop_per_s": per_s * train_flops / 1e9,
            "fraction_of_peak": per_s * train_flops / 1e9 / peak,
        }
    for name, times in predict_s.items():
        per_s = args.n_predict / min(times)
        predict[name] = {
            "predict_s_min": min(times),
            "samples_per_s": per_s,
            "fraction_of_peak": per_s * forward_flops / 1e9 / peak,
        }
    for table in (train, predict):
        base = table["reference"]["samples_per_s"]
        for row in table.values():
            row["ratio_to_reference"] = row["samples_per_s"] / base

    print(
        f"cpu threads={torch.get_num_threads()} size={args.size} "
        f"max_length={args.max_length} batch_size={args.batch_size} "
        f"steps={args.steps} clock={args.clock} (median step time, interleaved)"
    )
    print(
        "fp32 dense peak: "
        + ", ".join(f"{name} {rate:.1f}" for name, rate in rates.items())
        + f" GFLOP/s; the fractions below are of {peak_kernel}'s"
    )
    print(
        f"executed per sample: {forward_flops / 1e9:.3f} GFLOP forward, "
        f"{train_flops / 1e9:.3f} GFLOP training step"
    )
    for title, table in [
        ("training", train),
        (f"prediction ({args.n_predict} rows)", predict),
    ]:
        cells = [
            [
                name,
                f"{row['samples_per_s']:.1f}",
                f"{row['ratio_to_reference']:.2f}",
                f"{row['fraction_of_peak']:.1%}",
            ]
            for name, row in table.items()
        ]
        print(format_table([title, "samples/s", "ratio", "of peak"], cells))
    default = "network + fused + bf16 autocast" if BF16 else "network + fused"
    inference = f"network + inference_mode, batch {args.predict_batch_size}"
    name = args.output or (
        f"network_speed_cpu_{args.max_length}_batch_{args.batch_size}"
    )
    write_result(
        name,
        {
            "question": "CPU training and prediction throughput of the network "
            "against its previous forward pass, and the fraction of the "
            "machine's fp32 dense-kernel peak",
            "command": command_line(),
            "device": "cpu",
            "torch_threads": torch.get_num_threads(),
            "settings": settings(args),
            "gemm_peak_gflop_per_s": peak,
            "gemm_peak_kernel": peak_kernel,
            "dense_kernels_gflop_per_s": rates,
            "forward_gflop_per_sample": forward_flops / 1e9,
            "train_step_gflop_per_sample": train_flops / 1e9,
            "train": train,
            "predict": predict,
            "summary": (
                f"max_length={args.max_length}, batch {args.batch_size}, "
                f"{torch.get_num_threads()} thread(s), {args.clock} time: the "
                f"estimator's default training step ({default}) "
                f"{train[default]['ratio_to_reference']:.2f}x the reference "
                f"({train['network + fused']['ratio_to_reference']:.2f}x in "
                f"float32), {train[default]['fraction_of_peak']:.0%} of a "
                f"{peak:.0f} GFLOP/s fp32 peak ({peak_kernel}); float32 "
                f"prediction {predict[inference]['ratio_to_reference']:.2f}x"
            ),
        },
        smoke=args.smoke,
    )


# -------------------------------------------------- the estimator's overhead


def autocast(device: str, enabled: bool):
    return torch.autocast(
        torch.device(device).type, dtype=torch.bfloat16, enabled=enabled
    )


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def make_data(n_samples, max_length, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 70, size=(n_samples, max_length), dtype=np.uint8)
    y = rng.integers(0, n_classes, size=n_samples)
    return X, y


def time_estimator(X, y, args, device):
    preset = network_preset(args)
    clf = CharCNNClassifier(
        size=args.size,
        n_filters=preset["n_filters"],
        fc_width=preset["fc_width"],
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        validation_fraction=0,
        early_stopping=False,
        device=device,
        random_state=0,
    )
    sync(device)
    start = time.perf_counter()
    clf.fit(X, y)
    sync(device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict(X)
    sync(device)
    return fit_s, time.perf_counter() - start


def time_plain_loop(X, y, args, device):
    """The estimator's training and prediction as a plain PyTorch loop.

    Every training setting comes from ``RECIPES["default"]``; the schedule
    is the recipe's own object, whose ``callback`` gives the scheduler
    class, its arguments and whether it steps per batch or per epoch. As
    with ``precision="auto"``, training runs under bf16 autocast where the
    device computes bf16 natively, prediction on CUDA only.
    """
    recipe = RECIPES["default"]
    preset = network_preset(args)
    train_bf16 = has_native_bf16(device)
    torch.manual_seed(0)
    sync(device)
    start = time.perf_counter()
    module = CharCNNModule(
        n_codes=256,  # uint8 codes, as the estimator builds it by default
        input_length=X.shape[1],
        n_classes=int(y.max()) + 1,
        n_filters=preset["n_filters"],
        fc_width=preset["fc_width"],
        batch_norm=recipe["batch_norm"],
    )
    init_weights(module, recipe["init"], std=preset["init_std"])
    module.to(device)
    optimizer = recipe["optimizer"](
        module.parameters(), lr=recipe["lr"], **recipe["optimizer_kwargs"]
    )
    steps_per_epoch = math.ceil(len(X) / args.batch_size)
    schedule = recipe["schedule"].callback(args.epochs, steps_per_epoch)
    scheduler = schedule.policy(optimizer, **schedule.kwargs)
    codes = torch.from_numpy(X).to(device)  # uint8 on the device
    labels = torch.from_numpy(y).to(device)
    module.train()
    for _ in range(args.epochs):
        for batch in torch.randperm(len(X), device=device).split(args.batch_size):
            with autocast(device, train_bf16):
                logits = module(codes[batch]).float()
            loss = F.cross_entropy(
                logits, labels[batch], label_smoothing=recipe["label_smoothing"]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if schedule.step_every == "batch":
                scheduler.step()
        if schedule.step_every == "epoch":
            scheduler.step()
    if recipe["batch_norm"]:
        module.fold_batch_norm()
    sync(device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    module.eval()
    predict_bf16 = train_bf16 and device.startswith("cuda")
    with torch.inference_mode(), autocast(device, predict_bf16):
        predictions = [
            module(batch).float().softmax(1).argmax(1).cpu()
            for batch in codes.split(args.batch_size)
        ]
    torch.cat(predictions).numpy()
    sync(device)
    return fit_s, time.perf_counter() - start


def run_estimator(args):
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    X, y = make_data(args.n_samples, args.max_length, n_classes=4)
    # Warm up both paths (allocators, cuDNN autotuning, thread pools).
    small = argparse.Namespace(**{**vars(args), "epochs": 1})
    warm = slice(0, 2 * args.batch_size)
    time_estimator(X[warm], y[warm], small, device)
    time_plain_loop(X[warm], y[warm], small, device)
    # Interleave the repeats so that drifts in machine load hit both alike.
    runs = {"estimator": [], "plain": []}
    for _ in range(args.repeat):
        runs["estimator"].append(time_estimator(X, y, args, device))
        runs["plain"].append(time_plain_loop(X, y, args, device))
    result = {}
    for name, times in runs.items():
        fit_s, predict_s = min(t[0] for t in times), min(t[1] for t in times)
        result[name] = {
            "fit_s": fit_s,
            "predict_s": predict_s,
            "train_samples_per_s": args.n_samples * args.epochs / fit_s,
            "predict_samples_per_s": args.n_samples / predict_s,
        }
    estimator, plain = result["estimator"], result["plain"]
    fit_ratio = estimator["train_samples_per_s"] / plain["train_samples_per_s"]
    predict_ratio = estimator["predict_samples_per_s"] / plain["predict_samples_per_s"]
    print(
        f"device={device} size={args.size} max_length={args.max_length} "
        f"n_samples={args.n_samples} epochs={args.epochs} "
        f"batch_size={args.batch_size}"
    )
    cells = [
        [
            name,
            f"{row['train_samples_per_s']:.1f}",
            f"{row['predict_samples_per_s']:.1f}",
        ]
        for name, row in result.items()
    ]
    cells.append(["ratio", f"{fit_ratio:.3f}", f"{predict_ratio:.3f}"])
    print(format_table(["", "train samples/s", "predict samples/s"], cells))
    write_result(
        args.output or f"classifier_speed_{torch.device(device).type}",
        {
            "question": "CharCNNClassifier fit/predict throughput vs a plain "
            "PyTorch loop over the same network and data",
            "command": command_line(),
            "summary": (
                f"{args.size} network, max_length={args.max_length}, "
                f"{args.n_samples:,} documents, minibatches of {args.batch_size}, "
                f"on {device}: {estimator['train_samples_per_s']:,.0f} training "
                f"samples/s for the estimator against "
                f"{plain['train_samples_per_s']:,.0f} for a plain PyTorch loop "
                f"(ratio {fit_ratio:.3f}); prediction "
                f"{estimator['predict_samples_per_s']:,.0f} against "
                f"{plain['predict_samples_per_s']:,.0f} samples/s (ratio "
                f"{predict_ratio:.3f})"
            ),
            "device": device,
            "settings": settings(args),
            "results": result,
            "fit_ratio_estimator_over_plain": fit_ratio,
            "predict_ratio_estimator_over_plain": predict_ratio,
        },
        smoke=args.smoke,
    )


def time_fit_estimator():
    """asv-style entry: one small CPU fit of the estimator."""
    args = argparse.Namespace(size="small", epochs=1, batch_size=128, smoke=False)
    X, y = make_data(512, 256, 4)
    time_estimator(X, y, args, "cpu")


# ------------------------------------------------------------------ options


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--question",
        choices=["estimator", "network"],
        default="estimator",
        help="estimator: fit/predict vs a plain loop; network: CPU training "
        "and prediction vs the previous forward pass, and the fraction of peak",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--n-samples", type=int, default=2048)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument(
        "--batch-size", type=int, default=None, help="128 (estimator), 32 (network)"
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--steps", type=int, default=6, help="network: timed steps per variant"
    )
    parser.add_argument(
        "--n-predict", type=int, default=512, help="network: rows predicted"
    )
    parser.add_argument("--predict-batch-size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="network: wall time, or the process's CPU time (with --threads 1 "
        "on a loaded machine)",
    )
    parser.add_argument("--output", default=None, help="result name (JSON)")
    add_smoke_option(parser)
    return parser.parse_args(argv)


def ask(args) -> None:
    """Answer ``args.question`` with the options that question uses."""
    if args.question == "network":
        args.batch_size = args.batch_size or 32
        del args.device, args.epochs
        run_network(args)
        return
    args.batch_size = args.batch_size or 128
    del args.steps, args.n_predict, args.predict_batch_size, args.threads, args.clock
    run_estimator(args)


def main(argv=None):
    args = parse_args(argv)
    if not args.smoke:
        ask(args)
        return
    for question, smoke in SMOKE.items():
        ask(argparse.Namespace(**{**vars(args), "question": question, **smoke}))


if __name__ == "__main__":
    main()
