"""Does thesaurus augmentation help the char-CNN on the small AG News split?

Data: the 7,600 AG News test articles shipped with the package, split 80/20
stratified with ``random_state=0`` (6,080 to train on, 1,520 to test on), as
in ``bench_accuracy_ag.py``. The model is the ``char-cnn`` of
``sklearn_charcnn.cli.make_models`` (``CharQuantizer(max_length=256)`` and a
small ``CharCNNClassifier``, 10 epochs, its default batch size), trained on all
training documents with no internal validation split and no early stopping,
so that augmented copies of a document can never sit on both sides of a
validation split and every variant trains for the same number of epochs.
Variants:

- ``none``: the 6,080 original documents;
- ``pipeline``: ``ThesaurusAugmenter`` first in the Pipeline, so the network
  is trained on one augmented draw of each document (6,080 rows, as in the
  paper, where the augmented text replaces the original);
- ``copies``: ``augment_dataset(n_copies=2)``, the originals plus two
  augmented copies (18,240 rows, three times the steps per epoch).

WordNet, ``p = q = 0.5``, ``random_state=0`` everywhere. Each variant is one
invocation (``--variant``), so that the heavy runs can take turns with other
jobs; results accumulate in ``results/augmentation_ag.json``. Reports test
accuracy, macro-F1, the per-epoch test accuracy and the fit time.

Run: ``python benchmarks/bench_augmentation_ag.py --variant none`` (then
``pipeline``, ``copies``)
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time

from _common import RESULTS_DIR, SHARED_DATA, write_result
from sklearn.model_selection import train_test_split

from sklearn_charcnn.augmenter import ThesaurusAugmenter, augment_dataset
from sklearn_charcnn.cli import DEFAULTS, evaluate, make_models
from sklearn_charcnn.datasets import load_ag_news

NAME = "augmentation_ag"
VARIANTS = ("none", "pipeline", "copies")


def find_wordnet():
    import nltk

    try:
        nltk.data.find("corpora/wordnet.zip")
    except LookupError:
        nltk.data.path.append(str(SHARED_DATA / "nltk_data"))


def run_variant(variant, args):
    X, y = load_ag_news(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=args.random_state
    )
    models = make_models(
        ["char-cnn"],
        max_length=args.max_length,
        max_epochs=args.max_epochs,
        batch_size=DEFAULTS["batch_size"],
        augment=variant == "pipeline",
        device=args.device,
        random_state=args.random_state,
        verbose=0,
        classifier_params={"validation_fraction": 0.0, "early_stopping": False},
    )
    augment_s = 0.0
    if variant == "copies":
        started = time.perf_counter()
        augmenter = ThesaurusAugmenter(random_state=args.random_state)
        X_train, y_train = augment_dataset(
            X_train, y_train, n_copies=args.n_copies, augmenter=augmenter
        )
        augment_s = time.perf_counter() - started
    [row] = evaluate(models, X_train, y_train, X_test, y_test, quiet=True)
    history = row.get("history", [])
    return {
        "variant": variant,
        "n_train_rows": len(X_train),
        "n_test": len(X_test),
        "accuracy": round(row["accuracy"], 4),
        "macro_f1": round(row["macro_f1"], 4),
        "test_acc_per_epoch": [
            round(epoch["test_acc"], 4) for epoch in history if "test_acc" in epoch
        ],
        "augment_s": round(augment_s, 2),
        "fit_s": round(row["fit_s"], 1),
        "device": row.get("device"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--max-length", type=int, default=DEFAULTS["max_length"])
    parser.add_argument("--max-epochs", type=int, default=DEFAULTS["max_epochs"])
    parser.add_argument("--n-copies", type=int, default=2)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    find_wordnet()

    result = run_variant(args.variant, args)
    args_list = sys.argv[1:] if argv is None else list(argv)
    result["command"] = shlex.join(
        ["python", "benchmarks/bench_augmentation_ag.py", *args_list]
    )
    print(json.dumps(result, indent=2))

    path = RESULTS_DIR / f"{NAME}.json"
    previous = (
        json.loads(path.read_text()).get("variants", {}) if path.is_file() else {}
    )
    previous[args.variant] = result
    variants = {v: previous[v] for v in VARIANTS if v in previous}
    summary = {}
    if "none" in variants:
        for v in ("pipeline", "copies"):
            if v in variants:
                summary[f"accuracy_{v}_minus_none"] = round(
                    variants[v]["accuracy"] - variants["none"]["accuracy"], 4
                )
    path = write_result(
        NAME,
        {
            "question": "Does WordNet synonym augmentation help the char-CNN on AG News?",
            "data": "AG News test split (embedded), 80/20 stratified, random_state=0",
            "settings": {
                "max_length": args.max_length,
                "max_epochs": args.max_epochs,
                "batch_size": DEFAULTS["batch_size"],
                "validation_fraction": 0.0,
                "early_stopping": False,
                "p": 0.5,
                "q": 0.5,
                "n_copies": args.n_copies,
            },
            "summary": summary,
            "variants": variants,
        },
    )
    print(json.dumps(summary))
    print(f"wrote {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
