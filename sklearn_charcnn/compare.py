"""The experiment engine: a char-CNN against TF-IDF + logistic regression.

This module answers the package's main question for one labelled corpus:
does a character-level ConvNet beat the baseline a competent user builds,
and is the difference real? It is what the ``compare`` command, the
accuracy benchmarks and the documentation all run:

- :func:`load_corpus` reads a known data set or a CSV file;
- :func:`make_models` builds the pipelines (:data:`MODEL_NAMES`), the
  char-CNN's settings passing through one route, a dict of
  :class:`~sklearn_charcnn.CharCNNClassifier` parameters plus the
  quantizer's ``max_length``;
- :func:`evaluate` fits and scores them on one stratified hold-out split or
  on cross-validation folds, with a 95% confidence interval per accuracy and
  McNemar's paired test between the char-CNN and each baseline; the fits
  run through :class:`joblib.Parallel`, in this process by default or on
  the workers of a Dask cluster (``scheduler``);
- :func:`run_comparison` does all of it and returns a :class:`Comparison`,
  the one result record: it formats its table and summary lines and
  round-trips through JSON.

The models
----------
``char-cnn``
    ``make_pipeline(CharQuantizer(max_length=256), CharCNNClassifier(...))``
    (10 epochs unless told otherwise), behind a ``ThesaurusAugmenter`` when
    ``augment`` is set; with ``ensemble=K``, a soft vote
    (:class:`~sklearn.ensemble.VotingClassifier`) of K such pipelines with
    consecutive seeds.
``tfidf-word``
    ``TfidfVectorizer`` on word 1-2-grams with sublinear tf and
    ``min_df=2``, then ``LogisticRegression`` with ``C`` chosen by 5-fold
    cross-validation on the training documents among 1, 3, 10 and 30.
``tfidf-char``
    The same on character 1-5-grams within word boundaries
    (``analyzer="char_wb"``).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_charcnn._stats import (
    bootstrap_accuracy_ci,
    fold_mean_ci,
    format_p_value,
    mcnemar,
)

__all__ = [
    "BASELINE_C_GRID",
    "CHARCNN_DEFAULTS",
    "MODEL_NAMES",
    "Comparison",
    "Corpus",
    "ModelResult",
    "PairedTest",
    "SCHEDULER_TIMEOUT_S",
    "charcnn_params",
    "evaluate",
    "load_corpus",
    "machine_info",
    "make_models",
    "run_comparison",
]

MODEL_NAMES = ("char-cnn", "tfidf-word", "tfidf-char")
"""The models :func:`make_models` builds, in the order they are fitted."""

CHARCNN_DEFAULTS = {"max_length": 256, "max_epochs": 10}
"""The comparison's char-CNN settings where they differ from the estimators'.

AG News articles average 233 characters, so 256 keeps nearly all of each;
10 epochs keep the comparison on the embedded split to about 4 minutes on
2 CPU cores. Every other setting is the ``CharCNNClassifier`` default.
"""

BASELINE_C_GRID = (1.0, 3.0, 10.0, 30.0)
"""The inverse regularisation strengths the TF-IDF baselines choose from."""

SCHEMA = "sklearn-charcnn/comparison/1"

SCHEDULER_TIMEOUT_S = 10.0
"""Seconds :func:`evaluate` waits for a Dask scheduler to answer.

