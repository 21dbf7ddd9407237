"""The command line: ``sklearn-charcnn compare`` (or ``python -m sklearn_charcnn``).

A thin argparse front end over :func:`sklearn_charcnn.compare.run_comparison`:
it reads the options, loads the corpus, runs the comparison, prints the
table and writes ``compare.json`` (the :class:`~sklearn_charcnn.compare.Comparison`
record) and ``compare.png`` into the output folder. Everything it computes
is computed by :mod:`sklearn_charcnn.compare`, which scripts can call
directly.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from sklearn_charcnn import __version__
from sklearn_charcnn.compare import CHARCNN_DEFAULTS, MODEL_NAMES

__all__ = ["main"]

# The char-CNN's options: (setting, type, default, help). Each becomes
# ``--setting`` and, when given (or when it has a default), enters the one
# dict of char-CNN settings the comparison receives; None leaves the
# setting to CharCNNClassifier and its recipe.
_CHARCNN_OPTIONS = (
    ("max_length", int, CHARCNN_DEFAULTS["max_length"], "characters kept per document"),
    ("max_epochs", int, CHARCNN_DEFAULTS["max_epochs"], "training epochs"),
    ("size", ("small", "large"), "small", "the paper's model size"),
    ("device", str, "auto", "torch device; auto takes CUDA when present"),
    ("recipe", ("default", "paper"), "default", "training recipe"),
    ("batch_size", int, None, "minibatch size (default: the recipe's)"),
    ("lr", float, None, "peak learning rate (default: the recipe's)"),
    ("n_filters", int, None, "feature maps per convolution (default: --size's)"),
    ("fc_width", int, None, "units of the fully-connected layers (default: --size's)"),
)


def _positive(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def _model_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {unknown}; choose among {', '.join(MODEL_NAMES)}"
        )
    return names


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklearn-charcnn",
        description="Character-level ConvNets (Zhang, Zhao & LeCun 2015) as "
        "scikit-learn estimators.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    compare = commands.add_parser(
        "compare",
        help="compare a char-CNN with TF-IDF + logistic regression on a corpus",
        description="Fit a char-CNN pipeline and two TF-IDF + LogisticRegression "
        "baselines (word 1-2-grams, char_wb 1-5-grams; C chosen by 5-fold CV on "
        "the training documents) on the same split, print a table with each "
        "accuracy's 95% confidence interval and McNemar's test of the char-CNN "
        "against each baseline, and write compare.json and compare.png. "
        "Without --dataset or --csv the corpus is the AG News test split shipped "
        "with the package (7,600 news articles, 4 topics).",
    )
    data = compare.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=("ag_news", "imdb", "mr"),
        help="a known data set (default: ag_news, the embedded test split)",
    )
    data.add_argument(
        "--subset",
        choices=("train", "test", "all"),
        help="split of --dataset (default: test for ag_news, train for imdb)",
    )
    data.add_argument(
        "--data-home",
        help="folder of the data sets (default: the fetchers' data home)",
    )
    data.add_argument("--csv", help="your own CSV file, with a header row")
    data.add_argument(
        "--text-column", default="text", help="text column of --csv (default: text)"
    )
    data.add_argument(
        "--label-column",
        default="label",
        help="label column of --csv (default: label)",
    )
    data.add_argument(
        "--n-samples",
        type=_positive(2),
        help="use a stratified subsample of this many documents (default: all)",
    )
    split = compare.add_argument_group("evaluation")
    split.add_argument(
        "--test-size",
        type=_fraction,
        default=0.2,
        help="fraction held out for testing (default: %(default)s)",
    )
    split.add_argument(
        "--cv",
        type=_positive(2),
        help="stratified K-fold cross-validation instead of one split",
    )
    split.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the split and of the char-CNN (default: %(default)s)",
    )
    split.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on the Dask cluster of this scheduler, e.g. "
        "tcp://10.0.0.5:8786 (needs the dask extra; WordNet is set up on the "
        "workers for --augment)",
    )
    split.add_argument(
        "--models",
        type=_model_list,
        default=list(MODEL_NAMES),
        help="comma-separated models to compare (default: "
        + ",".join(MODEL_NAMES)
        + ")",
    )
    net = compare.add_argument_group("char-CNN")
    for setting, kind, default, text in _CHARCNN_OPTIONS:
        options = {"default": default}
        if isinstance(kind, tuple):
            options["choices"] = kind
        elif kind is int:
            options["type"] = _positive(1)
        else:
            options["type"] = kind
        if default is not None:
            text += " (default: %(default)s)"
        net.add_argument("--" + setting.replace("_", "-"), help=text, **options)
    augment = net.add_mutually_exclusive_group()
    augment.add_argument(
        "--augment",
        type=_positive(0),
        default=0,
        metavar="N",
        help="N WordNet-augmented copies of each training document, all of "
        "them in every epoch (ThesaurusAugmenter first in the char-CNN "
        "pipeline; needs WordNet) (default: %(default)s, none)",
    )
    augment.add_argument(
        "--augment-per-epoch",
        type=_positive(1),
        metavar="N",
        help="N WordNet-augmented copies of each training document, a "
        "different one in each epoch beside the original (the grid search's "
        "choice on AG News is 4; needs WordNet)",
    )
    net.add_argument(
        "--ensemble",
        type=_positive(1),
        default=1,
        metavar="K",
        help="a soft vote of K char-CNNs seeded RANDOM_STATE, RANDOM_STATE + 1, "
        "...; K times the char-CNN's fit time (default: %(default)s, one "
        "char-CNN)",
    )
    net.add_argument(
        "--no-test-curve",
        dest="test_curve",
        action="store_false",
        help="do not score the test documents after every epoch",
    )
    out = compare.add_argument_group("output")
    out.add_argument(
        "--output-dir",
        default="charcnn_compare",
        help="folder for compare.json and compare.png (default: %(default)s)",
    )
    out.add_argument("--no-plot", dest="plot", action="store_false")
    out.add_argument("--quiet", action="store_true", help="print only the table")
    return parser


def _progress(quiet: bool) -> str:
    if quiet:
        return "none"
    # Progress bars rewrite their line with carriage returns: only on a
    # terminal. A log file gets one plain line per epoch instead.
    return "bar" if sys.stdout.isatty() and sys.stderr.isatty() else "lines"


def _compare(args, argv: Sequence[str]) -> int:
    from sklearn_charcnn.compare import load_corpus, run_comparison

    corpus = load_corpus(
        args.dataset,
        subset=args.subset,
        data_home=args.data_home,
        csv=args.csv,
        text_column=args.text_column,
        label_column=args.label_column,
    )
    if not args.quiet:
        n_classes = len(set(corpus.target.tolist()))
        print(
            f"{corpus.name}: {len(corpus.data):,} documents, {n_classes} classes",
            file=sys.stderr,
            flush=True,
        )
    charcnn = {
        setting: getattr(args, setting)
        for setting, *_ in _CHARCNN_OPTIONS
        if getattr(args, setting) is not None
    }
    comparison = run_comparison(
        corpus.data,
        corpus.target,
        models=args.models,
        charcnn=charcnn,
        augment=args.augment_per_epoch or args.augment,
        augment_per_epoch=args.augment_per_epoch is not None,
        ensemble=args.ensemble,
        test_size=args.test_size,
        cv=args.cv,
        random_state=args.random_state,
        n_samples=args.n_samples,
        test_curve=args.test_curve,
        progress=_progress(args.quiet),
        corpus_name=corpus.name,
        command=shlex.join(["sklearn-charcnn", *argv]),
        scheduler=args.scheduler,
    )
    print(comparison.table())
    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = [output_dir / "compare.json"]
    if args.plot:
        try:
            from sklearn_charcnn.plotting import plot_comparison_figure

            figure = plot_comparison_figure(comparison)
            figure.savefig(output_dir / "compare.png", dpi=110)
            written.append(output_dir / "compare.png")
        except ImportError as exc:
            print(f"no plot written: {exc}", file=sys.stderr)
    comparison.to_json(written[0])
    if not args.quiet:
        for line in comparison.summary_lines()[len(comparison.models) + 1 :]:
            print(line)
        print(
            f"wrote {' and '.join(map(str, written))} "
            f"({comparison.wall_s:.0f} s in all)",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line interface; return the exit status.

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments, without the program name; ``sys.argv[1:]`` if None.

    Returns
    -------
    status : int
        0 on success, 1 when the data or a setting is at fault (the error is
        printed, without a traceback). A usage error exits with status 2
        before any data is read, as argparse does.

    Examples
    --------
    >>> from sklearn_charcnn.cli import main
    >>> main(["compare", "--models", "bogus"])
    Traceback (most recent call last):
    ...
    SystemExit: 2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return _compare(args, argv)
    except (OSError, ValueError, ImportError, LookupError) as exc:
        print(f"sklearn-charcnn compare: error: {exc}", file=sys.stderr)
        return 1
