"""Whole IMDB reviews in windows, against the first 512 or 1,014 characters.

The same char-CNN (the ``compare`` engine's, ``make_models``, seed 0) reads
IMDB's 25,000 training reviews in one of these ways and predicts the 25,000
test reviews:

``first-512``, ``first-1014``
    ``CharQuantizer(max_length=N)``: the paper's rule, the first N
    characters of each review.
``windows-512``
    ``CharQuantizer(max_length=<longest review>)`` and
    ``CharCNNClassifier(window_length=512)``: one window of 512 characters
    drawn at random per review and epoch in training; every window of a
    review (``window_stride`` apart, the last ending at the review's end),
    pooled, in prediction. Its test accuracy is given for each pool
    (``window_pool``: mean of logits, mean of probabilities, maximum).
``windows-512-all``
    The same, training on every window of a review, pooled
    (``window_training="all"``).

For each: accuracy with its 95% bootstrap interval, McNemar's test against
the first variant, fit and predict time, and where the fit's time goes:
the training batches (timed by a skorch callback), per training row and
epoch, and the rest (validation, set-up). The ratio of the windowed
training time per row to that of the first variant is the cost of a
window against a fixed-length row of the same length.

Run: ``python benchmarks/bench_long_documents.py`` (``first-512`` and
``windows-512``, 6 epochs, batches of 32: the settings of the
``accuracy_imdb`` record), ``--variants first-512,windows-512,windows-512-all
--n-train 5000 --n-test 5000 --set max_epochs=3`` (random or every window),
``--smoke`` (200 AG News articles, no record).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import (
    SHARED_DATA,
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    add_settings_option,
    add_smoke_option,
    add_variants_option,
    write_result,
)
from skorch.callbacks import Callback

from sklearn_charcnn.compare import load_corpus, make_models, subsample
from sklearn_charcnn.compare.stats import (
    bootstrap_accuracy_ci,
    format_p_value,
    mcnemar,
)

VARIANTS = {
    "first-512": {"max_length": 512},
    "first-1014": {"max_length": 1014},
    "windows-512": {"window_length": 512},
    "windows-512-all": {"window_length": 512, "window_training": "all"},
}
POOLS = ("mean", "mean-proba", "max")
SETTINGS = {"max_epochs": 6, "batch_size": 32}


class TrainingTime(Callback):
    """Seconds spent in training batches (forward, backward, step)."""

    def initialize(self):
        self.seconds = 0.0
        self._start = None
        return self

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self._start = time.perf_counter()

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self.seconds += time.perf_counter() - self._start


def load(args):
    if args.smoke:
        corpus = load_corpus("ag_news")
        X, y = np.asarray(corpus.data, dtype=object), np.asarray(corpus.target)
        X, y = subsample(X, y, SMOKE_DOCS, random_state=0)
        half = len(X) // 2
        return (X[:half], y[:half]), (X[half:], y[half:]), "AG News (embedded)"
    home = args.data_home
    train = load_corpus("imdb", subset="train", data_home=home)
    test = load_corpus("imdb", subset="test", data_home=home)
    train = subsample(train.data, train.target, args.n_train, random_state=0)
    test = subsample(test.data, test.target, args.n_test, random_state=1)
    return train, test, "IMDB (Maas et al. 2011), official train/test split"


def coverage(lengths, n_chars):
    """Share of all the characters of the documents within their first n."""
    return float(np.minimum(lengths, n_chars).sum() / lengths.sum())


def fit_variant(name, settings, longest, train, test):
    params = {**settings, **VARIANTS[name]}
    params.setdefault("max_length", longest)
    params["callbacks"] = [TrainingTime()]
    model = make_models(["char-cnn"], charcnn=params)["char-cnn"]
    start = time.perf_counter()
    model.fit(*train)
    fit_s = time.perf_counter() - start
    classifier = model[-1]
    (timer,) = [c for _, c in classifier.net_.callbacks_ if isinstance(c, TrainingTime)]
    epochs = len(classifier.history_)
    n_rows = len(train[0]) * (1 - classifier.validation_fraction)
    result = {
        "settings": {k: v for k, v in params.items() if k != "callbacks"},
        "fit_s": round(fit_s, 1),
        "epochs": epochs,
        "training_batches_s": round(timer.seconds, 1),
        "training_ms_per_row_epoch": round(1e3 * timer.seconds / (epochs * n_rows), 3),
    }
    pools = POOLS if "window_length" in params else (None,)
    for pool in pools:
        if pool is not None:
            model.set_params(charcnnclassifier__window_pool=pool)
        start = time.perf_counter()
        predicted = model.predict(test[0])
        key = "predict" if pool in (None, "mean") else f"predict_{pool}"
        result[f"{key}_s"] = round(time.perf_counter() - start, 1)
        result.setdefault("correct", {})[pool or "first"] = predicted == test[1]
    return result


def score(results, names, n_test):
    """Accuracy rows and summary lines; McNemar against the first variant."""
    reference = results[names[0]]["correct"]
    reference = reference.get("first", reference.get("mean"))
    lines = []
    for name in names:
        result = results[name]
        for pool, correct in result.pop("correct").items():
            n_right = int(correct.sum())
            low, high = bootstrap_accuracy_ci(n_right, n_test)
            row = {"accuracy": n_right / n_test, "ci95": [low, high]}
            line = f"{name}{'' if pool in ('first', 'mean') else f' ({pool})'}: "
            line += f"accuracy {row['accuracy']:.4f} (95% CI {low:.3f}-{high:.3f})"
            if name != names[0]:
                test = mcnemar(
                    int((correct & ~reference).sum()), int((~correct & reference).sum())
                )
                row["mcnemar_p"] = test.p_value
                line += f"; McNemar vs {names[0]} p {format_p_value(test.p_value)}"
            result.setdefault("accuracy", {})[pool] = row
            lines.append(line)
        lines[-1] += (
            f"; fit {result['fit_s']} s ({result['epochs']} epochs, training batches "
            f"{result['training_ms_per_row_epoch']} ms per row and epoch), "
            f"predict {result['predict_s']} s"
        )
    cost = results[names[0]]["training_ms_per_row_epoch"]
    lines += [
        f"training time per row and epoch, {name} / {names[0]}: "
        f"{results[name]['training_ms_per_row_epoch'] / cost:.2f}"
        for name in names[1:]
    ]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_variants_option(
        parser, VARIANTS, "first-512,windows-512", "; the first is the reference"
    )
    add_settings_option(parser)
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    parser.add_argument(
        "--data-home", default=str(SHARED_DATA) if SHARED_DATA.is_dir() else None
    )
    parser.add_argument("--output", default="long_documents_imdb")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    names = args.variants
    settings = {**SETTINGS, **dict(args.settings)}
    if args.smoke:
        settings.update({k: v for k, v in SMOKE_CHARCNN.items() if k != "max_length"})
    train, test, corpus = load(args)
    lengths = np.array([len(doc) for doc in train[0]] + [len(doc) for doc in test[0]])
    longest = int(lengths.max())
    results = {}
    for name in names:
        print(f"fitting {name} ...", flush=True)
        results[name] = fit_variant(name, settings, longest, train, test)
    summary = [
        f"{corpus}: {len(train[0]):,} training / {len(test[0]):,} test documents; "
        f"the first 512 characters hold {coverage(lengths, 512):.0%} of the text, "
        f"the first 1,014 {coverage(lengths, 1014):.0%}, windows all of it "
        f"(longest document {longest:,} characters)",
        *score(results, names, len(test[1])),
    ]
    print("\n".join(summary))
    write_result(
        args.output + ("" if args.n_train is None else f"_n{len(train[0])}"),
        {
            "question": "Does reading whole documents in windows beat the first "
            "N characters?",
            "summary": summary,
            "corpus": corpus,
            "settings": settings,
            "variants": results,
        },
        smoke=args.smoke,
    )


if __name__ == "__main__":
    main()
