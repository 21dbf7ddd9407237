"""What the accuracy benchmarks share: their options and the run.

Each accuracy benchmark is a configuration of
:func:`sklearn_charcnn.compare.run_comparison` (the code of the ``compare``
command): a corpus from the package's loaders, the models, the char-CNN's
settings. It writes the :class:`~sklearn_charcnn.compare.Comparison` record
to ``results/<name>.json``.
"""

from __future__ import annotations

import argparse

from _common import (
    SMOKE_CHARCNN,
    SMOKE_DOCS,
    add_settings_option,
    add_smoke_option,
    command_line,
    write_result,
)

from sklearn_charcnn.compare import MODEL_NAMES, run_comparison


def parser(description: str, *, output: str) -> argparse.ArgumentParser:
    """Options every accuracy benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    add_settings_option(parser)
    parser.add_argument(
        "--models",
        default=",".join(MODEL_NAMES),
        help="comma-separated models (default: %(default)s)",
    )
    parser.add_argument(
        "--output", default=output, help="result name (default: %(default)s)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    add_smoke_option(parser)
    return parser


def run(args, argv, X, y, *, question, corpus_name, charcnn=None, **options):
    """Run the comparison the options and the configuration describe; write it.

    A smoke run compares the tiny char-CNN on a stratified subsample of
    ``SMOKE_DOCS`` documents, unless ``options`` give the split (``cv``).
    """
    if args.smoke and "cv" not in options:
        options["n_samples"] = SMOKE_DOCS
    record = run_comparison(
        X,
        y,
        models=[name.strip() for name in args.models.split(",") if name.strip()],
        charcnn={
            **(charcnn or {}),
            **(SMOKE_CHARCNN if args.smoke else {}),
            **dict(args.settings),
        },
        progress="none" if args.quiet else "lines",
        corpus_name=corpus_name,
        name=args.output,
        question=question,
        command=command_line(argv),
        **options,
    )
    print(record.table())
    print("\n".join(record.summary_lines()))
    write_result(args.output, record, smoke=args.smoke)
    return record
