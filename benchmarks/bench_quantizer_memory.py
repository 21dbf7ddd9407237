"""How much memory does CharQuantizer need besides its output, for a large batch?

Measures, with :mod:`tracemalloc` (numpy's allocations are traced too), the
peak memory allocated during ``transform`` divided by the size of the output
it returns, for 200,000 documents (the 25,000 IMDB training reviews eight
times over, or generated text when ``../shared/data`` is absent) at the
paper's ``max_length=1014``: for the chunked ``CharQuantizer.transform`` (one
thread and ``n_jobs=2``) and, in the same run, for the one-block
implementation it replaced (``one_block_transform`` of
``bench_quantizer.py``), which keeps the kept strings, the joined text, its
bytes, the output and a full boolean mask alive at once. Alphabets: the
paper's (one byte per character), a custom one with a character above U+00FF
(looked up by code point) and ``"bytes"`` (UTF-8; no one-block reference).
The codes are checked byte-identical to the reference.

A ratio of 1.0 means no memory besides the output; the documents themselves
exist before the call and are not counted.

Run: ``python benchmarks/bench_quantizer_memory.py [--n-docs N]``;
``--smoke`` measures 200 documents and writes no record.
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc

import numpy as np
from _common import add_smoke_option, command_line, write_result
from bench_quantizer import SMOKE_TEXTS, load_documents, one_block_transform

from sklearn_charcnn.quantizer import CharQuantizer

ALPHABETS = {
    "paper": "paper",
    "wide (custom, above U+00FF)": "abcdefghijklmnopqrstuvwxyz中",
    "bytes": "bytes",
}


def peakmem_ratio(transform, docs) -> tuple[float, int, np.ndarray]:
    """Return peak traced bytes over output bytes, the peak, and the output."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        codes = transform(docs)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return peak / codes.nbytes, peak, codes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-docs",
        type=int,
        default=200_000,
        help="documents per batch (the data repeated as needed)",
    )
    parser.add_argument("--max-length", type=int, default=1014)
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_docs = 4 * SMOKE_TEXTS
    base, source = load_documents(SMOKE_TEXTS if args.smoke else None)
    docs = (base * (args.n_docs // len(base) + 1))[: args.n_docs]

    rows = {}
    print(
        f"{source}, repeated to {len(docs):,} documents, max_length={args.max_length}"
    )
    print(f"{'alphabet':<30}{'method':<28}{'output MB':>10}{'peak MB':>9}{'ratio':>7}")
    for label, alphabet in ALPHABETS.items():
        methods = {
            f"charquantizer n_jobs={n_jobs}": CharQuantizer(
                alphabet=alphabet, max_length=args.max_length, n_jobs=n_jobs
            )
            .fit(docs[:1])
            .transform
            for n_jobs in (1, 2)
        }
        if alphabet != "bytes":
            quantizer = CharQuantizer(alphabet=alphabet, max_length=args.max_length)
            quantizer.fit(docs[:1])
            methods["one_block (former)"] = lambda d, q=quantizer: one_block_transform(
                q, d
            )
        reference = None
        rows[label] = {}
        for name, transform in methods.items():
            ratio, peak, codes = peakmem_ratio(transform, docs)
            if reference is None:
                reference = codes
            else:
                assert np.array_equal(codes, reference), (label, name)
            rows[label][name] = {
                "output_mb": round(codes.nbytes / 1e6, 1),
                "peak_mb": round(peak / 1e6, 1),
                "peak_over_output": round(ratio, 3),
            }
            print(
                f"{label:<30}{name:<28}{codes.nbytes / 1e6:>10.1f}"
                f"{peak / 1e6:>9.1f}{ratio:>7.2f}"
            )
            del codes
        del reference

    paper = rows["paper"]
    summary = (
        f"peak {paper['charquantizer n_jobs=1']['peak_over_output']}x the output "
        f"for {len(docs):,} documents at max_length={args.max_length} "
        f"({paper['one_block (former)']['peak_over_output']}x with the former "
        "one-block implementation)"
    )
    write_result(
        "quantizer_memory",
        {
            "question": "How much memory does CharQuantizer.transform take "
            "beyond its output?",
            "command": command_line(argv),
            "summary": summary,
            "data": f"{source}, repeated to {len(docs):,} documents",
            "n_docs": len(docs),
            "max_length": args.max_length,
            "measure": "tracemalloc peak during transform / output bytes",
            "results": rows,
        },
        smoke=args.smoke,
    )
    print(summary)


if __name__ == "__main__":
    main()
