"""How fast is CharQuantizer, against the usual ways of writing the same encoding?

Compares, in one run and on the same documents, on one core:

- ``CharQuantizer.transform`` (vectorised with numpy);
- a naive loop that looks up every character in a dict and writes it into the
  output array one by one;
- the Keras style: index each document to a list of codes (a comprehension
  per document, as ``Tokenizer(char_level=True).texts_to_sequences``), then
  pad the lists into an array (as ``pad_sequences``).

All three produce identical arrays (checked). Throughput is reported as MB/s
of input text (UTF-8 bytes of the documents) and as millions of encoded
characters per second, at the paper's ``max_length=1014`` and with no
truncation. Data: the 25,000 IMDB training reviews from ``../shared/data``,
or generated text when that folder is absent.

Run: ``python benchmarks/bench_quantizer.py [--n-docs N]``
"""

from __future__ import annotations

import argparse
import csv
import lzma
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _common import SHARED_DATA, best_of, write_result  # noqa: E402

from sklearn_charcnn.quantizer import CharQuantizer  # noqa: E402


def load_documents(n_docs: int | None) -> tuple[list[str], str]:
    path = SHARED_DATA / "imdb" / "train.csv.xz"
    if path.is_file():
        with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
            docs = [row["text"] for row in csv.DictReader(handle)]
        source = "IMDB train (25,000 reviews)"
    else:
        rng = np.random.default_rng(0)
        alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz ,.!?'ABCDE0123"))
        lengths = rng.integers(200, 2600, size=25_000)
        docs = ["".join(rng.choice(alphabet, size=n)) for n in lengths]
        source = "generated text (25,000 documents, 200-2,600 characters)"
    if n_docs is not None:
        docs = docs[:n_docs]
    return docs, source


def naive_loop(docs, vocabulary, max_length, lowercase=True):
    out = np.zeros((len(docs), max_length), dtype=np.uint8)
    for i, doc in enumerate(docs):
        kept = doc[:max_length]
        for j, char in enumerate(kept):
            if lowercase:
                char = char.lower()
            out[i, len(kept) - 1 - j] = vocabulary.get(char, 0)
    return out


def keras_style(docs, vocabulary, max_length):
    get = vocabulary.get
    sequences = [[get(c, 0) for c in doc[:max_length].lower()] for doc in docs]
    out = np.zeros((len(sequences), max_length), dtype=np.uint8)
    for i, seq in enumerate(sequences):
        out[i, : len(seq)] = seq[::-1]
    return out


def time_quantizers(docs, max_length, repeat):
    quantizer = CharQuantizer(max_length=max_length).fit(docs[:1])
    vocabulary = quantizer.vocabulary_
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    kept_chars = sum(min(len(d), max_length) for d in docs) / 1e6

    codes = quantizer.transform(docs)
    np.testing.assert_array_equal(codes, keras_style(docs, vocabulary, max_length))
    np.testing.assert_array_equal(
        codes[:200], naive_loop(docs[:200], vocabulary, max_length)
    )

    seconds = {
        "charquantizer": best_of(lambda: quantizer.transform(docs), repeat),
        "keras_style": best_of(
            lambda: keras_style(docs, vocabulary, max_length), repeat
        ),
        "naive_loop": best_of(lambda: naive_loop(docs, vocabulary, max_length), 1),
    }
    rows = {}
    for name, sec in seconds.items():
        rows[name] = {
            "seconds": round(sec, 4),
            "input_mb_per_s": round(mb / sec, 1),
            "mchars_per_s": round(kept_chars / sec, 2),
        }
    for name in ("keras_style", "naive_loop"):
        rows[name]["charquantizer_speedup"] = round(
            seconds[name] / seconds["charquantizer"], 1
        )
    return {
        "max_length": max_length,
        "input_mb": round(mb, 2),
        "encoded_mchars": round(kept_chars, 2),
        "results": rows,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    docs, source = load_documents(args.n_docs)
    longest = max(len(d) for d in docs)
    runs = [
        time_quantizers(docs, 1014, args.repeat),
        time_quantizers(docs, longest, args.repeat),
    ]
    for run in runs:
        print(
            f"\n{source}: {len(docs)} docs, {run['input_mb']} MB, "
            f"max_length={run['max_length']}, {run['encoded_mchars']} M chars encoded"
        )
        print(
            f"{'method':<15}{'seconds':>9}{'input MB/s':>12}{'M chars/s':>11}{'ratio':>8}"
        )
        for name, row in run["results"].items():
            ratio = row.get("charquantizer_speedup", 1.0)
            print(
                f"{name:<15}{row['seconds']:>9.3f}{row['input_mb_per_s']:>12.1f}"
                f"{row['mchars_per_s']:>11.2f}{ratio:>7.1f}x"
            )
    paper = runs[0]["results"]
    summary = (
        f"{paper['charquantizer']['input_mb_per_s']} MB/s at max_length=1014, "
        f"{paper['naive_loop']['charquantizer_speedup']}x a naive loop, "
        f"{paper['keras_style']['charquantizer_speedup']}x Keras-style"
    )
    command = "python benchmarks/bench_quantizer.py"
    if args.n_docs is not None:
        command += f" --n-docs {args.n_docs}"
    path = write_result(
        "quantizer_speed",
        {
            "command": command,
            "summary": summary,
            "data": source,
            "n_docs": len(docs),
            "threads": 1,
            "runs": runs,
        },
    )
    print(f"\nwrote {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
