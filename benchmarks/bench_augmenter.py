"""How fast is ThesaurusAugmenter, and what do augmented copies cost?

Two questions, each written to its own JSON result.

``--part copies`` (``results/augmenter_copies_ag.json``): what does
``ThesaurusAugmenter(n_copies=2).fit_transform`` cost on the AG News
training split that ``compare`` uses (the package's loader, 80/20
stratified, ``random_state=0``: 6,080 documents), with WordNet, in total
and per copy? Measured with an empty synonym cache (the first call in a
process) and again warm. The reference, in the same run: encoding the
resulting 18,240 rows with ``CharQuantizer(max_length=256)``, the step that
follows in the pipeline; with ``--epoch-reference``, also one training
epoch of the default char-CNN (``max_length=256``, same core) on the
originals plus one copy, which is what an epoch of ``per_epoch=True`` trains
on. Its copies are drawn ahead of time, at ``fit_transform``: the
augmentation cost per epoch is the cost of one copy.

``--part imdb`` (``results/augmenter_speed.json``): how fast is
ThesaurusAugmenter on the 25,000 IMDB training reviews? Measures, in one
run, on one core:

- loading WordNet (once per process, timed on its own);
- ``ThesaurusAugmenter(random_state=0).fit_transform`` on all reviews, first
  with an empty synonym cache (every distinct word looked up in WordNet) and
  then again with the per-process cache filled;
- a naive reference on a subset: the same algorithm, but calling
  ``wordnet.lemmas`` and ranking the synonyms again for every word of every
  document, as a straightforward implementation does (nltk's own synset
  cache stays on). On the subset the augmenter and the reference produce
  identical documents (checked), so the ratio compares like with like.

Throughput is reported in documents per second and in MB/s of input text
(UTF-8 bytes). WordNet is found the way nltk finds it (``NLTK_DATA``); if
nltk cannot find it, ``../shared/data/nltk_data`` is tried.

Run: ``python benchmarks/bench_augmenter.py [--part all|copies|imdb]
[--epoch-reference] [--n-naive N]``
"""

from __future__ import annotations

import argparse
import csv
import lzma
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import nltk  # noqa: E402
import numpy as np  # noqa: E402
from _common import SHARED_DATA, best_of, write_result  # noqa: E402

from sklearn_charcnn import thesaurus  # noqa: E402
from sklearn_charcnn.augmenter import (  # noqa: E402
    ThesaurusAugmenter,
    _check_generator,
    _split_words,
    _truncated_geometric,
    _word_pattern,
)
from sklearn_charcnn.thesaurus import load_wordnet, rank_synonyms  # noqa: E402


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def load_reviews() -> list[str]:
    path = SHARED_DATA / "imdb" / "train.csv.xz"
    if not path.is_file():
        raise SystemExit(f"IMDB data not found: {path}")
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def naive_augment(docs, augmenter, rng):
    """The same augmentation, looking every word up in WordNet every time."""
    wordnet = load_wordnet()
    stop_words, min_length = augmenter.stop_words_, augmenter.min_word_length
    p, q = augmenter.p, augmenter.q
    out = []
    for doc in docs:
        pieces = _split_words(doc)
        options = []
        for token in pieces[1::2]:
            lower = token.lower()
            synonyms = ()
            if len(token) >= min_length and lower not in stop_words:
                lemmas = wordnet.lemmas(lower)
                if token == lower:
                    lemmas = [lemma for lemma in lemmas if lemma.name() == lower]
                synonyms = rank_synonyms(
                    lower,
                    (o.name() for lemma in lemmas for o in lemma.synset().lemmas()),
                )
                if token == lower or not synonyms:
                    pass
                elif token[0].isupper() and token[1:] == lower[1:]:
                    synonyms = tuple(s[:1].upper() + s[1:] for s in synonyms)
                elif token == token.upper():
                    synonyms = tuple(s.upper() for s in synonyms)
                else:
                    synonyms = ()
            options.append(synonyms)
        where = [i for i, synonyms in enumerate(options) if synonyms]
        n = len(where)
        if n == 0:
            out.append(doc)
            continue
        u = rng.random(n + 1)
        r = 1 + _truncated_geometric(u[0], p, n)
        chosen = range(n) if r == n else np.argpartition(u[1:], r - 1)[:r]
        for j, v in zip(chosen, rng.random(r), strict=True):
            synonyms = options[where[j]]
            pieces[2 * where[j] + 1] = synonyms[
                _truncated_geometric(v, q, len(synonyms))
            ]
        out.append("".join(pieces))
    return out


