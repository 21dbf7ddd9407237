"""How fast does an exported char-CNN serve, against ``pipeline.predict_proba``?

Fits a ``make_pipeline(CharQuantizer(max_length=...), CharCNNClassifier(...))``
briefly on AG News (the weights do not change the cost), exports it with
:func:`sklearn_charcnn.export.export_onnx` and
:func:`~sklearn_charcnn.export.export_torch`, then times, in one run and on
the same documents, raw text to class probabilities:

- ``pipeline``: ``pipeline.predict_proba(documents)`` (the reference);
- ``onnxruntime``: ``CharQuantizer.transform`` then an onnxruntime session;
- ``onnxruntime + encode``: the spec's pure-Python reference
  :func:`~sklearn_charcnn.export.encode` then onnxruntime, what a server
  without this package runs;
- ``torch.export``: ``CharQuantizer.transform`` then the ``.pt2`` program;
- the networks alone, on codes already encoded.

It also times one document per call (``--n-single`` documents), the
latency an online server sees, where the pipeline's per-call overhead
(validation, skorch's data loader) dominates.

Every path runs on the CPU with the same number of threads (``--threads``,
torch and onnxruntime alike) and in batches of ``--batch-size`` documents.
Reports documents/s and each path's ratio to ``pipeline``, the best of
``--repeat`` runs.

Run: ``python benchmarks/bench_export.py [--size small] [--max-length 256]
[--n-docs 2000] [--batch-size 128] [--threads 1] [--clock cpu|wall]``. On a
machine shared with other work, the default ``--threads 1 --clock cpu``
counts only the time the process computed. ``--smoke`` exports a tiny
network and serves a handful of documents, writing no record.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from _common import (
    CLOCKS,
    add_smoke_option,
    best_of,
    command_line,
    one_epoch_ag_model,
    write_result,
)

from sklearn_charcnn.export import encode, export_onnx, export_torch


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=["small", "large"])
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--n-docs", type=int, default=2000)
    parser.add_argument("--n-train", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n-single", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", default="cpu", choices=sorted(CLOCKS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default="export_serving_cpu")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.max_length, args.n_train, args.n_docs = 128, 32, 16
        args.batch_size, args.n_single, args.repeat = 8, 2, 1
    return args


def batched(function, items, batch_size):
    return np.concatenate(
        [function(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]
    )


def main(argv=None):
    args = parse_args(argv)
    import onnxruntime

    torch.set_num_threads(args.threads)
    model, documents = one_epoch_ag_model(
        size=args.size,
        max_length=args.max_length,
        n_train=args.n_train,
        n_docs=args.n_docs,
        smoke=args.smoke,
        batch_size=args.batch_size,
    )
    quantizer = model[0]

    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    spec = export_onnx(model, folder / "model.onnx")
    onnx_export_s = time.perf_counter() - start
    start = time.perf_counter()
    export_torch(model, folder / "model.pt2")
    torch_export_s = time.perf_counter() - start

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    program = torch.export.load(str(folder / "model.pt2")).module()

    def run_onnx(codes):
        return session.run(None, {"codes": codes})[0]

    def run_program(codes):
        with torch.no_grad():
            return program(torch.from_numpy(codes)).numpy()

    codes = quantizer.transform(documents)
    reference = model.predict_proba(documents)
    paths = {
        "pipeline": lambda: model.predict_proba(documents),
        "onnxruntime": lambda: batched(
            lambda d: run_onnx(quantizer.transform(d)), documents, args.batch_size
        ),
        "onnxruntime + encode": lambda: batched(
            lambda d: run_onnx(encode(d, spec)), documents, args.batch_size
        ),
        "torch.export": lambda: batched(
            lambda d: run_program(quantizer.transform(d)), documents, args.batch_size
        ),
        "onnxruntime network only": lambda: batched(run_onnx, codes, args.batch_size),
        "torch.export network only": lambda: batched(
            run_program, codes, args.batch_size
        ),
    }
    results = {}
    for name, function in paths.items():
        max_error = float(np.abs(function() - reference).max())  # also a warm-up
        seconds = best_of(function, args.repeat, CLOCKS[args.clock])
        results[name] = {
            "seconds": seconds,
            "docs_per_s": len(documents) / seconds,
            "max_abs_diff_to_pipeline": max_error,
        }
    # One request, one document: what an online server sees.
    singles = documents[: args.n_single]
    single_paths = {
        "pipeline": lambda: [model.predict_proba([d]) for d in singles],
        "onnxruntime": lambda: [run_onnx(quantizer.transform([d])) for d in singles],
        "onnxruntime + encode": lambda: [run_onnx(encode([d], spec)) for d in singles],
        "torch.export": lambda: [
            run_program(quantizer.transform([d])) for d in singles
        ],
    }
    latency = {}
    for name, function in single_paths.items():
        function()  # warm-up
        latency[name] = {
            "ms_per_document": 1e3
            * best_of(function, args.repeat, CLOCKS[args.clock])
            / len(singles)
        }
    for row in latency.values():
        row["speedup_over_pipeline"] = (
            latency["pipeline"]["ms_per_document"] / row["ms_per_document"]
        )
    base = results["pipeline"]["docs_per_s"]
    print(f"{'path':28s}{'docs/s':>10s}{'ratio':>8s}{'max |diff|':>12s}")
    for name, row in results.items():
        row["ratio_to_pipeline"] = row["docs_per_s"] / base
        print(
            f"{name:28s}{row['docs_per_s']:10.0f}{row['ratio_to_pipeline']:8.2f}"
            f"{row['max_abs_diff_to_pipeline']:12.1e}"
        )
    print(f"\none document per call{'ms':>15s}{'speed-up':>10s}")
    for name, row in latency.items():
        print(
            f"{name:28s}{row['ms_per_document']:8.2f}"
            f"{row['speedup_over_pipeline']:10.2f}"
        )
    ratio = results["onnxruntime"]["ratio_to_pipeline"]
    write_result(
        args.output,
        {
            "question": "Serving throughput, raw text to probabilities, of the "
            "ONNX and torch.export exports against pipeline.predict_proba on CPU",
            "command": command_line(argv),
            "device": "cpu",
            "settings": {
                k: v for k, v in vars(args).items() if k not in ("output", "smoke")
            },
            "onnxruntime": onnxruntime.__version__,
            "export_seconds": {"onnx": onnx_export_s, "torch.export": torch_export_s},
            "results": results,
            "single_document_latency": latency,
            "summary": (
                f"{args.size} network, max_length={args.max_length}, batches of "
                f"{args.batch_size}, {args.threads} thread(s), {args.clock} time: "
                "onnxruntime serves "
                f"{results['onnxruntime']['docs_per_s']:.0f} documents/s, "
                f"{ratio:.2f}x pipeline.predict_proba "
                f"({base:.0f}/s); torch.export "
                f"{results['torch.export']['ratio_to_pipeline']:.2f}x; with the "
                "pure-Python encode "
                f"{results['onnxruntime + encode']['ratio_to_pipeline']:.2f}x; "
                "one document per call: onnxruntime "
                f"{latency['onnxruntime']['ms_per_document']:.1f} ms, "
                f"{latency['onnxruntime']['speedup_over_pipeline']:.1f}x faster "
                f"than the pipeline ({latency['pipeline']['ms_per_document']:.1f} ms)"
            ),
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
