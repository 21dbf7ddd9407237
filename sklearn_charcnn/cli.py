"""The command line: ``sklearn-charcnn compare``, ``fit`` and ``predict``.

A thin argparse front end over the public API (or ``python -m
sklearn_charcnn``):

- ``compare`` reads a corpus (:func:`sklearn_charcnn.compare.load_corpus`),
  runs :func:`sklearn_charcnn.compare.run_comparison`, prints the table and
  writes ``compare.json`` (the :class:`~sklearn_charcnn.compare.Comparison`
  record) and ``compare.png`` into the output folder;
- ``fit`` fits one of the comparison's models
  (:func:`sklearn_charcnn.compare.make_models`) on every document and saves
  the fitted pipeline with :mod:`skops.io`;
- ``predict`` reads a saved model and a file of documents, in chunks
  (:func:`sklearn_charcnn.datasets.iter_text_file`), and writes a CSV of the
  best labels and their probabilities, one row per document.

The three read files through the same data options
(:func:`sklearn_charcnn.datasets.load_text_file`). ``compare`` and ``fit``
take several labels per document too (``--label-sep``, ``--dataset
goemotions``), and ``predict`` then writes the names of the labels each
document gets. Everything they compute is computed by the library, which
scripts can call directly.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import itertools
import os
import shlex
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sklearn_charcnn import __version__
from sklearn_charcnn._atomic import atomic_write
from sklearn_charcnn.compare import CHARCNN_DEFAULTS, CORPUS_CHARCNN, MODEL_NAMES

__all__ = ["main"]

# The char-CNN's options: (setting, type, default, help). Each becomes
# ``--setting`` and, when given (or when it has a default), enters the one
# dict of char-CNN settings the models receive, over the settings the data
# set brings (CORPUS_CHARCNN); None leaves the setting to the comparison's
# defaults, CharCNNClassifier and its recipe.
_CHARCNN_OPTIONS = (
    (
        "max_length",
        int,
        None,
        f"characters kept per document (default: {CHARCNN_DEFAULTS['max_length']}; "
        f"{CORPUS_CHARCNN['goemotions']['max_length']} for --dataset goemotions)",
    ),
    ("max_epochs", int, CHARCNN_DEFAULTS["max_epochs"], "training epochs"),
    ("size", ("small", "large"), "small", "the paper's model size"),
    ("device", str, "auto", "torch device; auto takes CUDA when present"),
    ("recipe", ("default", "paper"), "default", "training recipe"),
    ("batch_size", int, None, "minibatch size (default: the recipe's)"),
    ("lr", float, None, "peak learning rate (default: the recipe's)"),
    ("n_filters", int, None, "feature maps per convolution (default: --size's)"),
    ("fc_width", int, None, "units of the fully-connected layers (default: --size's)"),
)


# ------------------------------------------------------------ option types


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


def _fraction(text: str, *, closed: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (0 <= value <= 1 if closed else 0 < value < 1):
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def _probability(text: str) -> float:
    return _fraction(text, closed=True)


def _model_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {unknown}; choose among {', '.join(MODEL_NAMES)}"
        )
    return names


def _separator(text: str) -> str:
    # A tab is hard to type in a shell: "tab" and "\t" both mean one.
    value = "\t" if text in ("tab", "\\t") else text
    if len(value) != 1:
        raise argparse.ArgumentTypeError(
            f"must be one character (or 'tab'), got {text!r}"
        )
    return value


def _encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {text!r}; e.g. utf-8, latin-1, cp1252, utf-16"
        ) from None
    return text


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


def _label_separator(text: str) -> str:
    value = "\t" if text in ("tab", "\\t") else text
    if not value:
        raise argparse.ArgumentTypeError("must not be empty")
    return value


# ------------------------------------------------------------------ parser


def _add_reading_options(group, *, labels: bool) -> None:
    """Add the options that say how to read a file (all three commands)."""
    group.add_argument(
        "--text-column",
        action="append",
        metavar="NAME",
        help="column holding the documents; repeat it to join several "
        "columns with a space, in the order given (default: text)",
    )
    if labels:
        group.add_argument(
            "--label-column",
            default="label",
            help="column holding the labels (default: %(default)s)",
        )
        group.add_argument(
            "--drop-missing-labels",
            action="store_true",
            help="drop the rows whose label is empty (counted in the record) "
            "instead of stopping with an error",
        )
        group.add_argument(
            "--label-sep",
            type=_label_separator,
            metavar="SEP",
            help="several labels per document: the separator inside the label "
            "column, e.g. ',' for a field like 8,20 (a row without any label "
            "is a missing label); the models are then the multi-label ones, "
            "scored by macro-F1",
        )
    group.add_argument(
        "--sep",
        type=_separator,
        help="separator of a CSV file, one character or 'tab' (default: "
        "found among comma, semicolon, tab and pipe; tab for .tsv)",
    )
    group.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        help="text encoding of the file, e.g. latin-1 or cp1252 for many "
        "spreadsheet exports (default: %(default)s)",
    )
    group.add_argument(
        "--columns",
        type=_names,
        metavar="NAME,NAME,...",
        help="names of the fields of a CSV file without a header row, in order",
    )
    group.add_argument(
        "--no-quoting",
        dest="quoting",
        action="store_false",
        help="read quote characters as text (TSV files with unpaired quotes)",
    )


def _add_data_options(parser) -> None:
    """Add the corpus options of ``compare`` and ``fit``."""
    data = parser.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        choices=("ag_news", "goemotions", "imdb", "mr"),
        help="a known data set (default: ag_news, the embedded test split); "
        "goemotions is multi-label (28 emotions) and comes with its published "
        "train/dev/test split",
    )
    source.add_argument(
        "--input",
        metavar="FILE",
        help="your own labelled documents: a CSV or TSV file with a header "
        "row, a JSON Lines file, or a folder with one sub-folder per class "
        "(.gz, .xz and .bz2 files are read too)",
    )
    source.add_argument("--csv", metavar="FILE", help="the same as --input")
    data.add_argument(
        "--subset",
        choices=("train", "dev", "test", "all"),
        help="split of --dataset (default: test for ag_news, train for imdb; "
        "for goemotions, all three of its splits, used as published)",
    )
    data.add_argument(
        "--data-home",
        help="folder of the data sets (default: the fetchers' data home)",
    )
    _add_reading_options(data, labels=True)
    data.add_argument(
        "--n-samples",
        type=_positive(2),
        help="use a stratified subsample of this many documents (default: all)",
    )


def _add_charcnn_options(parser):
    """Add the model options of ``compare`` and ``fit``: one table, one route.

    Returns the argument group, for options of one command only.
    """
    net = parser.add_argument_group("char-CNN")
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
        "--random-state",
        type=int,
        default=0,
        help="seed of the split, the subsample and the char-CNN (default: %(default)s)",
    )
    return net


_COMPARE_DESCRIPTION = (
    "Fit a char-CNN pipeline and two TF-IDF + LogisticRegression "
    "baselines (word 1-2-grams, char_wb 1-5-grams; C chosen by 5-fold CV on "
    "the training documents) on the same split, print a table with each "
    "accuracy's 95% confidence interval and McNemar's test of the char-CNN "
    "against each baseline, and write compare.json and compare.png. "
    "Without --dataset or --input the corpus is the AG News test split "
    "shipped with the package (7,600 news articles, 4 topics). With several "
    "labels per document (--label-sep, --dataset goemotions) the table "
    "gives macro-F1 with its 95% bootstrap interval, micro-F1, samples-F1, "
    "subset accuracy and Hamming loss, and a paired permutation test of "
    "macro-F1; the char-CNN chooses one threshold per label on its "
    "validation split, and the baselines are one logistic regression per "
    "label (class_weight='balanced') with C among 1, 4, 10 and per-label "
    "thresholds chosen on held-out training documents: goemotions' dev "
    "split, trained on train and dev, tested on test."
)


def _add_compare(commands) -> None:
    compare = commands.add_parser(
        "compare",
        help="compare a char-CNN with TF-IDF + logistic regression on a corpus",
        description=_COMPARE_DESCRIPTION,
    )
    _add_data_options(compare)
    split = compare.add_argument_group("evaluation")
    split.add_argument(
        "--test-size",
        type=_fraction,
        help="fraction held out for testing (default: 0.2)",
    )
    split.add_argument(
        "--cv",
        type=_positive(2),
        help="stratified K-fold cross-validation instead of one split",
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
    _add_charcnn_options(compare).add_argument(
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


def _add_fit(commands) -> None:
    fit = commands.add_parser(
        "fit",
        help="fit one model on every document and save it",
        description="Fit one of compare's models on every document of the "
        "corpus (no split) and save the fitted pipeline with skops, for "
        "`sklearn-charcnn predict`. With --dataset goemotions the documents "
        "are its train and dev splits (dev: where the baselines choose C and "
        "their thresholds); with several labels per document the model keeps "
        "the label names and separator that predict writes.",
    )
    _add_data_options(fit)
    fit.add_argument(
        "--model",
        choices=MODEL_NAMES,
        default="char-cnn",
        help="the model to fit (default: %(default)s)",
    )
    _add_charcnn_options(fit)
    out = fit.add_argument_group("output")
    out.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="the model file to write, e.g. model.skops (replaced only once "
        "the model is fitted and saved)",
    )
    out.add_argument("--quiet", action="store_true", help="print nothing")


def _add_predict(commands) -> None:
    predict = commands.add_parser(
        "predict",
        help="predict the labels of new documents with a saved model",
        description="Read the documents of FILE (labels not needed) in chunks "
        "and write a CSV with one row per document, in order: the best label "
        "and its probability, or the K best with --k. A multi-label model "
        "(fitted with --label-sep or on goemotions) writes two columns instead: "
        "labels, the names of the labels the model predicts for the document "
        "(each label's probability above its threshold), most probable first, "
        "joined by the model's label separator (empty if none); and "
        "probabilities, theirs, in the same order and joined the same way.",
    )
    predict.add_argument("model", metavar="MODEL", help="a file written by fit")
    predict.add_argument(
        "file",
        metavar="FILE",
        help="the documents: a CSV or TSV file with a header row, a JSON Lines "
        "file, or a folder of text files",
    )
    predict.add_argument(
        "--k",
        type=_positive(1),
        help="the K most probable labels per document, best first (columns "
        "label_1, probability_1, ...) (default: 1: columns label, "
        "probability); for a multi-label model, at most K labels (default: all "
        "it predicts)",
    )
    predict.add_argument(
        "--threshold",
        type=_probability,
        metavar="T",
        help="leave out the labels whose probability is below T: their cells "
        "are empty (default: 0); for a multi-label model, predict every label "
        "whose probability is T or more instead of using its own thresholds",
    )
    _add_reading_options(predict.add_argument_group("data"), labels=False)
    predict.add_argument(
        "--chunk-size",
        type=_positive(1),
        default=1000,
        help="documents read and predicted at a time (default: %(default)s)",
    )
    predict.add_argument(
        "--output",
        metavar="PATH",
        help="the CSV file to write, replaced only once every document is "
        "predicted (default: standard output)",
    )
    predict.add_argument("--quiet", action="store_true", help="print nothing")


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
    _add_compare(commands)
    _add_fit(commands)
    _add_predict(commands)
    return parser


# -------------------------------------------------------------------- data


def _reading(args) -> dict:
    """Return the reader's keyword arguments that the options give."""
    return {
        "text_column": args.text_column or "text",
        "sep": args.sep,
        "encoding": args.encoding,
        "columns": args.columns,
        "quoting": args.quoting,
    }