def timed(func):
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def time_wordnet_load():
    try:
        nltk.data.find("corpora/wordnet.zip")
    except LookupError:
        nltk.data.path.append(str(SHARED_DATA / "nltk_data"))
    return timed(load_wordnet)[1]


def time_augment(docs):
    augmenter = ThesaurusAugmenter(random_state=0)
    return timed(lambda: augmenter.fit_transform(docs))


def time_naive_reference(docs):
    augmenter = ThesaurusAugmenter(random_state=0).fit([])
    return timed(lambda: naive_augment(docs, augmenter, _check_generator(0)))


def rates(n_docs, mb, seconds):
    return {
        "seconds": round(seconds, 3),
        "docs_per_s": round(n_docs / seconds, 1),
        "mb_per_s": round(mb / seconds, 3),
    }


def load_ag_train() -> tuple[list[str], np.ndarray]:
    from sklearn.model_selection import train_test_split

    from sklearn_charcnn.datasets import load_ag_news

    X, y = load_ag_news(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    return X_train, y_train


def time_one_epoch(rows, y) -> float:
    """Fit one epoch of the default char-CNN on rows (max_length=256)."""
    from sklearn.pipeline import make_pipeline

    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    model = make_pipeline(
        CharQuantizer(max_length=256),
        CharCNNClassifier(
            max_epochs=1, validation_fraction=0.0, device="cpu", random_state=0
        ),
    )
    return timed(lambda: model.fit(rows, y))[1]


def measure_copies(n_copies: int = 2, epoch_reference: bool = False) -> dict:
    """Time fit_transform(n_copies) on the AG training split, cold then warm."""
    from sklearn_charcnn.quantizer import CharQuantizer

    docs, y = load_ag_train()
    augmenter = ThesaurusAugmenter(n_copies=n_copies, random_state=0)
    rows, cold = timed(lambda: augmenter.fit_transform(docs))
    again, warm = timed(lambda: augmenter.fit_transform(docs))
    assert again == rows and len(rows) == (n_copies + 1) * len(docs)
    quantizer = CharQuantizer(max_length=256).fit([])
    quantize = best_of(lambda: quantizer.transform(rows))
    changed = sum(
        a != d for a, d in zip(rows[len(docs) :], docs * n_copies, strict=True)
    ) / (n_copies * len(docs))
    per_copy = warm / n_copies
    result = {
        "data": f"AG News training split ({len(docs):,} documents, 80/20 "
        "stratified, random_state=0)",
        "n_docs": len(docs),
        "n_copies": n_copies,
        "n_rows": len(rows),
        "fraction_of_copies_changed": round(changed, 4),
        # The first call looks every distinct word up in WordNet (cached per
        # process, so mostly during copy 1); later copies cost the warm rate.
        "first_call_seconds": round(cold, 3),
        "warm_call_seconds": round(warm, 3),
        "seconds_per_copy_warm": round(per_copy, 3),
        "reference": "CharQuantizer(max_length=256).transform of all rows, best of 3",
        "reference_seconds": round(quantize, 3),
        "copy_over_reference": round(per_copy / quantize, 1),
    }
    if epoch_reference:
        # One epoch of per_epoch=True: the originals plus one copy.
        epoch_rows = list(rows[: 2 * len(docs)])
        epoch = time_one_epoch(epoch_rows, np.concatenate([y, y]))
        result.update(
            {
                "epoch_reference": "fit of CharCNNClassifier(max_epochs=1, "
                "validation_fraction=0) after CharQuantizer(max_length=256) on "
                f"the originals plus one copy ({len(epoch_rows):,} rows), the same "
                "single CPU core",
                "epoch_seconds": round(epoch, 3),
                "copy_over_epoch": round(per_copy / epoch, 4),
                "first_call_over_epoch": round(cold / epoch, 4),
            }
        )
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["all", "copies", "imdb"], default="all")
    parser.add_argument("--n-naive", type=int, default=500)
    parser.add_argument("--n-copies", type=int, default=2)
    parser.add_argument(
        "--epoch-reference",
        action="store_true",
        help="also time one training epoch on the originals plus one copy",
    )
    args = parser.parse_args(argv)
    pinning = pin_to_one_core()
    wordnet_seconds = time_wordnet_load()
    # Once per process, like loading WordNet: the word pattern lists every
    # combining mark of the Unicode database.
    pattern_seconds = timed(_word_pattern)[1]
    print(
        f"WordNet load: {wordnet_seconds:.2f} s, word pattern "
        f"{pattern_seconds:.2f} s, {pinning}"
    )
    if args.part in ("all", "copies"):
        thesaurus._ranked.clear()  # cold-cache figures: empty synonym cache
        result = {
            "cpu": pinning,
            "wordnet_load_seconds": round(wordnet_seconds, 3),
            "word_pattern_seconds": round(pattern_seconds, 3),
            "load_average_1min": round(os.getloadavg()[0], 2),
            **measure_copies(args.n_copies, args.epoch_reference),
        }
        k = result["n_copies"]
        print(f"{result['data']}: n_copies={k}, {result['n_rows']:,} rows")
        print(
            f"  fit_transform: first call {result['first_call_seconds']:.2f} s "
            f"(WordNet lookups of every word), then {result['warm_call_seconds']:.2f}"
            f" s, {result['seconds_per_copy_warm']:.2f} s per copy"
        )
        print(
            f"  reference: quantizing the {result['n_rows']:,} rows "
            f"{result['reference_seconds']:.3f} s; a copy costs "
            f"{result['copy_over_reference']}x that"
        )
        if "epoch_seconds" in result:
            print(
                f"  one epoch on originals + one copy: {result['epoch_seconds']:.1f} s;"
                f" a copy is {result['copy_over_epoch']:.1%} of it, the first "
                f"call {result['first_call_over_epoch']:.1%}"
            )
        path = write_result("augmenter_copies_ag", result)
        print(f"wrote {path.relative_to(path.parents[2])}")
    if args.part in ("all", "imdb"):
        thesaurus._ranked.clear()
        measure_imdb(args, pinning, wordnet_seconds)


