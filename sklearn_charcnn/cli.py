"""The ``compare`` command: a char-CNN against TF-IDF + logistic regression.

``python -m sklearn_charcnn compare`` (or ``sklearn-charcnn compare``) fits, on
the same split or cross-validation folds of one labelled corpus,

- ``char-cnn``: ``make_pipeline(CharQuantizer(max_length=L),
  CharCNNClassifier(...))``, optionally behind a ``ThesaurusAugmenter``;
- ``tfidf-word``: ``TfidfVectorizer`` on word 1-2-grams with
  ``LogisticRegression``;
- ``tfidf-char``: ``TfidfVectorizer`` on character 1-5-grams within word
  boundaries (``analyzer="char_wb"``) with ``LogisticRegression``,

then prints a table (accuracy, macro-F1, fit and predict seconds, device) and
writes ``compare.png`` (the char-CNN's accuracy per epoch beside the
baselines' test accuracy) and ``compare.json`` (every figure) into the output
folder. The corpus is the AG News test split shipped with the package unless
``--dataset``, ``--data-home`` or ``--csv`` say otherwise.

The building blocks, :func:`make_models`, :func:`evaluate` and
:func:`format_table`, are public so that scripts (the benchmarks among them)
run the very same comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

__all__ = [
    "MODEL_NAMES",
    "evaluate",
    "format_table",
    "main",
    "make_models",
    "run_compare",
]

MODEL_NAMES = ("char-cnn", "tfidf-word", "tfidf-char")
"""The models the ``compare`` command knows, in the order it fits them."""

# Defaults of the command, sized so that the whole comparison on the embedded
# AG News split (6,080 training documents) takes about 10 minutes on 2 CPU
# cores: AG News articles average 233 characters, so 256 keeps nearly all.
DEFAULTS = {
    "max_length": 256,
    "max_epochs": 10,
    "batch_size": None,  # the CharCNNClassifier recipe's
    "size": "small",
    "test_size": 0.2,
    "random_state": 0,
    "device": "auto",
}


def _log(message: str, *, quiet: bool = False) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def make_models(
    names: Sequence[str] = MODEL_NAMES,
    *,
    max_length: int = DEFAULTS["max_length"],
    max_epochs: int | None = DEFAULTS["max_epochs"],
    batch_size: int | None = DEFAULTS["batch_size"],
    size: str = DEFAULTS["size"],
    augment: bool = False,
    device: str = DEFAULTS["device"],
    random_state: int | None = DEFAULTS["random_state"],
    verbose: int = 0,
    classifier_params: Mapping | None = None,
) -> dict[str, Pipeline]:
    """Build the pipelines that the ``compare`` command evaluates.

    Parameters
    ----------
    names : sequence of str, default=MODEL_NAMES
        Which of ``"char-cnn"``, ``"tfidf-word"`` and ``"tfidf-char"`` to
        build.
    max_length : int, default=256
        Characters per document kept by the ``CharQuantizer``.
    max_epochs, batch_size : int or None, default=10, None
        Passed to the ``CharCNNClassifier``; None takes its recipe's value.
    size : {"small", "large"}, default="small"
        The paper's model size.
    augment : bool, default=False
        Put a ``ThesaurusAugmenter`` (WordNet synonyms, applied at fit time
        only) before the quantizer. Needs nltk's WordNet.
    device : str, default="auto"
        Torch device of the char-CNN; ``"auto"`` takes CUDA when present.
    random_state : int or None, default=0
        Seed of the char-CNN (and of the augmenter).
    verbose : int, default=0
        The char-CNN's verbosity: 1 prints an epoch table and progress bars.
    classifier_params : mapping, default=None
        Further ``CharCNNClassifier`` parameters, e.g.
        ``{"n_filters": 8, "fc_width": 16}``.

    Returns
    -------
    models : dict of str to Pipeline
        The unfitted pipelines, by name, in the order of ``names``.

    Examples
    --------
    >>> from sklearn_charcnn.cli import make_models
    >>> models = make_models(["tfidf-word", "tfidf-char"])
    >>> list(models)
    ['tfidf-word', 'tfidf-char']
    >>> models["tfidf-char"][0].analyzer, models["tfidf-char"][0].ngram_range
    ('char_wb', (1, 5))
    """
    unknown = sorted(set(names) - set(MODEL_NAMES))
    if unknown:
        raise ValueError(f"Unknown model(s) {unknown}; choose among {MODEL_NAMES}.")
    builders = {
        "char-cnn": lambda: _make_charcnn(
            max_length=max_length,
            max_epochs=max_epochs,
            batch_size=batch_size,
            size=size,
            augment=augment,
            device=device,
            random_state=random_state,
            verbose=verbose,
            classifier_params=classifier_params or {},
        ),
        # Sublinear tf and a floor of 2 documents per term are the usual
        # strong settings for this baseline; C=1 is LogisticRegression's default.
        "tfidf-word": lambda: make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(max_iter=1000),
        ),
        "tfidf-char": lambda: make_pipeline(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(1, 5), min_df=2, sublinear_tf=True
            ),
            LogisticRegression(max_iter=1000),
        ),
    }
    return {name: builders[name]() for name in names}


def _make_charcnn(
    *,
    max_length,
    max_epochs,
    batch_size,
    size,
    augment,
    device,
    random_state,
    verbose,
    classifier_params,
) -> Pipeline:
    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    steps = []
    if augment:
        from sklearn_charcnn.augmenter import ThesaurusAugmenter

        steps.append(ThesaurusAugmenter(random_state=random_state))
    steps.append(CharQuantizer(max_length=max_length))
    steps.append(
        CharCNNClassifier(
            size=size,
            max_epochs=max_epochs,
            batch_size=batch_size,
            device=device,
            random_state=random_state,
            verbose=verbose,
            **classifier_params,
        )
    )
    return make_pipeline(*steps)


def _epoch_test_score_class():
    """Return the skorch callback class that scores test documents per epoch.

    It is built on first use, so that importing this module (and running
    ``--help``) does not import torch; the module's ``__getattr__`` builds it
    too, so fitted models holding the callback unpickle in a fresh process.
    """
    cls = globals().get("_EpochTestScore")
    if cls is not None:
        return cls
    from skorch.callbacks import Callback

    class _EpochTestScore(Callback):
        """Record the accuracy on held-out codes after every epoch.

        ``target`` holds label indices into the classifier's sorted
        ``classes_`` (what its skorch net predicts), -1 for labels unseen in
        training.
        """

        def __init__(self, codes, target, name="test_acc"):
            self.codes = codes
            self.target = target
            self.name = name

        def on_epoch_end(self, net, **kwargs):
            predicted = net.predict(self.codes)
            net.history.record(self.name, float(np.mean(predicted == self.target)))

    _EpochTestScore.__qualname__ = "_EpochTestScore"
    globals()["_EpochTestScore"] = _EpochTestScore
    return _EpochTestScore


def __getattr__(name):
    if name == "_EpochTestScore":
        return _epoch_test_score_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _test_score_callback(model: Pipeline, X_test, y_test, classes):
    """Build the callback recording ``test_acc`` after every epoch.

    The test documents are encoded once by a copy of the pipeline's own
    quantizer. With early stopping the weights of the best validation epoch
    are restored at the end, so the final predictions are those of that
    epoch, not necessarily of the last one.
    """
    quantizer = clone(model[-2]).fit(X_test[:1])
    codes = quantizer.transform(X_test)
    # The classifier trains its net on label indices into sorted classes_.
    target = np.where(np.isin(y_test, classes), np.searchsorted(classes, y_test), -1)
    return _epoch_test_score_class()(codes, target)


def _device(model) -> str:
    final = model[-1] if isinstance(model, Pipeline) else model
    return str(getattr(final, "device_", "cpu"))


def evaluate(
    models: Mapping[str, Pipeline],
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    test_curve: bool = True,
    quiet: bool = False,
) -> list[dict]:
    """Fit each model on the training documents and score it on the test ones.

    Parameters
    ----------
    models : mapping of str to estimator
        The models, by name (see :func:`make_models`). They are fitted in
        place.
    X_train, X_test : list of str
        Training and test documents.
    y_train, y_test : array-like
        Their labels.
    test_curve : bool, default=True
        For the char-CNN, also record the test accuracy after every epoch
        (``test_acc`` in its history); costs one prediction pass per epoch.
    quiet : bool, default=False
        Print no progress to standard error.

    Returns
    -------
    results : list of dict
        One dict per model: ``model``, ``accuracy``, ``macro_f1``, ``fit_s``,
        ``predict_s``, ``device``, ``n_train``, ``n_test``, and for the
        char-CNN ``history``, its per-epoch ``train_loss``, ``valid_loss``,
        ``valid_acc`` (and ``test_acc``) and ``dur``.

    Examples
    --------
    >>> from sklearn_charcnn.cli import evaluate, make_models
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    >>> labels = [1, 1, 0, 0] * 5
    >>> [row] = evaluate(make_models(["tfidf-word"]), docs, labels, docs, labels,
    ...                  quiet=True)
    >>> row["model"], row["accuracy"], row["device"]
    ('tfidf-word', 1.0, 'cpu')
    """
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    results = []
    for i, (name, model) in enumerate(models.items(), 1):
        _log(
            f"[{i}/{len(models)}] {name}: fitting on {len(X_train):,} documents",
            quiet=quiet,
        )
        final = model[-1] if isinstance(model, Pipeline) else model
        is_charcnn = type(final).__name__ == "CharCNNClassifier"
        if is_charcnn and test_curve and isinstance(model, Pipeline):
            callbacks = list(model[-1].callbacks or [])
            callbacks.append(
                _test_score_callback(model, list(X_test), y_test, np.unique(y_train))
            )
            model[-1].set_params(callbacks=callbacks)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        y_pred = model.predict(X_test)
        predict_s = time.perf_counter() - start
        row = {
            "model": name,
            "accuracy": float(accuracy_score(y_test, y_pred)),
            "macro_f1": float(f1_score(y_test, y_pred, average="macro")),
            "fit_s": fit_s,
            "predict_s": predict_s,
            "device": _device(model),
            "n_train": len(X_train),
            "n_test": len(X_test),
        }
        history = getattr(final, "history_", None) if is_charcnn else None
        if history is not None:
            net = final.net_
            row["net"] = {
                "max_epochs": net.max_epochs,
                "epochs_run": len(history),
                "batch_size": net.batch_size,
                "lr": net.lr,
            }
        if history is not None:
            keys = ("epoch", "train_loss", "valid_loss", "valid_acc", "test_acc", "dur")
            row["history"] = [
                {key: epoch[key] for key in keys if key in epoch} for epoch in history
            ]
        _log(
            f"[{i}/{len(models)}] {name}: accuracy {row['accuracy']:.4f}, "
            f"fit {fit_s:.1f} s, predict {predict_s:.1f} s",
            quiet=quiet,
        )
        results.append(row)
    return results


def _summarize(folds: list[list[dict]]) -> list[dict]:
    """Average per-fold results model by model (mean, with ``*_std``)."""
    summary = []
    for rows in zip(*folds, strict=True):
        row = {"model": rows[0]["model"], "device": rows[0]["device"]}
        for key in ("accuracy", "macro_f1", "fit_s", "predict_s"):
            values = np.array([r[key] for r in rows])
            row[key] = float(values.mean())
            row[f"{key}_std"] = float(values.std())
        row["n_train"] = int(np.mean([r["n_train"] for r in rows]))
        row["n_test"] = int(np.mean([r["n_test"] for r in rows]))
        row["folds"] = list(rows)
        summary.append(row)
    return summary


def format_table(results: Sequence[Mapping]) -> str:
    """Format results as a plain-text table, one row per model.

    Parameters
    ----------
    results : sequence of dict
        As returned by :func:`evaluate`; ``accuracy_std`` and
        ``macro_f1_std`` entries (cross-validation) are shown as ``± std``.

    Returns
    -------
    table : str
        The table, with a header row and a rule.

    Examples
    --------
    >>> from sklearn_charcnn.cli import format_table
    >>> print(format_table([{"model": "tfidf-word", "accuracy": 0.9, "macro_f1": 0.89,
    ...                      "fit_s": 1.25, "predict_s": 0.05, "device": "cpu"}]))
    model       accuracy  macro-F1  fit s  predict s  device
    ----------  --------  --------  -----  ---------  ------
    tfidf-word    0.9000    0.8900    1.2       0.05  cpu
    """

    def score(row, key):
        std = row.get(f"{key}_std")
        return f"{row[key]:.4f}" + (f" ± {std:.4f}" if std is not None else "")

    header = ["model", "accuracy", "macro-F1", "fit s", "predict s", "device"]
    lines = [
        [
            str(row["model"]),
            score(row, "accuracy"),
            score(row, "macro_f1"),
            f"{row['fit_s']:.1f}",
            f"{row['predict_s']:.2f}",
            str(row["device"]),
        ]
        for row in results
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(6)]
    left = {0, 5}

    def render(cells):
        return "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(header), rule, *map(render, lines)])


def _plot(results: list[dict], path: Path, title: str) -> None:
    # A bare Figure renders to PNG without pyplot, so no GUI backend is touched.
    from matplotlib.figure import Figure

    from sklearn_charcnn.plotting import plot_comparison, plot_learning_curve

    charcnn = next((row for row in results if row["model"] == "char-cnn"), None)
    baselines = {
        row["model"]: row["accuracy"] for row in results if row["model"] != "char-cnn"
    }
    fig = Figure(figsize=(11, 4.2))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    histories = []
    if charcnn is not None:
        folds = charcnn.get("folds", [charcnn])
        histories = [fold["history"] for fold in folds if fold.get("history")]
    for fold, history in enumerate(histories):
        plot_learning_curve(
            history,
            baselines=baselines if fold == 0 else None,
            ax=left,
            title="char-CNN per epoch; baselines' test accuracy dashed",
        )
    if not histories:
        left.set_axis_off()
    plot_comparison(results, ax=right, title="Test accuracy")
    right.set_xlim(0, 1.08)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _read_user_csv(path: Path, text_column: str, label_column: str):
    from sklearn_charcnn.datasets._base import _read_csv

    rows = _read_csv(path)
    header = next(rows, [])
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise ValueError(
            f"{path} has no column(s) {missing}; its header is {header}. Name the "
            "columns with --text-column and --label-column."
        )
    text_at, label_at = header.index(text_column), header.index(label_column)
    X, y = [], []
    for line, row in enumerate(rows, 2):
        if len(row) != len(header):
            raise ValueError(
                f"{path}, line {line}: {len(row)} fields, but the header has "
                f"{len(header)}."
            )
        X.append(row[text_at])
        y.append(row[label_at])
    return X, np.asarray(y)


def _load_corpus(args) -> tuple[list[str], np.ndarray, str]:
    from sklearn_charcnn import datasets

    if args.csv is not None:
        X, y = _read_user_csv(Path(args.csv), args.text_column, args.label_column)
        return X, y, Path(args.csv).name
    dataset = args.dataset or "ag_news"
    if (
        dataset == "ag_news"
        and args.data_home is None
        and args.subset in (None, "test")
    ):
        X, y = datasets.load_ag_news(return_X_y=True)
        return X, y, "AG News test split (embedded)"
    if dataset == "ag_news":
        subset = args.subset or "test"
        X, y = datasets.fetch_ag_news(subset, data_home=args.data_home, return_X_y=True)
        return X, y, f"AG News {subset}"
    if dataset == "imdb":
        subset = args.subset or "train"
        X, y = datasets.fetch_imdb(subset, data_home=args.data_home, return_X_y=True)
        return X, y, f"IMDB {subset}"
    X, y = datasets.fetch_mr(data_home=args.data_home, return_X_y=True)
    return X, y, "MR"


def run_compare(
    X,
    y,
    *,
    models: Sequence[str] = MODEL_NAMES,
    test_size: float = DEFAULTS["test_size"],
    cv: int | None = None,
    random_state: int | None = DEFAULTS["random_state"],
    n_samples: int | None = None,
    test_curve: bool = True,
    quiet: bool = False,
    **model_params,
) -> list[dict]:
    """Compare the models on one stratified split (or ``cv`` folds) of a corpus.

    Parameters
    ----------
    X : list of str
        The documents.
    y : array-like
        Their labels.
    models : sequence of str, default=MODEL_NAMES
        The models to compare (see :func:`make_models`).
    test_size : float, default=0.2
        Fraction of the documents held out for testing (ignored with ``cv``).
    cv : int, default=None
        Number of stratified cross-validation folds instead of one split.
    random_state : int or None, default=0
        Seed of the split, the folds, the subsample and the char-CNN.
    n_samples : int, default=None
        First draw a stratified subsample of this many documents.
    test_curve : bool, default=True
        Record the char-CNN's test accuracy after every epoch.
    quiet : bool, default=False
        Print no progress.
    **model_params
        Passed to :func:`make_models` (``max_length``, ``max_epochs``, ...).

    Returns
    -------
    results : list of dict
        As :func:`evaluate` returns; with ``cv``, the mean of each figure
        with ``<figure>_std`` and the per-fold rows in ``folds``.
    """
    X, y = list(X), np.asarray(y)
    if n_samples is not None and n_samples < len(X):
        X, _, y, _ = train_test_split(
            X, y, train_size=n_samples, stratify=y, random_state=random_state
        )
    template = make_models(models, random_state=random_state, **model_params)
    if cv is None:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_size, stratify=y, random_state=random_state
        )
        return evaluate(
            template,
            X_train,
            y_train,
            X_test,
            y_test,
            test_curve=test_curve,
            quiet=quiet,
        )
    folds = []
    splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    for k, (train, test) in enumerate(splitter.split(X, y), 1):
        _log(f"fold {k}/{cv}", quiet=quiet)
        fold_models = {name: clone(model) for name, model in template.items()}
        folds.append(
            evaluate(
                fold_models,
                [X[i] for i in train],
                y[train],
                [X[i] for i in test],
                y[test],
                test_curve=test_curve,
                quiet=quiet,
            )
        )
    return _summarize(folds)


def _machine() -> dict:
    import platform

    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:  # pragma: no cover
        pass
    return info


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklearn-charcnn",
        description="Character-level ConvNets (Zhang, Zhao & LeCun 2015) as "
        "scikit-learn estimators.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    compare = commands.add_parser(
        "compare",
        help="compare a char-CNN with TF-IDF + logistic regression on a corpus",
        description="Fit a char-CNN pipeline and two TF-IDF + LogisticRegression "
        "baselines (word 1-2-grams, char_wb 1-5-grams) on the same split, print "
        "a table and write a PNG and a JSON of the results. Without --dataset or "
        "--csv the corpus is the AG News test split shipped with the package "
        "(7,600 news articles, 4 topics).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    data = compare.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=("ag_news", "imdb", "mr"),
        default=None,
        help="a known data set (default: ag_news, the embedded test split)",
    )
    data.add_argument(
        "--subset",
        choices=("train", "test", "all"),
        default=None,
        help="split of --dataset to use (default: test for ag_news, train for imdb)",
    )
    data.add_argument(
        "--data-home",
        default=None,
        help="folder of the data sets (default: $SKLEARN_CHARCNN_DATA or "
        "~/sklearn_charcnn_data)",
    )
    data.add_argument("--csv", default=None, help="your own CSV file, with a header")
    data.add_argument("--text-column", default="text", help="text column of --csv")
    data.add_argument("--label-column", default="label", help="label column of --csv")
    data.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="use a stratified subsample of this many documents",
    )
    split = compare.add_argument_group("evaluation")
    split.add_argument("--test-size", type=float, default=DEFAULTS["test_size"])
    split.add_argument(
        "--cv",
        type=int,
        default=None,
        help="stratified K-fold cross-validation instead of one split",
    )
    split.add_argument("--random-state", type=int, default=DEFAULTS["random_state"])
    split.add_argument(
        "--models",
        default=",".join(MODEL_NAMES),
        help="comma-separated models to compare",
    )
    net = compare.add_argument_group("char-CNN")
    net.add_argument("--max-length", type=int, default=DEFAULTS["max_length"])
    net.add_argument("--max-epochs", type=int, default=DEFAULTS["max_epochs"])
    net.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULTS["batch_size"],
        help="minibatch size; None takes the CharCNNClassifier recipe's",
    )
    net.add_argument("--size", choices=("small", "large"), default=DEFAULTS["size"])
    net.add_argument(
        "--device",
        default=DEFAULTS["device"],
        help="torch device; auto takes CUDA when present",
    )
    net.add_argument(
        "--augment",
        action="store_true",
        help="add ThesaurusAugmenter (WordNet synonyms) before the char-CNN",
    )
    net.add_argument(
        "--recipe",
        choices=("default", "paper"),
        default=None,
        help="training recipe of CharCNNClassifier (default: its own default)",
    )
    net.add_argument("--lr", type=float, default=None, help="peak learning rate")
    net.add_argument(
        "--n-filters", type=int, default=None, help="feature maps per convolution"
    )
    net.add_argument(
        "--fc-width",
        type=int,
        default=None,
        help="units of the fully-connected layers",
    )
    net.add_argument(
        "--no-test-curve",
        dest="test_curve",
        action="store_false",
        help="do not score the test documents after every epoch",
    )
    out = compare.add_argument_group("output")
    out.add_argument("--output-dir", default="charcnn_compare")
    out.add_argument("--no-plot", dest="plot", action="store_false")
    out.add_argument("--quiet", action="store_true", help="print only the table")
    return parser


def _compare(args, argv: Sequence[str]) -> int:
    started = time.perf_counter()
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    X, y, corpus = _load_corpus(args)
    classes, counts = np.unique(y, return_counts=True)
    _log(
        f"{corpus}: {len(X):,} documents, {len(classes)} classes",
        quiet=args.quiet,
    )
    classifier_params = {
        key: value
        for key, value in {
            "n_filters": args.n_filters,
            "fc_width": args.fc_width,
            "recipe": args.recipe,
            "lr": args.lr,
        }.items()
        if value is not None
    }
    results = run_compare(
        X,
        y,
        models=names,
        test_size=args.test_size,
        cv=args.cv,
        random_state=args.random_state,
        n_samples=args.n_samples,
        test_curve=args.test_curve,
        quiet=args.quiet,
        max_length=args.max_length,
        max_epochs=args.max_epochs,
        batch_size=args.batch_size,
        size=args.size,
        augment=args.augment,
        device=args.device,
        verbose=0 if args.quiet else 1,
        classifier_params=classifier_params,
    )
    table = format_table(results)
    print(table)

    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    n_used = args.n_samples if args.n_samples and args.n_samples < len(X) else len(X)
    payload = {
        "command": shlex.join(["sklearn-charcnn", *argv]),
        "corpus": {
            "name": corpus,
            "n_documents": n_used,
            "classes": [str(c) for c in classes],
        },
        "evaluation": {
            "test_size": None if args.cv else args.test_size,
            "cv": args.cv,
            "random_state": args.random_state,
        },
        "char_cnn": {
            "max_length": args.max_length,
            "max_epochs": args.max_epochs,
            "batch_size": args.batch_size,
            "size": args.size,
            "augment": args.augment,
            "device": args.device,
            **classifier_params,
        },
        "machine": _machine(),
        "results": results,
        "table": table,
    }
    png = output_dir / "compare.png"
    if args.plot:
        try:
            _plot(results, png, f"{corpus}: {n_used:,} documents")
            payload["png"] = png.name
        except ImportError as exc:
            _log(f"no plot written: {exc}")
    payload["wall_s"] = time.perf_counter() - started
    json_path = output_dir / "compare.json"
    json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    _log(
        f"wrote {json_path}"
        + (f" and {png}" if "png" in payload else "")
        + f" ({payload['wall_s']:.0f} s in all)",
        quiet=args.quiet,
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
        0 on success, 1 when the data or a parameter is at fault (the error
        is printed, without a traceback), 2 for a usage error.

    Examples
    --------
    >>> from sklearn_charcnn.cli import main
    >>> main(["compare", "--models", "tfidf-word", "--max-length", "0", "--quiet"])
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
    for option in ("max_length", "max_epochs", "batch_size", "n_samples", "cv"):
        value = getattr(args, option)
        minimum = 2 if option == "cv" else 1
        if value is not None and value < minimum:
            parser.error(f"--{option.replace('_', '-')} must be at least {minimum}")
    if not 0 < args.test_size < 1:
        parser.error("--test-size must be between 0 and 1")
    try:
        return _compare(args, argv)
    except (OSError, ValueError, ImportError, LookupError) as exc:
        print(f"sklearn-charcnn compare: error: {exc}", file=sys.stderr)
        return 1