def _load(args):
    """Read the corpus the options name, subsampled as ``--n-samples`` says."""
    from sklearn_charcnn.compare import load_corpus, subsample

    corpus = load_corpus(
        args.dataset,
        subset=args.subset,
        data_home=args.data_home,
        path=args.input or args.csv,
        label_column=args.label_column,
        label_sep=args.label_sep,
        missing_labels="drop" if args.drop_missing_labels else "raise",
        **_reading(args),
    )
    if corpus.subsets and args.n_samples is not None:
        raise ValueError(
            f"--n-samples draws from one split, but {corpus.name} is read with "
            "its published splits; pass --subset train (or dev, test) to draw "
            "from one of them."
        )
    if args.n_samples is not None and args.n_samples < len(corpus.data):
        corpus.data, corpus.target = subsample(
            corpus.data, corpus.target, args.n_samples, random_state=args.random_state
        )
        corpus.n_empty = sum(not text.strip() for text in corpus.data)
    return corpus


def _describe(corpus) -> str:
    """Return one line on what was read: documents, classes, columns, left out."""
    if corpus.multilabel:
        labels = f"{corpus.target.shape[1]} labels (several per document)"
    else:
        labels = f"{len(np.unique(corpus.target))} classes"
    line = f"{corpus.name}: {len(corpus.data):,} documents, {labels}"
    if corpus.subsets:
        line += " (" + ", ".join(f"{n:,} {k}" for k, n in corpus.subsets.items()) + ")"
    details = corpus.details()
    if corpus.file is not None:
        line += (
            f"; column(s) {', '.join(corpus.text_columns)}"
            + (f", separator {corpus.sep!r}" if corpus.sep else "")
            + f", encoding {corpus.encoding}"
        )
        if corpus.n_dropped:
            line += f"; {corpus.n_dropped:,} row(s) without a label dropped"
    if details["n_empty"]:
        line += f"; {details['n_empty']:,} empty document(s)"
    return line


