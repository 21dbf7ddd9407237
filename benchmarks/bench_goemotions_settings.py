"""Which char-CNN settings for GoEmotions, chosen on its development split?

The ``compare`` engine's char-CNN for GoEmotions (``make_models`` with
``CORPUS_CHARCNN["goemotions"]``: ``max_length=128``, 10 epochs, one
threshold per label tuned on its own validation split, seed 0) trains on
the 43,410 comments of the training split, once per variant:

``smoothing-0.1``
    ``label_smoothing=0.1``: the default recipe's smoothing for one label
    per document, applied to every label's target.
``no-smoothing``
    ``label_smoothing=0``: binary cross-entropy on the 0/1 targets.
``balanced``
    ``label_smoothing=0`` and ``class_weight="balanced"``: each label's
    positive term weighed by its negatives / positives.

Each is scored on the 5,426 comments of the development split (the test
split is not read): macro-F1 with the tuned thresholds and at 0.5, and
micro-F1, with the fit time and the per-epoch training and validation
curves.

Run: ``python benchmarks/bench_goemotions_settings.py [--variants a,b]``;
``--smoke`` (200 training and 100 development comments, a tiny network,
one epoch, no record).
"""

from __future__ import annotations

import argparse
import time

from _common import (
    SHARED_DATA,
    SMOKE_CHARCNN,
    add_smoke_option,
    add_variants_option,
    write_result,
)
from sklearn.metrics import f1_score

from sklearn_charcnn.compare import CORPUS_CHARCNN, make_models
from sklearn_charcnn.datasets import fetch_goemotions

VARIANTS = {
    "smoothing-0.1": {"label_smoothing": 0.1},
    "no-smoothing": {"label_smoothing": 0.0},
    "balanced": {"label_smoothing": 0.0, "class_weight": "balanced"},
}
CURVE = ("epoch", "train_loss", "valid_loss", "valid_f1_micro", "dur")


def fit_variant(name, train, dev, smoke) -> dict:
    """Fit variant ``name`` on ``train``; score it on ``dev``."""
    settings = {**CORPUS_CHARCNN["goemotions"], **VARIANTS[name]}
    if smoke:
        settings.update(SMOKE_CHARCNN)
    model = make_models(["char-cnn"], charcnn=settings, multilabel=True)["char-cnn"]
    start = time.perf_counter()
    model.fit(train.data, train.target)
    fit_s = time.perf_counter() - start
    predicted = model.predict(dev.data)
    proba = model.predict_proba(dev.data)
    return {
        "settings": settings,
        "fit_s": round(fit_s, 1),
        "dev_macro_f1": f1_score(
            dev.target, predicted, average="macro", zero_division=0
        ),
        "dev_micro_f1": f1_score(
            dev.target, predicted, average="micro", zero_division=0
        ),
        "dev_macro_f1_at_0.5": f1_score(
            dev.target, proba > 0.5, average="macro", zero_division=0
        ),
        "history": [{key: row.get(key) for key in CURVE} for row in model[-1].history_],
    }


def summarise(results, n_train, n_dev) -> list[str]:
    """One line per variant, best development macro-F1 first."""
    lines = [
        f"GoEmotions: {n_train:,} training comments, scored on the {n_dev:,} of "
        "the development split (the test split is not read)"
    ]
    for name, result in sorted(results.items(), key=lambda x: -x[1]["dev_macro_f1"]):
        best = max(result["history"], key=lambda row: row["valid_f1_micro"])
        lines.append(
            f"{name}: dev macro-F1 {result['dev_macro_f1']:.4f} (tuned thresholds; "
            f"{result['dev_macro_f1_at_0.5']:.4f} at 0.5), micro-F1 "
            f"{result['dev_micro_f1']:.4f}; best validation micro-F1 at epoch "
            f"{best['epoch']} of {len(result['history'])}; fit {result['fit_s']:.0f} s"
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_variants_option(parser, VARIANTS)
    parser.add_argument("--data-home", default=str(SHARED_DATA))
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    names = args.variants
    train = fetch_goemotions("train", data_home=args.data_home)
    dev = fetch_goemotions("dev", data_home=args.data_home)
    if args.smoke:
        train.data, train.target = train.data[:200], train.target[:200]
        dev.data, dev.target = dev.data[:100], dev.target[:100]
    results = {}
    for name in names:
        print(f"fitting {name} ...", flush=True)
        results[name] = fit_variant(name, train, dev, args.smoke)
    summary = summarise(results, len(train.data), len(dev.data))
    print("\n".join(summary))
    write_result(
        "goemotions_settings",
        {
            "question": "Which char-CNN settings for GoEmotions, chosen on its "
            "development split?",
            "summary": summary,
            "data": "GoEmotions (Demszky et al. 2020), official train / dev split",
            "variants": results,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
