"""What does explaining one document cost on the CPU?

Fits a ``make_pipeline(CharQuantizer(max_length=...), CharCNNClassifier(...))``
briefly on AG News (the weights do not change the cost), then times, in one
run and on the same documents:

- ``predict_proba``: ``pipeline.predict_proba`` one document at a time, the
  reference;
- ``integrated_gradients``: :func:`sklearn_charcnn.inspection.char_attributions`
  with Integrated Gradients (``--n-steps`` steps, ``--batch-size``
  documents per batch);
- ``occlusion``: the same with occlusion (one forward pass per position).

Reports seconds per document and each method's cost in units of one
``predict_proba`` call per document, the best of ``--repeat`` runs.

Run: ``python benchmarks/bench_attribution.py [--size small]
[--max-length 256] [--n-docs 16] [--n-steps 32] [--threads 1] [--clock
cpu|wall]``. On a machine shared with other work, the default ``--threads 1
--clock cpu`` counts only the time the process computed. ``--smoke``
explains two documents with a tiny network and writes no record.
"""

from __future__ import annotations

import argparse

import torch
from _common import (
    CLOCKS,
    add_smoke_option,
    best_of,
    command_line,
    one_epoch_ag_model,
    write_result,
)

from sklearn_charcnn.inspection import char_attributions


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=["small", "large"])
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--n-docs", type=int, default=16)
    parser.add_argument("--n-train", type=int, default=256)
    parser.add_argument("--n-steps", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", default="cpu", choices=sorted(CLOCKS))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", default="attribution_cost_cpu")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.max_length, args.n_train, args.n_docs = 128, 32, 2
        args.n_steps, args.batch_size, args.repeat = 2, 2, 1
    return args


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    model, documents = one_epoch_ag_model(
        size=args.size,
        max_length=args.max_length,
        n_train=args.n_train,
        n_docs=args.n_docs,
        smoke=args.smoke,
    )

    methods = {
        "predict_proba": lambda: [model.predict_proba([d]) for d in documents],
        "integrated_gradients": lambda: char_attributions(
            model,
            documents,
            n_steps=args.n_steps,
            batch_size=args.batch_size,
        ),
        "occlusion": lambda: char_attributions(
            model, documents, method="occlusion", batch_size=args.batch_size
        ),
    }
    results = {}
    for name, function in methods.items():
        function()  # warm-up
        seconds = best_of(function, args.repeat, CLOCKS[args.clock])
        results[name] = {"seconds_per_document": seconds / len(documents)}
    base = results["predict_proba"]["seconds_per_document"]
    print(f"{'method':24s}{'s/document':>12s}{'x predict':>11s}")
    for name, row in results.items():
        row["cost_in_predict_calls"] = row["seconds_per_document"] / base
        print(
            f"{name:24s}{row['seconds_per_document']:12.3f}"
            f"{row['cost_in_predict_calls']:11.0f}"
        )
    ig, occlusion = results["integrated_gradients"], results["occlusion"]
    write_result(
        args.output,
        {
            "question": "CPU cost per document of char_attributions (Integrated "
            "Gradients, occlusion) against one predict_proba call",
            "command": command_line(argv),
            "device": "cpu",
            "settings": {
                k: v for k, v in vars(args).items() if k not in ("output", "smoke")
            },
            "results": results,
            "summary": (
                f"{args.size} network, max_length={args.max_length}, "
                f"{args.threads} thread(s), {args.clock} time: Integrated Gradients "
                f"({args.n_steps} steps) {ig['seconds_per_document']:.2f} s per "
                f"document ({ig['cost_in_predict_calls']:.0f}x a predict_proba "
                f"call), occlusion {occlusion['seconds_per_document']:.2f} s "
                f"({occlusion['cost_in_predict_calls']:.0f}x)"
            ),
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