def _charcnn_settings(args, corpus) -> dict:
    """Return the char-CNN settings given as options, over the corpus's own."""
    given = {
        setting: getattr(args, setting)
        for setting, *_ in _CHARCNN_OPTIONS
        if getattr(args, setting) is not None
    }
    return {**corpus.charcnn, **given}


def _split_options(args, corpus) -> dict:
    """Return the split of ``compare``: the options', or a data set's own."""
    cv, validation = corpus.official_split()
    if cv is None:
        return {
            "cv": args.cv,
            "test_size": 0.2 if args.test_size is None else args.test_size,
            "validation": 0.2,
        }
    given = [name for name in ("cv", "test_size") if getattr(args, name) is not None]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise ValueError(
            f"{options} split the documents, but {corpus.name} is compared on "
            "its published split (train and dev to train, test to test); leave "
            f"{options} out, or pass --subset train to split one part yourself."
        )
    return {"cv": cv, "test_size": 0.2, "validation": validation or 0.2}


def _progress(quiet: bool) -> str:
    if quiet:
        return "none"
    # Progress bars rewrite their line with carriage returns: only on a
    # terminal. A log file gets one plain line per epoch instead.
    return "bar" if sys.stdout.isatty() and sys.stderr.isatty() else "lines"


# ----------------------------------------------------------------- compare


