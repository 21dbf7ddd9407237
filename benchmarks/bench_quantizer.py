"""How fast is CharQuantizer, against the usual ways of writing the same encoding?

Compares, in one run and on the same documents:

- ``CharQuantizer.transform`` on one thread and with ``n_jobs=2`` (chunks of
  documents encoded by two threads);
- the one-block implementation it replaced (:func:`one_block_transform`,
  kept here as the reference): all documents truncated, joined, encoded and
  scattered into the output at once;
- a naive loop that looks up every character in a dict and writes it into the
  output array one by one;
- the Keras style: index each document to a list of codes (a comprehension
  per document, as ``Tokenizer(char_level=True).texts_to_sequences``), then
  pad the lists into an array (as ``pad_sequences``).

All produce identical arrays (checked). Throughput is reported as MB/s of
input text (UTF-8 bytes of the documents) and as millions of encoded
characters per second, at the paper's ``max_length=1014`` and with no
truncation. Each method is timed in turn, ``--repeat`` rounds, best round
kept, so that a busy machine slows them alike; the CPU time of each is
reported too (MB per CPU second), which a busy machine disturbs least.
Data: the 25,000 IMDB training reviews from ``../shared/data``, or generated
text when that folder is absent.

Run: ``python benchmarks/bench_quantizer.py [--n-docs N]``; ``--smoke``
encodes 50 documents once and writes no record.
"""

from __future__ import annotations

import argparse
import codecs
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _common import (  # noqa: E402
    SHARED_DATA,
    add_smoke_option,
    command_line,
    write_result,
)

from sklearn_charcnn.compare import format_table  # noqa: E402
from sklearn_charcnn.datasets import fetch_imdb  # noqa: E402
from sklearn_charcnn.quantizer import CharQuantizer  # noqa: E402

SMOKE_TEXTS = 50
"""Documents of a smoke run."""

# The reference's encoding error handler: one NUL (code 0) per character
# latin-1 cannot encode.
TO_NUL = "one_block.to_nul"
codecs.register_error(TO_NUL, lambda err: ("\0" * (err.end - err.start), err.end))


def load_documents(n_docs: int | None) -> tuple[list[str], str]:
    """The IMDB training reviews, or generated text without the shared data."""
    try:
        docs = fetch_imdb(
            "train", data_home=SHARED_DATA, download_if_missing=False, return_X_y=True
        )[0]
        source = "IMDB train (25,000 reviews)"
    except OSError:
        rng = np.random.default_rng(0)
        alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz ,.!?'ABCDE0123"))
        lengths = rng.integers(200, 2600, size=n_docs or 25_000)
        docs = ["".join(rng.choice(alphabet, size=n)) for n in lengths]
        source = f"generated text ({len(docs):,} documents, 200-2,600 characters)"
    return list(docs[:n_docs]), source


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


def one_block_transform(quantizer, docs):
    """The transform CharQuantizer used before chunked encoding, as reference.

    Every document is cut, lower-cased and joined into one string, encoded
    in one call and scattered into the output through a full boolean mask,
    so that the kept strings, the joined text, its bytes, the output and the
    mask are all alive at once (``bench_quantizer_memory.py`` measures the
    peak). It raises
    UnicodeEncodeError on a lone surrogate when the alphabet holds a
    character above U+00FF.
    """
    alphabet, length = quantizer.alphabet_, quantizer.max_length
    points = np.fromiter(map(ord, alphabet), dtype=np.int64, count=len(alphabet))
    table = np.zeros(points.max() + 1, dtype=quantizer.dtype_)
    table[points] = np.arange(1, len(alphabet) + 1)
    byte_table = None
    if len(table) <= 256:
        byte_table = np.zeros(256, dtype=np.uint8)
        byte_table[: len(table)] = table
        if quantizer.lowercase_:
            for upper in range(ord("A"), ord("Z") + 1):
                byte_table[upper] = byte_table[upper + 32]
        byte_table = byte_table.tobytes()
    narrow = byte_table is not None
    if quantizer.lowercase_ and narrow:
        kept = [
            d[:length] if d.isascii() else d[:length].lower()[:length] for d in docs
        ]
    elif quantizer.lowercase_:
        kept = [d[:length].lower()[:length] for d in docs]
    else:
        kept = [d[:length] for d in docs]
    lengths = np.fromiter(map(len, kept), dtype=np.intp, count=len(kept))
    text = "".join(kept)
    if narrow:
        raw = text.encode("latin-1", TO_NUL).translate(byte_table)
        codes = np.frombuffer(raw, dtype=np.uint8)
    else:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        codes = table[np.minimum(points, len(table) - 1)]
        codes[points >= len(table)] = 0
    out = np.zeros((len(kept), length), dtype=quantizer.dtype_)
    if quantizer.reverse:
        out[::-1][np.arange(length) < lengths[::-1, None]] = codes[::-1]
    else:
        out[np.arange(length) < lengths[:, None]] = codes
    return out