Less when Dask's ``distributed.comm.timeouts.connect`` setting is lower.
"""

# -------------------------------------------------------------------- data


@dataclass
class Corpus:
    """Labelled documents and the name to report them by."""

    data: list
    target: np.ndarray
    name: str


def _read_labelled_csv(path: Path, text_column: str, label_column: str):
    from sklearn_charcnn.datasets._base import _read_csv

    rows = _read_csv(path)
    header = next(rows, [])
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise ValueError(
            f"{path} has no column(s) {missing}; its header is {header}. Name the "
            "text and label columns (--text-column and --label-column)."
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


def load_corpus(
    dataset: str | None = None,
    *,
    subset: str | None = None,
    data_home=None,
    csv=None,
    text_column: str = "text",
    label_column: str = "label",
) -> Corpus:
    """Read the documents of a comparison.

    Parameters
    ----------
    dataset : {"ag_news", "imdb", "mr"}, default=None
        A known data set; None is the AG News test split shipped with the
        package (:func:`~sklearn_charcnn.datasets.load_ag_news`) unless
        ``subset`` or ``data_home`` point at the full data set.
    subset : {"train", "test", "all"}, default=None
        Its split: ``"test"`` for AG News and ``"train"`` for IMDB if None.
    data_home : str or path, default=None
        Folder of the data sets (the fetchers' default if None).
    csv : str or path, default=None
        A CSV file with a header row, instead of ``dataset``.
    text_column, label_column : str, default="text", "label"
        The columns of ``csv`` holding the documents and their labels.

    Returns
    -------
    corpus : Corpus
        ``data`` (list of str), ``target`` and ``name``.

    Examples
    --------
    >>> from sklearn_charcnn.compare import load_corpus
    >>> corpus = load_corpus()
    >>> corpus.name, len(corpus.data)
    ('AG News test split (embedded)', 7600)
    """
    from sklearn_charcnn import datasets

    if csv is not None:
        X, y = _read_labelled_csv(Path(csv), text_column, label_column)
        return Corpus(X, y, Path(csv).name)
    dataset = dataset or "ag_news"
    if dataset == "ag_news" and data_home is None and subset in (None, "test"):
        X, y = datasets.load_ag_news(return_X_y=True)
        return Corpus(list(X), np.asarray(y), "AG News test split (embedded)")
    if dataset == "ag_news":
        subset = subset or "test"
        X, y = datasets.fetch_ag_news(subset, data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), f"AG News {subset}")
    if dataset == "imdb":
        subset = subset or "train"
        X, y = datasets.fetch_imdb(subset, data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), f"IMDB {subset}")
    if dataset == "mr":
        X, y = datasets.fetch_mr(data_home=data_home, return_X_y=True)
        return Corpus(list(X), np.asarray(y), "MR")
    raise ValueError(
        f"Unknown dataset {dataset!r}; choose among 'ag_news', 'imdb' and 'mr'."
    )


# ------------------------------------------------------------------ models


def charcnn_params(params: Mapping | None = None) -> dict:
    """Complete and check the char-CNN settings of a comparison.

    Parameters
    ----------
    params : mapping, default=None
        ``CharCNNClassifier`` keyword arguments and the quantizer's
        ``max_length``; what is missing comes from :data:`CHARCNN_DEFAULTS`.

    Returns
    -------
    params : dict
        The settings, :data:`CHARCNN_DEFAULTS` first, then the given ones.

    Raises
    ------
    ValueError
        If a key is neither ``max_length`` nor a ``CharCNNClassifier``
        parameter.

    Examples
    --------
    >>> from sklearn_charcnn.compare import charcnn_params
    >>> charcnn_params({"max_epochs": 3, "n_filters": 8})
    {'max_length': 256, 'max_epochs': 3, 'n_filters': 8}
    """
    from sklearn_charcnn.classifier import CharCNNClassifier

    params = {**CHARCNN_DEFAULTS, **(params or {})}
    known = {"max_length", *CharCNNClassifier().get_params()}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"Unknown char-CNN setting(s) {unknown}; the settings are max_length "
            f"and the CharCNNClassifier parameters {sorted(known - {'max_length'})}."
        )
    return params


def _tfidf_logistic_regression(**vectorizer_params) -> Pipeline:
    # C by 5-fold CV on the training documents only; the vectorizer is fitted
    # on them once (it never sees a label). SAGA: on the AG split it fits the
    # 21 models of the search several times faster than lbfgs, to the same
    # accuracy.
    return make_pipeline(
        TfidfVectorizer(min_df=2, sublinear_tf=True, **vectorizer_params),
        GridSearchCV(
            LogisticRegression(solver="saga", max_iter=1000, random_state=0),
            {"C": list(BASELINE_C_GRID)},
            cv=5,
        ),
    )


def make_models(
    names: Sequence[str] = MODEL_NAMES,
    *,
    charcnn: Mapping | None = None,
    augment: int = 0,
    augment_per_epoch: bool = False,
    ensemble: int = 1,
    random_state: int | None = 0,
    verbose: int = 0,
) -> dict:
    """Build the pipelines of a comparison.

    Parameters
    ----------
    names : sequence of str, default=MODEL_NAMES
        Which of ``"char-cnn"``, ``"tfidf-word"`` and ``"tfidf-char"`` to
        build.
    charcnn : mapping, default=None
        The char-CNN's settings: ``CharCNNClassifier`` keyword arguments and
        the quantizer's ``max_length`` (see :func:`charcnn_params`).
    augment : int, default=0
        With ``N > 0``, put ``ThesaurusAugmenter(n_copies=N)`` (WordNet
        synonyms, training documents only) first in the char-CNN's pipeline.
    augment_per_epoch : bool, default=False
        Train each epoch on the originals and one of the ``augment`` copies
        of each document (the augmenter's ``per_epoch=True``) instead of on
        all of them.
    ensemble : int, default=1
        With ``K > 1``, the char-CNN is ``VotingClassifier(voting="soft")``
        of K copies of its pipeline, named ``member_0`` ... ``member_{K-1}``
        and seeded ``s``, ``s + 1``, ... from the char-CNN's seed ``s``
        (member 0 is the single model): the average of their predicted
        probabilities decides. K times the fit and prediction time.
    random_state : int or None, default=0
        Seed of the char-CNN and of the augmenter, unless ``charcnn`` sets
        the classifier's.
    verbose : int, default=0
        The char-CNN's verbosity, unless ``charcnn`` sets it.

    Returns
    -------
    models : dict of str to estimator
        The unfitted pipelines (the char-CNN's ensemble, with ``ensemble``),
        by name, in the order of ``names``.

    Examples
    --------
    >>> from sklearn_charcnn.compare import make_models
    >>> models = make_models(["tfidf-word", "tfidf-char"])
    >>> list(models)
    ['tfidf-word', 'tfidf-char']
    >>> models["tfidf-char"][0].analyzer, models["tfidf-char"][0].ngram_range
    ('char_wb', (1, 5))
    >>> vote = make_models(["char-cnn"], ensemble=3)["char-cnn"]
    >>> [(name, member[-1].random_state) for name, member in vote.estimators]
    [('member_0', 0), ('member_1', 1), ('member_2', 2)]
    """
    unknown = sorted(set(names) - set(MODEL_NAMES))
    if unknown:
        raise ValueError(f"Unknown model(s) {unknown}; choose among {MODEL_NAMES}.")
    if isinstance(ensemble, bool) or not isinstance(ensemble, int) or ensemble < 1:
        raise ValueError(
            f"ensemble must be a positive integer (the number of char-CNNs in the "
            f"vote); got {ensemble!r}."
        )
    models = {}
    for name in names:
        if name == "char-cnn":
            models[name] = _make_charcnn(
                charcnn_params(charcnn),
                augment,
                augment_per_epoch,
                ensemble,
                random_state,
                verbose,
            )
        elif name == "tfidf-word":
            models[name] = _tfidf_logistic_regression(ngram_range=(1, 2))
        else:
            models[name] = _tfidf_logistic_regression(
                analyzer="char_wb", ngram_range=(1, 5)
            )
    return models


def _make_charcnn(
    params: dict, augment: int, per_epoch: bool, ensemble: int, random_state, verbose
):
    params = {"random_state": random_state, "verbose": verbose, **params}
    if ensemble == 1:
        return _charcnn_pipeline(params, augment, per_epoch)
    seed = params["random_state"]
    members = [
        (
            f"member_{i}",
            _charcnn_pipeline(
                {**params, "random_state": None if seed is None else seed + i},
                augment,
                per_epoch,
            ),
        )
        for i in range(ensemble)
    ]
    return VotingClassifier(members, voting="soft")


def _charcnn_pipeline(params: dict, augment: int, per_epoch: bool) -> Pipeline:
    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    params = dict(params)
    steps = []
    if augment:
        from sklearn_charcnn.augmenter import ThesaurusAugmenter

        steps.append(
            ThesaurusAugmenter(
                n_copies=augment,
                per_epoch=per_epoch,
                random_state=params["random_state"],
            )
        )
    steps.append(CharQuantizer(max_length=params.pop("max_length")))
    steps.append(CharCNNClassifier(**params))
    return make_pipeline(*steps)


# -------------------------------------------------------------- the record


def _number(value, spec: str) -> str:
    """Format a figure; a record converted from an older one may lack it."""
    return "n/a" if value is None else format(value, spec)


@dataclass
class ModelResult:
    """The scores of one model in a comparison.

    Attributes
    ----------
    name : str
        The model's name, e.g. ``"tfidf-word"``.
    accuracy : float
        Test accuracy (the mean over folds with cross-validation).
    accuracy_ci : tuple of float
        Its 95% confidence interval: a bootstrap over the test documents on a
        hold-out split, a Student-t interval across folds with
        cross-validation.
    macro_f1 : float or None
        Macro-averaged F1 on the test documents (mean over folds).
    fit_s, predict_s : float or None
        Seconds to fit and to predict (mean over folds). None where a record
        converted from an older format did not measure the figure.
    device : str
        Where the model ran.
    n_train, n_test : int
        Training and test documents (per fold).
    params : dict
        What the model chose or was given: the TF-IDF baselines' chosen ``C``,
        the char-CNN's epochs run.
    folds : list of dict
        Per fold: ``accuracy``, ``macro_f1``, ``fit_s``, ``predict_s``,
        ``n_train``, ``n_test``, ``params``, and for the char-CNN its
        per-epoch ``history``; for an ensemble of char-CNNs, ``members``
        instead: each member's ``name``, ``random_state``, test
        ``accuracy`` on its own, ``epochs_run`` and ``history``.
    """

    name: str
    accuracy: float
    accuracy_ci: tuple[float, float]
    macro_f1: float
    fit_s: float
    predict_s: float
    device: str
    n_train: int
    n_test: int
    params: dict = field(default_factory=dict)
    folds: list = field(default_factory=list)

    @property
    def history(self) -> list:
        """The first fold's per-epoch history (empty for the baselines).

        For an ensemble, the history of its first member.
        """
        return self.histories[0] if self.histories else []

    @property
    def histories(self) -> list[list]:
        """Every per-epoch history: one per fold, or one per member and fold."""
        histories = []
        for fold in self.folds:
            if fold.get("history"):
                histories.append(fold["history"])
            for member in fold.get("members", []):
                if member.get("history"):
                    histories.append(member["history"])
        return histories


@dataclass
class PairedTest:
    """McNemar's test of the char-CNN against one baseline, same documents.

    Attributes
    ----------
    model, reference : str
        The two models (``model`` is the char-CNN).
    n_documents : int
        Test documents both were scored on (all folds together).
    only_model, only_reference : int
        Documents only ``model`` / only ``reference`` classified correctly.
    p_value : float
        Two-sided p-value of "same accuracy".
    method : str
        ``"exact binomial"`` or ``"chi-square, continuity-corrected"``.
    """

    model: str
    reference: str
    n_documents: int
    only_model: int
    only_reference: int
    p_value: float
    method: str

    @classmethod
    def from_correct(cls, model, reference, model_correct, reference_correct):
        """Test two models from whether each got each document right.

        Parameters
        ----------
        model, reference : str
            The two models' names.
        model_correct, reference_correct : ndarray of bool
            For the same documents, in the same order, whether each model
            classified them correctly.

        Returns
        -------
        test : PairedTest

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_charcnn.compare import PairedTest
        >>> test = PairedTest.from_correct(
        ...     "char-cnn", "tfidf-word", np.array([1, 1, 0, 0], bool),
        ...     np.array([1, 1, 1, 1], bool))
        >>> test.only_model, test.only_reference
        (0, 2)
        """
        only_model = int(np.sum(model_correct & ~reference_correct))
        only_reference = int(np.sum(reference_correct & ~model_correct))
        test = mcnemar(only_model, only_reference)
        return cls(
            model,
            reference,
            len(model_correct),
            only_model,
            only_reference,
            test.p_value,
            test.method,
        )

    @property
    def accuracy_difference(self) -> float:
        """Accuracy of ``model`` minus that of ``reference``, pooled."""
        return (self.only_model - self.only_reference) / self.n_documents

    def summary(self) -> str:
        """One sentence: the difference, the p-value and what it means."""
        verdict = (
            "a real difference at the 5% level"
            if self.p_value < 0.05
            else "not distinguishable at the 5% level"
        )
        p_value = format_p_value(self.p_value)
        return (
            f"{self.model} - {self.reference}: "
            f"{100 * self.accuracy_difference:+.1f} accuracy points on "
            f"{self.n_documents:,} documents (only {self.model} right on "
            f"{self.only_model:,}, only {self.reference} right on "
            f"{self.only_reference:,}); McNemar p "
            f"{p_value if p_value.startswith('<') else '= ' + p_value}, {verdict}"
        )


@dataclass
class Comparison:
    """The result record of a comparison (and of every accuracy benchmark).

    It serialises to one JSON schema (:meth:`to_dict`, :meth:`from_dict`,
    :meth:`to_json`, :meth:`from_json`); :meth:`table` and
    :meth:`summary_lines` are what the command prints and the README and
    documentation show.

    Attributes
    ----------
    name : str
        What produced it: ``"compare"`` or a benchmark's name.
    question : str
        The question it answers.
    corpus : dict
        ``name``, ``n_documents`` and ``classes``.
    evaluation : dict
        ``test_size``, ``cv`` (folds, None for a hold-out split,
        ``"predefined"`` for given train/test indices), ``random_state``,
        ``confidence`` and ``interval`` (how the intervals were computed).
    settings : dict
        ``models``, the char-CNN's settings (``charcnn``) and ``augment``.
    models : list of ModelResult
        One per model, in the order fitted.
    paired_tests : list of PairedTest
        The char-CNN against each baseline.
    machine : dict
        Where it ran (:func:`machine_info`).
    command : str or None
        The command line that produced it.
    wall_s : float or None
        Seconds for the whole comparison.
    notes : list of str
        Facts about the record that its fields do not say (shown with the
        summary).
    """

    name: str = "compare"
    question: str = "Does a char-CNN beat TF-IDF + logistic regression?"
    corpus: dict = field(default_factory=dict)
    evaluation: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    models: list = field(default_factory=list)
    paired_tests: list = field(default_factory=list)
    machine: dict = field(default_factory=dict)
    command: str | None = None
    wall_s: float | None = None
    notes: list = field(default_factory=list)

    def __getitem__(self, name: str) -> ModelResult:
        """Return the result of the model called ``name``."""
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(
            f"No model {name!r} in this comparison; it has "
            f"{[model.name for model in self.models]}."
        )

    def table(self) -> str:
        """Format the results as a plain-text table, one row per model.

        Examples
        --------
        >>> from sklearn_charcnn.compare import Comparison, ModelResult
        >>> row = ModelResult("tfidf-word", 0.9, (0.885, 0.915), 0.89, 1.25, 0.05,
        ...                   "cpu", 6080, 1520)
        >>> print(Comparison(models=[row]).table())
        model       accuracy  95% CI         macro-F1  fit s  predict s  device
        ----------  --------  -------------  --------  -----  ---------  ------
        tfidf-word    0.9000  0.885 - 0.915    0.8900    1.2       0.05  cpu
        """
        tests = {test.reference: test for test in self.paired_tests}
        header = ["model", "accuracy", "95% CI", "macro-F1", "fit s", "predict s"]
        header.append("device")
        if tests:
            header.append("McNemar p vs " + self.paired_tests[0].model)
        lines = []
        for row in self.models:
            low, high = row.accuracy_ci
            cells = [
                row.name,
                f"{row.accuracy:.4f}",
                f"{low:.3f} - {high:.3f}",
                _number(row.macro_f1, ".4f"),
                _number(row.fit_s, ".1f"),
                _number(row.predict_s, ".2f"),
                row.device,
            ]
            if tests:
                test = tests.get(row.name)
                cells.append(format_p_value(test.p_value) if test else "")
            lines.append(cells)
        widths = [max(len(c[i]) for c in [header, *lines]) for i in range(len(header))]
        left = {0, 2, 6, 7}

        def render(cells):
            return "  ".join(
                cell.ljust(width) if i in left else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        rule = "  ".join("-" * width for width in widths)
        return "\n".join([render(header), rule, *map(render, lines)])

    def summary_lines(self) -> list[str]:
        """Describe the record in sentences: data, one line per model, the tests.

        Examples
        --------
        >>> from sklearn_charcnn.compare import Comparison, ModelResult
        >>> row = ModelResult("tfidf-word", 0.9, (0.885, 0.915), 0.89, 1.25, 0.05,
        ...                   "cpu", 6080, 1520, params={"C": 10.0})
        >>> for line in Comparison(models=[row]).summary_lines():
        ...     print(line)
        tfidf-word: accuracy 0.9000 (95% CI 0.885-0.915), macro-F1 0.8900, fit 1.2 s on cpu; C=10
        """
        lines = []
        corpus, evaluation = self.corpus, self.evaluation
        if corpus and self.models:
            first = self.models[0]
            how = (
                f"{evaluation['cv']}-fold cross-validation"
                if isinstance(evaluation.get("cv"), int)
                else "one split"
            )
            lines.append(
                f"{corpus.get('name', 'corpus')}: {first.n_train:,} training / "
                f"{first.n_test:,} test documents ({how})"
            )
        for row in self.models:
            low, high = row.accuracy_ci
            extra = ", ".join(f"{key}={value:g}" for key, value in row.params.items())
            lines.append(
                f"{row.name}: accuracy {row.accuracy:.4f} (95% CI {low:.3f}-"
                f"{high:.3f}), macro-F1 {_number(row.macro_f1, '.4f')}, fit "
                f"{_number(row.fit_s, '.1f')} s on {row.device}"
                + (f"; {extra}" if extra else "")
            )
        lines += [test.summary() for test in self.paired_tests]
        lines += list(self.notes)
        return lines

    def to_dict(self) -> dict:
        """Return the record as JSON-ready data, with its summary lines and table."""
        data = {"schema": SCHEMA, **asdict(self)}
        data["summary"] = self.summary_lines()
        data["table"] = self.table()
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Comparison:
        """Rebuild a record from :meth:`to_dict`'s output.

        Raises
        ------
        ValueError
            If ``data`` is not a comparison record of this schema.
        """
        if data.get("schema") != SCHEMA:
            raise ValueError(
                f"Not a comparison record: schema {data.get('schema')!r}, "
                f"expected {SCHEMA!r}."
            )
        names = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        values["models"] = [
            ModelResult(**{**row, "accuracy_ci": tuple(row["accuracy_ci"])})
            for row in data.get("models", [])
        ]
        values["paired_tests"] = [
            PairedTest(**test) for test in data.get("paired_tests", [])
        ]
        return cls(**values)

    def to_json(self, path=None) -> str:
        """Return the record as JSON text, also written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source) -> Comparison:
        """Read a record from JSON text or from a file path."""
        if isinstance(source, Path) or (
            isinstance(source, str) and not source.lstrip().startswith("{")
        ):
            source = Path(source).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(source))


# -------------------------------------------------------------- evaluation


def _final_step(model):
    return model[-1] if isinstance(model, Pipeline) else model


def _pipelines(model) -> list[tuple[str, Pipeline]]:
    """Return the pipelines of a model: itself, or a voting ensemble's members."""
    if isinstance(model, VotingClassifier):
        return [(n, m) for n, m in model.estimators if isinstance(m, Pipeline)]
    return [("", model)] if isinstance(model, Pipeline) else []


def _charcnn_pipelines(model) -> list[tuple[str, Pipeline]]:
    """Return the char-CNN pipelines of a model (see :func:`_pipelines`)."""
    return [
        (name, pipeline)
        for name, pipeline in _pipelines(model)
        if type(pipeline[-1]).__name__ == "CharCNNClassifier"
    ]


def _history_rows(classifier) -> list[dict]:
    keys = ("epoch", "train_loss", "valid_loss", "valid_acc", "test_acc", "dur")
    return [
        {key: epoch[key] for key in keys if key in epoch}
        for epoch in classifier.history_
    ]


def _charcnn_callbacks(model, name, X_test, y_test, y_train, test_curve, lines):
    """Build the callbacks ``evaluate`` adds to a char-CNN pipeline for one fit."""
    from sklearn_charcnn._epoch_callbacks import EpochLine, EpochTestScore

    callbacks = []
    if test_curve:
        # The test documents are encoded once, by a copy of the pipeline's own
        # quantizer (the step just before the classifier); the classifier
        # trains its net on label indices into the sorted training labels.
        quantizer = clone(model[-2]).fit(X_test[:1])
        classes = np.unique(y_train)
        target = np.where(
            np.isin(y_test, classes), np.searchsorted(classes, y_test), -1
        )
        callbacks.append(
            ("test_score", EpochTestScore(quantizer.transform(X_test), target))
        )
    if lines:
        callbacks.append(("epoch_line", EpochLine(prefix=f"{name}: ")))
    return callbacks


def _fit_and_predict(name, model, X_train, y_train, X_test, y_test, **options):
    """Fit one model, predict the test documents.

    One task of :func:`evaluate`'s ``joblib.Parallel``: it returns the
    predictions, the fold's facts, the device and the fitted model (the
    same object as ``model`` when the task ran in this process).
    """
    # The user's callbacks of each char-CNN, to put back after the fit.
    originals = []
    for member, pipeline in _charcnn_pipelines(model):
        label = f"{name} {member}" if member else name
        extra = _charcnn_callbacks(pipeline, label, X_test, y_test, y_train, **options)
        if extra:
            originals.append((member, pipeline, pipeline[-1].callbacks))
            pipeline[-1].set_params(callbacks=[*(pipeline[-1].callbacks or []), *extra])
    final = _final_step(model)
    if isinstance(final, GridSearchCV) and isinstance(final.cv, int):
        # Fewer folds when a class has fewer training documents than folds.
        smallest = int(np.unique(y_train, return_counts=True)[1].min())
        final.set_params(cv=max(2, min(final.cv, smallest)))
    try:
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
    finally:
        # The fitted pipelines keep the user's callbacks, not the test set;
        # an ensemble fits clones of its members, made with the callbacks.
        fitted = getattr(model, "named_estimators_", {})
        for member, pipeline, callbacks in originals:
            pipeline[-1].set_params(callbacks=callbacks)
            if member in fitted:
                fitted[member][-1].set_params(callbacks=callbacks)
    start = time.perf_counter()
    y_pred = np.asarray(model.predict(X_test))
    predict_s = time.perf_counter() - start
    final = _final_step(model)
    fold = {
        "accuracy": float(np.mean(y_pred == y_test)),
        "macro_f1": float(f1_score(y_test, y_pred, average="macro")),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "params": {},
    }
    if isinstance(final, GridSearchCV):
        fold["params"] = {key: float(v) for key, v in final.best_params_.items()}
    if getattr(final, "history_", None) is not None:
        fold["history"] = _history_rows(final)
        fold["params"] = {"epochs_run": len(fold["history"])}
    elif isinstance(model, VotingClassifier) and _charcnn_pipelines(model):
        # Each member alone, on the same test documents: the members are
        # fitted on label indices, which the voter's encoder maps back.
        fold["members"] = []
        for member, pipeline in model.named_estimators_.items():
            member_pred = model.le_.inverse_transform(pipeline.predict(X_test))
            fold["members"].append(
                {
                    "name": member,
                    "random_state": pipeline[-1].random_state,
                    "accuracy": float(np.mean(member_pred == y_test)),
                    "epochs_run": len(pipeline[-1].history_),
                    "history": _history_rows(pipeline[-1]),
                }
            )
        fold["params"] = {"members": len(fold["members"])}
    if isinstance(model, VotingClassifier):
        final = _final_step(model.estimators_[0])  # where the members ran
    device = str(getattr(final, "device_", "cpu"))
    return y_pred, fold, device, model


def _splits(X, y, cv, test_size, random_state):
    if cv is None:
        indices = np.arange(len(X))
        train, test = train_test_split(
            indices, test_size=test_size, stratify=y, random_state=random_state
        )
        return [(train, test)]
    if isinstance(cv, int):
        splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        return list(splitter.split(np.zeros(len(y)), y))
    return [(np.asarray(train), np.asarray(test)) for train, test in cv]


def evaluate(
    models: Mapping,
    X,
    y,
    *,
    test_size: float = 0.2,
    cv=None,
    random_state: int | None = 0,
    test_curve: bool = True,
    epoch_lines: bool = False,
    log: Callable[[str], None] | None = None,
    reference: str = "char-cnn",
    confidence: float = 0.95,
    n_bootstrap: int = 10_000,
    scheduler: str | None = None,
) -> Comparison:
    """Fit and score models on the same split(s) of one corpus.

    Every (model, split) pair is one task of a :class:`joblib.Parallel`:
    sequential in this process by default (or as an enclosing
    :func:`joblib.parallel_config` says), on a Dask cluster with
    ``scheduler``. Where the tasks run changes no score: with the same
    number of PyTorch threads per fit, the record is the same.

    Parameters
    ----------
    models : mapping of str to estimator
        The models, by name (e.g. from :func:`make_models`); each is cloned
        for every fold, and fitted in place on a hold-out split.
    X : sequence of str
        The documents.
    y : array-like
        Their labels.
    test_size : float, default=0.2
        Fraction held out for testing, stratified (without ``cv``).
    cv : int or iterable of (train, test) index arrays, default=None
        Stratified K-fold cross-validation with K folds, or given splits
        (e.g. a data set's official train/test split as one pair).
    random_state : int or None, default=0
        Seed of the split or folds.
    test_curve : bool, default=True
        Record the char-CNN's test accuracy after every epoch (``test_acc``
        in its history); one prediction pass per epoch.
    epoch_lines : bool, default=False
        Print one plain line per char-CNN epoch to standard error.
    log : callable, default=None
        Called with a progress message before and after each fit.
    reference : str, default="char-cnn"
        The model tested against each other one (McNemar), when present.
    confidence : float, default=0.95
        Level of the accuracy intervals.
    n_bootstrap : int, default=10_000
        Bootstrap draws for a hold-out split's intervals (seeded with 0).
    scheduler : str, default=None
        Address of a Dask scheduler (e.g. ``"tcp://10.0.0.5:8786"``): run
        the fits on its workers, as many at a time as they have task
        threads, through :class:`~sklearn_charcnn.parallel.DaskBackend`.
        When a model has a ``ThesaurusAugmenter``,
        :class:`~sklearn_charcnn.parallel.WordNetWorkerPlugin` is registered
        first. Needs the ``dask`` extra. The models come back fitted as in
        a local run; ``log`` reports a fit when it is sent and when its
        result arrives, while per-epoch lines print on the workers.

    Returns
    -------
    comparison : Comparison
        ``models``, ``paired_tests`` and ``evaluation`` filled in (with the
        ``scheduler`` address when one was used); for an ensemble, a line of
        ``notes`` with its members' own accuracies.

    Raises
    ------
    OSError
        If no scheduler answers at ``scheduler`` within
        :data:`SCHEDULER_TIMEOUT_S` seconds.

    Examples
    --------
    >>> from sklearn_charcnn.compare import evaluate, make_models
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    >>> labels = [1, 1, 0, 0] * 5
    >>> result = evaluate(make_models(["tfidf-word"]), docs, labels, cv=2)
    >>> row = result["tfidf-word"]
    >>> len(row.folds), row.accuracy_ci[0] <= row.accuracy <= row.accuracy_ci[1]
    (2, True)
    >>> result.evaluation["interval"]
    'Student t across folds'
    """
    X, y = list(X), np.asarray(y)
    splits = _splits(X, y, cv, test_size, random_state)
    log = log or (lambda message: None)
    predictions = {name: [] for name in models}
    folds = {name: [] for name in models}
    devices = {}
    sent = []  # (model number, name, template) of each task, in order

    def tasks():
        # A generator: joblib takes the next task only when a worker is
        # free (sequentially: after the previous result), so each "fitting"
        # line is logged when its fit starts or is sent.
        for k, (train, test) in enumerate(splits, 1):
            X_train, X_test = [X[i] for i in train], [X[i] for i in test]
            where = f"fold {k}/{len(splits)}, " if len(splits) > 1 else ""
            for i, (name, template) in enumerate(models.items(), 1):
                model = template if len(splits) == 1 else clone(template)
                sent.append((i, name, template))
                log(
                    f"[{i}/{len(models)}] {name}: {where}fitting on "
                    f"{len(train):,} documents"
                )
                yield delayed(_fit_and_predict)(
                    name,
                    model,
                    X_train,
                    y[train],
                    X_test,
                    y[test],
                    test_curve=test_curve,
                    lines=epoch_lines,
                )

    with _backend(scheduler, models):
        results = Parallel(return_as="generator")(tasks())
        for number, (y_pred, fold, device, fitted) in enumerate(results):
            i, name, template = sent[number]
            if len(splits) == 1 and fitted is not template:
                # Fitted in another process: the caller's model becomes the
                # fitted one, as in a local run (scikit-learn estimators keep
                # their whole state in __dict__, as their pickles do).
                template.__dict__.update(fitted.__dict__)
            devices[name] = device
            log(
                f"[{i}/{len(models)}] {name}: accuracy {fold['accuracy']:.4f}, fit "
                f"{fold['fit_s']:.1f} s, predict {fold['predict_s']:.1f} s"
            )
            predictions[name].append(y_pred)
            folds[name].append(fold)
    y_tested = np.concatenate([y[test] for _, test in splits])
    correct = {name: np.concatenate(predictions[name]) == y_tested for name in models}
    results = []
    for name in models:
        runs = folds[name]
        if len(runs) == 1:
            interval = bootstrap_accuracy_ci(
                int(correct[name].sum()),
                len(y_tested),
                confidence=confidence,
                n_bootstrap=n_bootstrap,
            )
        else:
            interval = fold_mean_ci(
                [r["accuracy"] for r in runs], confidence=confidence
            )

        def mean(key, runs=runs):
            return float(np.mean([r[key] for r in runs]))

        params = runs[0]["params"] if len(runs) == 1 else {}
        results.append(
            ModelResult(
                name=name,
                accuracy=mean("accuracy"),
                accuracy_ci=interval,
                macro_f1=mean("macro_f1"),
                fit_s=mean("fit_s"),
                predict_s=mean("predict_s"),
                device=devices[name],
                n_train=int(round(mean("n_train"))),
                n_test=int(round(mean("n_test"))),
                params=params,
                folds=runs,
            )
        )
    tests = []
    if reference in models:
        for name in models:
            if name == reference:
                continue
            tests.append(
                PairedTest.from_correct(
                    reference, name, correct[reference], correct[name]
                )
            )
    if cv is None:
        split = {"test_size": test_size, "cv": None}
    elif isinstance(cv, int):
        split = {"test_size": None, "cv": cv}
    else:
        split = {"test_size": None, "cv": "predefined"}
    interval = (
        f"bootstrap over the test documents ({n_bootstrap:,} draws, seed 0)"
        if len(splits) == 1
        else "Student t across folds"
    )
    evaluation = {
        **split,
        "random_state": random_state,
        "confidence": confidence,
        "interval": interval,
        "paired_test": "McNemar",
    }
    if scheduler is not None:
        evaluation["scheduler"] = scheduler
    comparison = Comparison(models=results, paired_tests=tests, evaluation=evaluation)
    comparison.notes = _member_notes(comparison)
    return comparison


def _uses_wordnet(models) -> bool:
    from sklearn_charcnn.augmenter import ThesaurusAugmenter

    return any(
        isinstance(step, ThesaurusAugmenter)
        for model in models.values()
        for _, pipeline in _pipelines(model)
        for _, step in pipeline.steps
    )


def _connect(address: str):
    """Return a Dask client of the scheduler at ``address``, or raise OSError."""
    from sklearn_charcnn.parallel import _check_distributed

    _check_distributed("evaluate(scheduler=...)")
    import dask
    import distributed
    from dask.utils import parse_timedelta

    timeout = min(
        SCHEDULER_TIMEOUT_S,
        parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s"),
    )
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise OSError(
            f"No Dask scheduler answered at {address!r} within {timeout:g} s "
            f"({exc}). Check the address, or start a scheduler there "
            "(`dask scheduler`) and its workers (`dask worker ADDRESS`)."
        ) from None


@contextmanager
def _backend(scheduler: str | None, models):
    """Run the enclosed ``joblib.Parallel`` on the Dask cluster, if one is given."""
    if scheduler is None:
        yield
        return
    from sklearn_charcnn.parallel import DaskBackend, WordNetWorkerPlugin

    client = _connect(scheduler)
    try:
        if _uses_wordnet(models):
            client.register_plugin(WordNetWorkerPlugin())
        with parallel_config(backend=DaskBackend(client=client), n_jobs=-1):
            yield
    finally:
        client.close()


def machine_info() -> dict:
    """Describe the machine a comparison ran on.

    Returns
    -------
    info : dict
        ``platform``, ``processor``, ``python``, ``cpu_count``, ``numpy``,
        ``scikit-learn``, and when torch is installed ``torch``,
        ``torch_threads`` and ``gpu`` (the CUDA device's name, if any).

    Examples
    --------
    >>> from sklearn_charcnn.compare import machine_info
    >>> machine_info()["cpu_count"] >= 1
    True
    """
    import sklearn

    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }
    try:
        import torch
    except ImportError:  # pragma: no cover
        return info
    info["torch"] = torch.__version__
    info["torch_threads"] = torch.get_num_threads()
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def _stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _member_notes(comparison: Comparison) -> list[str]:
    """Return a line per ensemble: its members' test accuracies, and the vote's."""
    lines = []
    for model in comparison.models:
        members = [m for fold in model.folds for m in fold.get("members", [])]
        if not members:
            continue
        accuracies = [m["accuracy"] for m in members]
        seeds = [m["random_state"] for m in model.folds[0]["members"]]
        folds = " (over all folds)" if len(model.folds) > 1 else ""
        lines.append(
            f"{model.name}: a soft vote of {len(model.folds[0]['members'])} "
            f"char-CNNs seeded {', '.join(map(str, seeds))}; alone, the members "
            f"score {', '.join(f'{a:.4f}' for a in accuracies)}{folds} "
            f"(mean {np.mean(accuracies):.4f}), the vote {model.accuracy:.4f}"
        )
    return lines