def _compare(args, argv: Sequence[str]) -> int:
    from sklearn_charcnn.compare import run_comparison

    output_dir = Path(args.output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise ValueError(
            f"--output-dir {output_dir} is a file; name a folder (it is created "
            "if missing)."
        )
    corpus = _load(args)
    split = _split_options(args, corpus)
    if not args.quiet:
        print(_describe(corpus), file=sys.stderr, flush=True)
    comparison = run_comparison(
        corpus.data,
        corpus.target,
        models=args.models,
        charcnn=_charcnn_settings(args, corpus),
        augment=args.augment_per_epoch or args.augment,
        augment_per_epoch=args.augment_per_epoch is not None,
        ensemble=args.ensemble,
        **split,
        target_names=corpus.target_names,
        random_state=args.random_state,
        test_curve=args.test_curve,
        progress=_progress(args.quiet),
        corpus_name=corpus.name,
        command=shlex.join(["sklearn-charcnn", *argv]),
        scheduler=args.scheduler,
        corpus_details=corpus.details(),
    )
    print(comparison.table())
    written = _write_comparison(comparison, output_dir, args.plot)
    if not args.quiet:
        for line in comparison.summary_lines()[len(comparison.models) + 1 :]:
            print(line)
        print(
            f"wrote {' and '.join(map(str, written))} "
            f"({comparison.wall_s:.0f} s in all)",
            file=sys.stderr,
        )
    return 0


def _write_comparison(comparison, output_dir: Path, plot: bool) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written = [output_dir / "compare.json"]
    if plot:
        try:
            from sklearn_charcnn.plotting import plot_comparison_figure

            figure = plot_comparison_figure(comparison)
            figure.savefig(output_dir / "compare.png", dpi=110)
            written.append(output_dir / "compare.png")
        except ImportError as exc:
            print(f"no plot written: {exc}", file=sys.stderr)
    comparison.to_json(written[0])
    return written


# ------------------------------------------------------------- fit/predict


def _atomic_output(path: Path, binary: bool = False):
    """Write ``path`` only once complete (:func:`atomic_write`), its folder made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if binary:
        return atomic_write(path, "wb")
    return atomic_write(path, "w", newline="", encoding="utf-8")


def _skops():
    try:
        import skops.io
    except ImportError:
        raise ImportError(
            "saving and loading models needs skops; install it with "
            "`pip install sklearn-charcnn[export]`."
        ) from None
    return skops.io


def _fit(args, argv: Sequence[str]) -> int:
    from sklearn_charcnn.compare import make_models

    sio = _skops()

    corpus = _load(args)
    if not args.quiet:
        print(_describe(corpus), file=sys.stderr, flush=True)
    X, y, validation = _training_documents(corpus)
    model = make_models(
        [args.model],
        charcnn=_charcnn_settings(args, corpus),
        augment=args.augment_per_epoch or args.augment,
        augment_per_epoch=args.augment_per_epoch is not None,
        ensemble=args.ensemble,
        random_state=args.random_state,
        verbose=0 if args.quiet else 1,
        multilabel=corpus.multilabel,
        validation=validation,
    )[args.model]
    model.fit(X, y)
    if corpus.multilabel:
        # What predict writes: the names of the indicator's columns, joined
        # by the separator of the training file's label column.
        names = corpus.target_names or range(y.shape[1])
        model.target_names_ = [str(name) for name in names]
        model.label_sep_ = corpus.label_sep or ","
    output = Path(args.output)
    with _atomic_output(output, binary=True) as handle:
        sio.dump(model, handle, compression=zipfile.ZIP_DEFLATED)
    if not args.quiet:
        print(
            f"wrote {output}: {args.model} fitted on {len(X):,} "
            f"documents; predict with: {_predict_command(args, output)}",
            file=sys.stderr,
        )
    return 0


def _training_documents(corpus):
    """Return the documents ``fit`` trains on, and the baselines' held-out rows.

    All of them, or for a data set read with its published splits its
    training and development documents (the latter held out).
    """
    cv, validation = corpus.official_split()
    if cv is None:
        return corpus.data, corpus.target, 0.2
    train = cv[0][0]
    X = [corpus.data[i] for i in train]
    return X, corpus.target[train], validation or 0.2


def _predict_command(args, model: Path) -> str:
    """Return the ``predict`` command that reads files as ``fit`` read its own."""
    words = ["sklearn-charcnn", "predict", str(model), "FILE"]
    for column in args.text_column or ():
        words += ["--text-column", column]
    if args.sep is not None:
        words += ["--sep", "tab" if args.sep == "\t" else args.sep]
    if args.encoding != "utf-8":
        words += ["--encoding", args.encoding]
    return shlex.join(words)


# Types of the multi-label baselines that ``fit`` writes, besides those of
# skops_trusted_types: their classifier, the split of a data set's
# development rows it holds, and what OneVsRestClassifier fits for a label
# without a positive training row.
def _load_model(path: Path):
    """Load a model written by ``fit``, or raise an error that says why not."""
    from sklearn_charcnn.export import skops_trusted_types

    sio = _skops()

    data = path.read_bytes()
    trusted = set(skops_trusted_types())
    # Whatever the loader raises on a damaged or foreign file (BadZipFile,
    # KeyError, JSONDecodeError, TypeError...) means the same to the user.
    try:
        found = set(sio.get_untrusted_types(data=data))
    except Exception as exc:
        raise ValueError(
            f"{path} is not a model file written by `sklearn-charcnn fit` "
            f"({type(exc).__name__}: {exc}). Pass the file fit wrote (it is a "
            "skops archive), or fit the model again."
        ) from None
    unknown = sorted(found - trusted)
    if unknown:
        raise ValueError(
            f"{path} holds types a model written by `sklearn-charcnn fit` does "
            f"not ({', '.join(unknown[:3])}); it is not loaded. Load it in "
            "Python with skops.io.load if you trust it."
        )
    try:
        model = sio.load(io.BytesIO(data), trusted=sorted(found))
    except Exception as exc:
        raise ValueError(
            f"{path} is damaged ({type(exc).__name__}: {exc}). Fit the model again."
        ) from None
    if not (hasattr(model, "predict_proba") and hasattr(model, "classes_")):
        raise ValueError(
            f"{path} holds a {type(model).__name__}, not a fitted classifier "
            "with predict_proba. Pass a model written by `sklearn-charcnn fit`."
        )
    return model


def _multilabel_model(model) -> bool:
    """Whether a loaded model predicts several labels per document."""
    final = model[-1] if hasattr(model, "steps") else model
    return getattr(final, "thresholds_", None) is not None


def _header(k: int) -> list[str]:
    if k == 1:
        return ["label", "probability"]
    return [f"{name}_{i}" for i in range(1, k + 1) for name in ("label", "probability")]


def _predicted_labels(proba, model, k, threshold) -> list[list[str]]:
    """Return the CSV rows of a multi-label model: labels and probabilities.

    A label is written where its probability exceeds the model's threshold
    for it (or is ``threshold`` or more, if given), most probable first, at
    most ``k`` of them.
    """
    final = model[-1] if hasattr(model, "steps") else model
    names = getattr(model, "target_names_", [str(c) for c in model.classes_])
    sep = getattr(model, "label_sep_", ",")
    chosen = proba > final.thresholds_ if threshold is None else proba >= threshold
    rows = []
    for row, keep in zip(proba, chosen, strict=True):
        labels = np.flatnonzero(keep)
        labels = labels[np.argsort(-row[labels], kind="stable")][:k]
        rows.append(
            [
                sep.join(names[i] for i in labels),
                sep.join(f"{row[i]:.4f}" for i in labels),
            ]
        )
    return rows


def _best_labels(proba, classes, k: int, threshold: float) -> list[list[str]]:
    """Return the CSV rows: the ``k`` best labels and probabilities, best first.

    A label below ``threshold`` leaves its two cells empty.
    """
    best = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    rows = []
    for row, order in zip(proba, best, strict=True):
        cells = []
        for index in order:
            if row[index] >= threshold:
                cells += [str(classes[index]), f"{row[index]:.4f}"]
            else:
                cells += ["", ""]
        rows.append(cells)
    return rows


def _write_predictions(model, args, handle) -> tuple[int, int]:
    """Predict the documents of FILE chunk by chunk; return (documents, empty)."""
    from sklearn_charcnn.datasets import iter_text_file

    chunks = iter_text_file(
        args.file, chunk_size=args.chunk_size, label_column=None, **_reading(args)
    )
    # The first chunk is read before anything is written: a file that cannot
    # be read as asked leaves the output untouched, standard output included.
    first = list(itertools.islice(chunks, 1))
    writer = csv.writer(handle, lineterminator="\n")
    if _multilabel_model(model):
        header = ["labels", "probabilities"]

        def rows(proba):
            return _predicted_labels(proba, model, args.k, args.threshold)

    else:
        header = _header(args.k or 1)

        def rows(proba):
            return _best_labels(
                proba, model.classes_, args.k or 1, args.threshold or 0.0
            )

    writer.writerow(header)
    n_documents = n_empty = 0
    for chunk in itertools.chain(first, chunks):
        if chunk.data:
            writer.writerows(rows(np.asarray(model.predict_proba(chunk.data))))
        n_documents += len(chunk.data)
        n_empty += chunk.n_empty
    return n_documents, n_empty


def _predict(args, argv: Sequence[str]) -> int:
    model = _load_model(Path(args.model))
    n_classes = len(model.classes_)
    if args.k is not None and args.k > n_classes:
        raise ValueError(
            f"--k {args.k}, but the model knows {n_classes} labels "
            f"({', '.join(map(str, model.classes_))}). Pass --k {n_classes} or less."
        )
    if args.output in (None, "-"):
        try:
            counts = _write_predictions(model, args, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader of the output (``head``, say) stopped reading: end
            # quietly, as command-line tools do, with Python's recipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        where = "standard output"
    else:
        with _atomic_output(Path(args.output)) as handle:
            counts = _write_predictions(model, args, handle)
        where = args.output
    if not args.quiet:
        print(
            f"predicted {counts[0]:,} documents ({counts[1]:,} empty) into {where}",
            file=sys.stderr,
        )
    return 0


_COMMANDS = {"compare": _compare, "fit": _fit, "predict": _predict}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line interface; return the exit status.

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments, without the program name; ``sys.argv[1:]`` if None.

    Returns
    -------
    status : int
        0 on success, 1 when the data, a file or a setting is at fault (the
        error is printed as ``sklearn-charcnn COMMAND: error: ...``, without
        a traceback). A usage error exits with status 2 before any data is
        read, as argparse does.

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
        return _COMMANDS[args.command](args, argv)
    except (OSError, ValueError, ImportError, LookupError) as exc:
        print(f"sklearn-charcnn {args.command}: error: {exc}", file=sys.stderr)
        return 1