def measure_imdb(args, pinning, wordnet_seconds):
    docs, load_seconds = timed(load_reviews)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6

    augmented, cold = time_augment(docs)
    again, warm = time_augment(docs)
    assert again == augmented  # same random_state, same output
    changed = sum(a != d for a, d in zip(augmented, docs, strict=True)) / len(docs)

    # The subset: every k-th review, so both labels and all lengths appear.
    step = max(1, len(docs) // args.n_naive)
    subset = docs[::step][: args.n_naive]
    mb_subset = sum(len(d.encode("utf-8")) for d in subset) / 1e6
    ours_subset, ours_seconds = time_augment(subset)
    naive_subset, naive_seconds = time_naive_reference(subset)
    assert naive_subset == ours_subset, "the reference must produce the same text"

    result = {
        "data": f"IMDB train ({len(docs):,} reviews, {mb:.1f} MB)",
        "cpu": pinning,
        "csv_load_seconds": round(load_seconds, 3),
        "wordnet_load_seconds": round(wordnet_seconds, 3),
        "full": {
            "n_docs": len(docs),
            "input_mb": round(mb, 2),
            "fraction_of_docs_changed": round(changed, 4),
            "cold_cache": rates(len(docs), mb, cold),
            "warm_cache": rates(len(docs), mb, warm),
        },
        "subset": {
            "n_docs": len(subset),
            "input_mb": round(mb_subset, 3),
            "thesaurus_augmenter": rates(len(subset), mb_subset, ours_seconds),
            "naive_reference": rates(len(subset), mb_subset, naive_seconds),
            "speedup": round(naive_seconds / ours_seconds, 1),
        },
    }

    print(f"{result['data']}, {pinning}")
    print(f"WordNet load: {wordnet_seconds:.2f} s (CSV load {load_seconds:.2f} s)")
    print(f"{'run':<34}{'docs':>7}{'seconds':>9}{'docs/s':>10}{'MB/s':>8}")
    rows = [
        ("augmenter, all, cold cache", len(docs), result["full"]["cold_cache"]),
        ("augmenter, all, warm cache", len(docs), result["full"]["warm_cache"]),
        (
            "augmenter, subset (warm)",
            len(subset),
            result["subset"]["thesaurus_augmenter"],
        ),
        ("naive reference, subset", len(subset), result["subset"]["naive_reference"]),
    ]
    for name, n, row in rows:
        print(
            f"{name:<34}{n:>7}{row['seconds']:>9.2f}{row['docs_per_s']:>10.0f}"
            f"{row['mb_per_s']:>8.2f}"
        )
    print(f"speedup over the naive reference: {result['subset']['speedup']}x")
    print(f"documents changed: {changed:.1%}")
    path = write_result("augmenter_speed", result)
    print(f"wrote {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
