"""How fast is ThesaurusAugmenter, and what do augmented copies cost?

Two questions, each written to its own JSON result, each measured in a fresh
Python process, so that WordNet and the augmenter's per-process synonym
cache start empty.

``--part copies`` (``results/augmenter_copies_ag.json``): what does
``ThesaurusAugmenter(n_copies=2).fit_transform`` cost on the AG News
training split that ``compare`` uses (:func:`~sklearn_charcnn.compare.split_indices`:
80/20 stratified, ``random_state=0``, 6,080 documents), with WordNet, in
total and per copy? Measured with an empty synonym cache (the first call in
the process) and again warm. The reference, in the same run: encoding the
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
- a naive reference on a subset: the same augmenter with
  :class:`UncachedWordNet`, which calls ``wordnet.lemmas`` and ranks the
  synonyms again at every lookup, given one document per call, so that
  every word is looked up again in every document, as a straightforward
  implementation does (nltk's own synset cache stays on). The augmenter and
  the reference produce identical documents (checked), so the ratio compares
  like with like.

Throughput is reported in documents per second and in MB/s of input text
(UTF-8 bytes). WordNet is found the way nltk finds it (``NLTK_DATA``); if
nltk cannot find it, ``../shared/data/nltk_data`` is tried.

Run: ``python benchmarks/bench_augmenter.py [--part all|copies|imdb]
[--epoch-reference] [--n-naive N]``; ``--smoke`` runs both parts on a few
dozen documents and writes no record.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _common import (  # noqa: E402
    SHARED_DATA,
    SMOKE_NETWORK,
    add_smoke_option,
    best_of,
    find_wordnet,
    write_result,
)

from sklearn_charcnn import (  # noqa: E402
    CharCNNClassifier,
    CharQuantizer,
    ThesaurusAugmenter,
)
from sklearn_charcnn.compare import load_corpus, split_indices  # noqa: E402
from sklearn_charcnn.thesaurus import (  # noqa: E402
    WordNetThesaurus,
    load_wordnet,
    rank_synonyms,
)

SMOKE_TEXTS = 40
"""Documents of each part in a smoke run (10 for the naive reference)."""


class UncachedWordNet(WordNetThesaurus):
    """WordNet's ranked synonyms, looked up again at every call.

    The ranking of :func:`~sklearn_charcnn.thesaurus.wordnet_synonyms`
    without its per-process cache: the senses in which the word is a lemma
    (for a lower-case word, only those spelled in lower case), their lemmas
    in WordNet's order, cleaned by
    :func:`~sklearn_charcnn.thesaurus.rank_synonyms`.
    """

    def get(self, word, default=()):
        lower = word.lower()
        lemmas = load_wordnet().lemmas(lower)
        if word == lower:
            lemmas = [lemma for lemma in lemmas if lemma.name() == lower]
        synonyms = rank_synonyms(
            lower,
            (other.name() for lemma in lemmas for other in lemma.synset().lemmas()),
        )
        return synonyms or default


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def in_fresh_process(function, *args):
    """Run ``function(*args)`` in a new Python process (same core, empty caches)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def timed(func):
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def time_loading() -> tuple[float, float]:
    """Seconds to load WordNet and to build the word pattern, once per process.

    The word pattern of non-ASCII documents lists every combining mark; a
    user's thesaurus builds it without WordNet.
    """
    find_wordnet()
    wordnet_seconds = timed(load_wordnet)[1]
    cafe = ThesaurusAugmenter(thesaurus={"cafe": ["coffee shop"]}, random_state=0)
    pattern_seconds = timed(lambda: cafe.fit_transform(["cafe\u0301 au lait"]))[1]
    return wordnet_seconds, pattern_seconds


def time_augment(docs):
    augmenter = ThesaurusAugmenter(random_state=0)
    return timed(lambda: augmenter.fit_transform(docs))


def time_naive_reference(docs):
    augmenter = ThesaurusAugmenter(thesaurus=UncachedWordNet(), random_state=0)
    augmenter.fit([])
    # One generator through all calls: the same draws as one call of
    # fit_transform with random_state=0.
    rng = np.random.default_rng(0)
    return timed(lambda: [augmenter.augment([d], random_state=rng)[0] for d in docs])