def run_comparison(
    X,
    y,
    *,
    models: Sequence[str] = MODEL_NAMES,
    charcnn: Mapping | None = None,
    augment: int = 0,
    augment_per_epoch: bool = False,
    ensemble: int = 1,
    test_size: float = 0.2,
    cv=None,
    random_state: int | None = 0,
    n_samples: int | None = None,
    test_curve: bool = True,
    progress: str = "none",
    corpus_name: str = "documents",
    name: str = "compare",
    question: str | None = None,
    command: str | None = None,
    notes: Sequence[str] = (),
    scheduler: str | None = None,
) -> Comparison:
    """Build the models, evaluate them on one corpus, return the record.

    Parameters
    ----------
    X : sequence of str
        The documents.
    y : array-like
        Their labels.
    models : sequence of str, default=MODEL_NAMES
        The models to compare (see :func:`make_models`).
    charcnn : mapping, default=None
        The char-CNN's settings (see :func:`charcnn_params`).
    augment : int, default=0
        Augmented copies per training document (``ThesaurusAugmenter``).
    augment_per_epoch : bool, default=False
        One of the ``augment`` copies per document in each epoch (see
        :func:`make_models`).
    ensemble : int, default=1
        A soft vote of this many char-CNNs with consecutive seeds (see
        :func:`make_models`); the record's notes give each member's
        accuracy on its own.
    test_size, cv, random_state
        The split, as in :func:`evaluate`; ``random_state`` also seeds the
        subsample and the char-CNN.
    n_samples : int, default=None
        First draw a stratified subsample of this many documents.
    test_curve : bool, default=True
        Record the char-CNN's test accuracy after every epoch.
    progress : {"none", "lines", "bar"}, default="none"
        ``"lines"``: a line per fit and per epoch on standard error (for
        logs); ``"bar"``: a line per fit, and the char-CNN's own epoch table
        and progress bar (for a terminal).
    corpus_name : str, default="documents"
        How the record names the corpus.
    name, question, command : str
        The record's ``name``, ``question`` and ``command``.
    notes : sequence of str, default=()
        Extra summary lines for the record.
    scheduler : str, default=None
        Address of a Dask scheduler to run the fits on (see :func:`evaluate`).

    Returns
    -------
    comparison : Comparison
        The complete record.

    Examples
    --------
    >>> from sklearn_charcnn.compare import run_comparison
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    >>> labels = [1, 1, 0, 0] * 5
    >>> result = run_comparison(docs, labels, models=["tfidf-word"])
    >>> print(result.table())  # doctest: +ELLIPSIS
    model       accuracy  95% CI         macro-F1  fit s  predict s  device
    ----------  --------  -------------  --------  -----  ---------  ------
    tfidf-word    1.0000  1.000 - 1.000    1.0000  ...
    """
    if progress not in ("none", "lines", "bar"):
        raise ValueError(
            f"progress must be 'none', 'lines' or 'bar'; got {progress!r}."
        )
    started = time.perf_counter()
    X, y = list(X), np.asarray(y)
    if n_samples is not None and n_samples < len(X):
        X, _, y, _ = train_test_split(
            X, y, train_size=n_samples, stratify=y, random_state=random_state
        )
    charcnn = charcnn_params(charcnn) if "char-cnn" in models else None
    built = make_models(
        models,
        charcnn=charcnn,
        augment=augment,
        augment_per_epoch=augment_per_epoch,
        ensemble=ensemble,
        random_state=random_state,
        verbose=1 if progress == "bar" else 0,
    )
    comparison = evaluate(
        built,
        X,
        y,
        test_size=test_size,
        cv=cv,
        random_state=random_state,
        test_curve=test_curve,
        epoch_lines=progress == "lines",
        log=None if progress == "none" else _stderr_log,
        scheduler=scheduler,
    )
    comparison.name = name
    if question is not None:
        comparison.question = question
    comparison.command = command
    comparison.corpus = {
        "name": corpus_name,
        "n_documents": len(X),
        "classes": [str(c) for c in np.unique(y)],
    }
    comparison.settings = {
        "models": list(models),
        "charcnn": charcnn,
        "augment": augment,
        "augment_per_epoch": augment_per_epoch,
        "ensemble": ensemble,
    }
    comparison.machine = machine_info()
    comparison.notes = [*comparison.notes, *notes]
    comparison.wall_s = time.perf_counter() - started
    return comparison