def time_rounds(methods: dict, repeat: int, once: tuple = ()) -> dict:
    """Best wall and CPU time of each method over ``repeat`` interleaved rounds.

    Returns ``{name: (wall_seconds, cpu_seconds)}``, each the smallest over
    the rounds. CPU time (of the whole process, every thread included) is
    what a busy machine disturbs least. Methods named in ``once`` (the slow
    loops) run in the first round only.
    """
    seconds = {}
    for round_ in range(repeat):
        for name, func in methods.items():
            if round_ and name in once:
                continue
            wall, cpu = time.perf_counter(), time.process_time()
            func()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best_wall, best_cpu = seconds.get(name, (wall, cpu))
            seconds[name] = (min(best_wall, wall), min(best_cpu, cpu))
    return seconds


def time_quantizers(docs, max_length, repeat):
    quantizer = CharQuantizer(max_length=max_length).fit(docs[:1])
    threaded = CharQuantizer(max_length=max_length, n_jobs=2).fit(docs[:1])
    vocabulary = quantizer.vocabulary_
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    kept_chars = sum(min(len(d), max_length) for d in docs) / 1e6

    codes = quantizer.transform(docs)
    # Byte-identical to the implementation it replaced, whatever the threads.
    assert np.array_equal(codes, one_block_transform(quantizer, docs))
    assert np.array_equal(codes, threaded.transform(docs))
    np.testing.assert_array_equal(codes, keras_style(docs, vocabulary, max_length))
    np.testing.assert_array_equal(
        codes[:200], naive_loop(docs[:200], vocabulary, max_length)
    )
    del codes

    seconds = time_rounds(
        {
            "charquantizer": lambda: quantizer.transform(docs),
            "charquantizer_2_threads": lambda: threaded.transform(docs),
            "one_block": lambda: one_block_transform(quantizer, docs),
            "keras_style": lambda: keras_style(docs, vocabulary, max_length),
            "naive_loop": lambda: naive_loop(docs, vocabulary, max_length),
        },
        repeat,
        once=("naive_loop",),
    )
    rows = {}
    for name, (sec, cpu) in seconds.items():
        rows[name] = {
            "threads": 2 if name == "charquantizer_2_threads" else 1,
            "seconds": round(sec, 4),
            "input_mb_per_s": round(mb / sec, 1),
            "mchars_per_s": round(kept_chars / sec, 2),
            "cpu_seconds": round(cpu, 4),
            "input_mb_per_cpu_s": round(mb / cpu, 1),
        }
    seconds = {name: sec for name, (sec, _) in seconds.items()}
    for name in ("one_block", "keras_style", "naive_loop"):
        rows[name]["charquantizer_speedup"] = round(
            seconds[name] / seconds["charquantizer"], 1
        )
    rows["charquantizer_2_threads"]["one_thread_speedup"] = round(
        seconds["charquantizer"] / seconds["charquantizer_2_threads"], 2
    )
    rows["charquantizer_2_threads"]["one_block_speedup"] = round(
        seconds["one_block"] / seconds["charquantizer_2_threads"], 2
    )
    return {
        "max_length": max_length,
        "input_mb": round(mb, 2),
        "encoded_mchars": round(kept_chars, 2),
        "results": rows,
    }


def time_ratio(row) -> float:
    """A method's time over that of ``CharQuantizer`` on one thread."""
    if "one_thread_speedup" in row:
        return 1 / row["one_thread_speedup"]
    return row.get("charquantizer_speedup", 1.0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_docs, args.repeat = SMOKE_TEXTS, 1
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
        header = ["method", "seconds", "input MB/s", "M chars/s", "ratio", "MB/CPU s"]
        rows = [
            [
                name,
                f"{row['seconds']:.3f}",
                f"{row['input_mb_per_s']:.1f}",
                f"{row['mchars_per_s']:.2f}",
                f"{time_ratio(row):.2f}x",
                f"{row['input_mb_per_cpu_s']:.1f}",
            ]
            for name, row in run["results"].items()
        ]
        print(format_table(header, rows))
    paper = runs[0]["results"]
    two = paper["charquantizer_2_threads"]
    summary = (
        f"{two['input_mb_per_s']} MB/s at max_length=1014 with n_jobs=2 "
        f"({paper['charquantizer']['input_mb_per_s']} MB/s on one thread, "
        f"{paper['charquantizer']['input_mb_per_cpu_s']} MB per CPU second; "
        f"{two['one_block_speedup']}x the former one-block implementation), "
        f"{paper['naive_loop']['charquantizer_speedup']}x a naive loop, "
        f"{paper['keras_style']['charquantizer_speedup']}x Keras-style"
    )
    write_result(
        "quantizer_speed",
        {
            "question": __doc__.splitlines()[0],
            "command": command_line(argv),
            "summary": summary,
            "data": source,
            "n_docs": len(docs),
            "threads": [1, 2],
            "runs": runs,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