def rates(n_docs, mb, seconds):
    return {
        "seconds": round(seconds, 3),
        "docs_per_s": round(n_docs / seconds, 1),
        "mb_per_s": round(mb / seconds, 3),
    }


def time_one_epoch(rows, y, smoke) -> float:
    """Fit one epoch of the default char-CNN on rows (max_length=256)."""
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        CharQuantizer(max_length=256),
        CharCNNClassifier(
            max_epochs=1,
            validation_fraction=0.0,
            device="cpu",
            random_state=0,
            **(SMOKE_NETWORK if smoke else {}),
        ),
    )
    return timed(lambda: model.fit(rows, y))[1]


def measure_copies(n_copies, epoch_reference, smoke) -> dict:
    """Time fit_transform(n_copies) on the AG training split, cold then warm."""
    corpus = load_corpus()
    [(train, _)] = split_indices(corpus.target)
    if smoke:
        train = train[:SMOKE_TEXTS]
    docs, y = [corpus.data[i] for i in train], corpus.target[train]
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
        epoch = time_one_epoch(epoch_rows, np.concatenate([y, y]), smoke)
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


def copies_summary(result) -> list[str]:
    """The copies part's findings in sentences."""
    summary = [
        f"{result['n_copies']} augmented copies of the {result['n_docs']:,} AG News "
        f"training documents ({result['n_rows']:,} rows): first call "
        f"{result['first_call_seconds']:.1f} s (WordNet load "
        f"{result['wordnet_load_seconds']:.1f} s before it), "
        f"{result['seconds_per_copy_warm']:.2f} s per copy when warm"
    ]
    epoch = (
        f"{result['copy_over_epoch']:.1%} of one training epoch on the originals "
        f"plus one copy ({result['epoch_seconds']:.0f} s), and "
        if "epoch_seconds" in result
        else ""
    )
    summary.append(
        f"a warm copy costs {epoch}{result['copy_over_reference']}x quantizing the "
        f"rows (load average {result['load_average_1min']:.2f})"
    )
    return summary


def part_copies(args, pinning) -> dict:
    """The copies part, in its own process: load times first, then the copies."""
    wordnet_seconds, pattern_seconds = time_loading()
    result = {
        "question": "What do augmented copies cost on the AG News training "
        "split, against an epoch?",
        "cpu": pinning,
        "wordnet_load_seconds": round(wordnet_seconds, 3),
        "word_pattern_seconds": round(pattern_seconds, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **measure_copies(args.n_copies, args.epoch_reference, args.smoke),
    }
    result["summary"] = copies_summary(result)
    return result


def part_imdb(args, pinning) -> dict:
    """The IMDB part, in its own process."""
    wordnet_seconds = time_loading()[0]
    corpus, load_seconds = timed(
        lambda: load_corpus("imdb", subset="train", data_home=SHARED_DATA)
    )
    docs = corpus.data[:SMOKE_TEXTS] if args.smoke else corpus.data
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
        "question": "How fast is ThesaurusAugmenter against a naive WordNet lookup?",
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
    result["summary"] = [
        f"augmenting the {len(docs):,} IMDB training reviews ({mb:.1f} MB) with "
        f"WordNet takes {cold:.1f} s on one core with an empty synonym cache and "
        f"{warm:.1f} s with a warm one, after {wordnet_seconds:.1f} s to load "
        f"WordNet ({changed:.1%} of the reviews changed)",
        f"{result['subset']['speedup']}x a naive per-word WordNet lookup on a "
        f"{len(subset):,}-review subset",
    ]
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
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_naive, args.epoch_reference = SMOKE_TEXTS // 4, True
    pinning = pin_to_one_core()  # the processes of the parts inherit it
    parts = {"copies": part_copies, "imdb": part_imdb}
    records = {"copies": "augmenter_copies_ag", "imdb": "augmenter_speed"}
    for part in parts if args.part == "all" else [args.part]:
        result = in_fresh_process(parts[part], args, pinning)
        print("\n".join(result["summary"]))
        write_result(records[part], result, smoke=args.smoke)


if __name__ == "__main__":
    main()
