"""What the two accuracy benchmarks share: command-line options, the run
through ``sklearn_charcnn.cli`` (the very code of the ``compare`` command),
and the printed summary with the char-CNN / TF-IDF accuracy ratio."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from sklearn_charcnn.cli import MODEL_NAMES, evaluate, format_table, make_models


def add_model_options(
    parser: argparse.ArgumentParser, *, max_length, max_epochs, batch_size
) -> None:
    parser.add_argument("--max-length", type=int, default=max_length)
    parser.add_argument("--max-epochs", type=int, default=max_epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--augment",
        action="store_true",
        help="ThesaurusAugmenter before the char-CNN (needs WordNet)",
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--models", default=",".join(MODEL_NAMES))
    parser.add_argument("--quiet", action="store_true")


def run(args, X_train, y_train, X_test, y_test) -> tuple[list[dict], dict]:
    """Fit and score the models; return the result rows and the summary."""
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    models = make_models(
        names,
        max_length=args.max_length,
        max_epochs=args.max_epochs,
        batch_size=args.batch_size,
        size=args.size,
        augment=args.augment,
        device=args.device,
        random_state=args.random_state,
        verbose=0 if args.quiet else 1,
    )
    started = time.perf_counter()
    results = evaluate(models, X_train, y_train, X_test, y_test, quiet=args.quiet)
    wall_s = time.perf_counter() - started
    print(format_table(results))
    accuracy = {row["model"]: row["accuracy"] for row in results}
    summary = {"wall_s": wall_s}
    if "char-cnn" in accuracy:
        for baseline in ("tfidf-word", "tfidf-char"):
            if baseline in accuracy:
                ratio = accuracy["char-cnn"] / accuracy[baseline]
                summary[f"char_cnn_over_{baseline.replace('-', '_')}"] = ratio
                print(f"char-CNN accuracy / {baseline} accuracy = {ratio:.3f}")
    return results, summary


def command_line(argv) -> str:
    script = (
        f"benchmarks/{Path(sys.argv[0]).name}"
        if argv is None
        else "benchmarks/<script>.py"
    )
    args = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(["python", script, *args])
