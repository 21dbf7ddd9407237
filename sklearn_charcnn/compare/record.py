"""The record of a comparison: its results, how they read, and where they ran.

:class:`Comparison` is the one result record of the ``compare`` command and of
every accuracy benchmark. It round-trips through JSON, and it is the only
renderer of its results: :meth:`Comparison.table` (plain text, Markdown or
reStructuredText) is what the command prints, what the README and the
documentation show, and what ``benchmarks/render_results.py`` lays out.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from sklearn_charcnn.compare.stats import (
    MULTILABEL_METRICS,
    format_p_value,
    mcnemar,
    paired_permutation_test,
)

__all__ = [
    "SCHEMA",
    "Comparison",
    "ModelResult",
    "PairedPermutationTest",
    "PairedTest",
    "format_table",
    "load_records",
    "machine_info",
]

SCHEMA = "sklearn-charcnn/comparison/1"
"""The ``schema`` of a comparison record's JSON."""


def _number(value, spec: str) -> str:
    """Format a figure, or "n/a" where the record did not measure it."""
    return "n/a" if value is None else format(value, spec)


# How a multi-label record names its scores, in tables and in sentences.
_METRIC_WORDS = {
    "macro_f1": "macro-F1",
    "micro_f1": "micro-F1",
    "samples_f1": "samples-F1",
    "subset_accuracy": "subset accuracy",
    "hamming_loss": "Hamming loss",
}


@dataclass
class ModelResult:
    """The scores of one model in a comparison.

    Attributes
    ----------
    name : str
        The model's name, e.g. ``"tfidf-word"``.
    accuracy : float
        Test accuracy (the mean over folds with cross-validation); for
        several labels per document, the subset accuracy (documents whose
        labels are all right).
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
        ``accuracy`` on its own, ``epochs_run`` and ``history``. For
        several labels per document, the
        :data:`~sklearn_charcnn.compare.stats.MULTILABEL_METRICS` in place
        of ``accuracy`` and ``macro_f1``.
    scores : dict of str to float
        Several labels per document only (empty otherwise, and absent from
        the JSON): the
        :data:`~sklearn_charcnn.compare.stats.MULTILABEL_METRICS` (the
        mean over folds with cross-validation).
    intervals : dict of str to (float, float)
        Several labels per document only: the 95% confidence interval of
        each score, as ``accuracy_ci`` is computed.
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
    scores: dict = field(default_factory=dict)
    intervals: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping) -> ModelResult:
        """Rebuild a result from its JSON form (intervals become tuples)."""
        intervals = {
            key: tuple(value) for key, value in data.get("intervals", {}).items()
        }
        return cls(
            **{
                **data,
                "accuracy_ci": tuple(data["accuracy_ci"]),
                "intervals": intervals,
            }
        )

    def to_dict(self) -> dict:
        """Return the result as JSON-ready data.

        A result of one label per document has no ``scores`` and
        ``intervals`` keys.
        """
        data = asdict(self)
        if not self.scores:
            del data["scores"], data["intervals"]
        return data

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
        return (
            f"{self.model} - {self.reference}: "
            f"{100 * self.accuracy_difference:+.1f} accuracy points on "
            f"{self.n_documents:,} documents (only {self.model} right on "
            f"{self.only_model:,}, only {self.reference} right on "
            f"{self.only_reference:,}); McNemar "
            f"{format_p_value(self.p_value, sentence=True)}, {_verdict(self.p_value)}"
        )


@dataclass
class PairedPermutationTest:
    """A paired permutation test of the char-CNN's macro-F1 against one baseline.

    The test of a comparison with several labels per document, in place of
    McNemar's (:func:`~sklearn_charcnn.compare.stats.paired_permutation_test`).

    Attributes
    ----------
    model, reference : str
        The two models (``model`` is the char-CNN).
    n_documents : int
        Test documents both were scored on (all folds together).
    metric : str
        The score compared: ``"macro_f1"``.
    difference : float
        The score of ``model`` minus that of ``reference``, on those
        documents.
    p_value : float
        Two-sided p-value of "same score".
    n_resamples : int
        Permutations drawn.
    method : str
        How the p-value was computed, in words.
    """

    model: str
    reference: str
    n_documents: int
    metric: str
    difference: float
    p_value: float
    n_resamples: int
    method: str

    @classmethod
    def from_predictions(
        cls, model, reference, y_true, y_model, y_reference, *, n_resamples=9999
    ):
        """Test two models from their 0/1 predictions of the same documents.

        Parameters
        ----------
        model, reference : str
            The two models' names.
        y_true, y_model, y_reference : array-like of shape (n_documents, n_labels)
            The true labels and each model's predictions, as indicator
            matrices.
        n_resamples : int, default=9999
            Random permutations (seeded with 0).

        Returns
        -------
        test : PairedPermutationTest

        Examples
        --------
        >>> from sklearn_charcnn.compare import PairedPermutationTest
        >>> y = [[1, 0], [0, 1], [1, 1]]
        >>> test = PairedPermutationTest.from_predictions(
        ...     "char-cnn", "tfidf-word", y, y, [[1, 0], [0, 0], [0, 1]])
        >>> round(test.difference, 4), test.p_value
        (0.3333, 0.5)
        """
        test = paired_permutation_test(
            y_true, y_model, y_reference, n_resamples=n_resamples
        )
        return cls(
            model,
            reference,
            len(y_true),
            "macro_f1",
            test.difference,
            test.p_value,
            test.n_resamples,
            test.method,
        )

    def summary(self) -> str:
        """One sentence: the difference, the p-value and what it means."""
        return (
            f"{self.model} - {self.reference}: {100 * self.difference:+.1f} "
            f"{_METRIC_WORDS[self.metric]} points on {self.n_documents:,} "
            f"documents; paired permutation test "
            f"{format_p_value(self.p_value, sentence=True)} "
            f"({self.method}), {_verdict(self.p_value)}"
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
    paired_tests : list of PairedTest or PairedPermutationTest
        The char-CNN against each baseline: McNemar's test, or for several
        labels per document the permutation test of macro-F1.
    machine : dict
        Where it ran (:func:`~sklearn_charcnn.compare.machine_info`).
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

    @property
    def multilabel(self) -> bool:
        """Whether the record scores several labels per document."""
        return any(model.scores for model in self.models)

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's columns before the paired test's: :attr:`COLUMNS` or :attr:`MULTILABEL_COLUMNS`."""
        return self.MULTILABEL_COLUMNS if self.multilabel else self.COLUMNS

    def rows(self) -> list[list[str]]:
        """Return the table's cells: one list of formatted strings per model.

        The columns are :attr:`columns`, then the paired test's p-value
        against the reference model (McNemar's, or the permutation test of
        macro-F1 for several labels per document) when the record has
        paired tests.
        """
        tests = {test.reference: test for test in self.paired_tests}
        rows = []
        for row in self.models:
            cells = [row.name, *self._score_cells(row)]
            cells += [
                _number(row.fit_s, ".1f"),
                _number(row.predict_s, ".2f"),
                row.device,
            ]
            if tests:
                test = tests.get(row.name)
                cells.append(format_p_value(test.p_value) if test else "")
            rows.append(cells)
        return rows

    def _score_cells(self, row: ModelResult) -> list[str]:
        """Format a row's scores and interval as cells."""
        if not self.multilabel:
            low, high = row.accuracy_ci
            return [
                f"{row.accuracy:.4f}",
                f"{low:.3f} - {high:.3f}",
                _number(row.macro_f1, ".4f"),
            ]
        low, high = row.intervals["macro_f1"]
        cells = [f"{row.scores['macro_f1']:.4f}", f"{low:.3f} - {high:.3f}"]
        return cells + [f"{row.scores[key]:.4f}" for key in MULTILABEL_METRICS[1:]]

    COLUMNS = (
        "model",
        "accuracy",
        "95% CI",
        "macro-F1",
        "fit s",
        "predict s",
        "device",
    )

    MULTILABEL_COLUMNS = (
        "model",
        "macro-F1",
        "95% CI",
        "micro-F1",
        "samples-F1",
        "subset acc.",
        "Hamming loss",
        "fit s",
        "predict s",
        "device",
    )

    def table(self, fmt: str = "text") -> str:
        """Format the results as a table, one row per model.

        Several labels per document give the columns
        :attr:`MULTILABEL_COLUMNS`: macro-F1 first, with its interval.

        Parameters
        ----------
        fmt : {"text", "markdown", "rst"}, default="text"
            Plain text as the command prints it, a Markdown table, or a
            reStructuredText list table.

        Returns
        -------
        table : str

        Examples
        --------
        >>> from sklearn_charcnn.compare import Comparison, ModelResult
        >>> row = ModelResult("tfidf-word", 0.9, (0.885, 0.915), 0.89, 1.25, 0.05,
        ...                   "cpu", 6080, 1520)
        >>> print(Comparison(models=[row]).table())
        model       accuracy  95% CI         macro-F1  fit s  predict s  device
        ----------  --------  -------------  --------  -----  ---------  ------
        tfidf-word    0.9000  0.885 - 0.915    0.8900    1.2       0.05  cpu
        >>> print(Comparison(models=[row]).table("markdown"))
        | model | accuracy | 95% CI | macro-F1 | fit s | predict s | device |
        | --- | ---: | --- | ---: | ---: | ---: | --- |
        | tfidf-word | 0.9000 | 0.885 - 0.915 | 0.8900 | 1.2 | 0.05 | cpu |
        """
        header = list(self.columns)
        if self.paired_tests:
            test = "permutation" if self.multilabel else "McNemar"
            header.append(f"{test} p vs {self.paired_tests[0].model}")
        device = len(self.columns) - 1
        left = {0, 2, device, device + 1}
        return format_table(header, self.rows(), fmt, left=left)

    def _model_line(self, row: ModelResult) -> str:
        """One sentence on one model: its scores, intervals, fit time and choices."""
        extra = ", ".join(f"{key}={value:g}" for key, value in row.params.items())
        fit = f"fit {_number(row.fit_s, '.1f')} s on {row.device}"
        if not row.scores:
            low, high = row.accuracy_ci
            scores = (
                f"accuracy {row.accuracy:.4f} (95% CI {low:.3f}-{high:.3f}), "
                f"macro-F1 {_number(row.macro_f1, '.4f')}"
            )
        else:
            scores = ", ".join(
                f"{_METRIC_WORDS[key]} {row.scores[key]:.4f} (95% CI "
                f"{row.intervals[key][0]:.3f}-{row.intervals[key][1]:.3f})"
                for key in MULTILABEL_METRICS
            )
        return f"{row.name}: {scores}, {fit}" + (f"; {extra}" if extra else "")

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
        lines += [self._model_line(row) for row in self.models]
        lines += [test.summary() for test in self.paired_tests]
        lines += list(self.notes)
        return lines

    def to_dict(self) -> dict:
        """Return the record as JSON-ready data, with its summary lines and table."""
        data = {"schema": SCHEMA, **asdict(self)}
        data["models"] = [model.to_dict() for model in self.models]
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
            ModelResult.from_dict(row) for row in data.get("models", [])
        ]
        values["paired_tests"] = [
            PairedPermutationTest(**test)
            if "difference" in test
            else PairedTest(**test)
            for test in data.get("paired_tests", [])
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


def format_table(header, rows, fmt="text", *, left=(0,)) -> str:
    """Lay out a table of strings as plain text, Markdown or reStructuredText.

    Parameters
    ----------
    header : sequence of str
        The column names.
    rows : sequence of sequence of str
        The cells, one sequence per row.
    fmt : {"text", "markdown", "rst"}, default="text"
        Aligned plain text with a rule under the header, a Markdown table,
        or a reStructuredText ``list-table``.
    left : collection of int, default=(0,)
        The columns aligned left (text); the others are aligned right.

    Returns
    -------
    table : str

    Examples
    --------
    >>> from sklearn_charcnn.compare import format_table
    >>> print(format_table(["model", "accuracy"], [["a", "0.9"], ["bb", "0.85"]]))
    model  accuracy
    -----  --------
    a           0.9
    bb         0.85
    """
    if fmt == "markdown":
        align = ["---" if i in left else "---:" for i in range(len(header))]
        lines = [header, align, *rows]
        return "\n".join(
            "| " + " | ".join(str(c).replace("|", "\\|") for c in line) + " |"
            for line in lines
        )
    if fmt == "rst":
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for cells in [header, *rows]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        return "\n".join(lines)
    if fmt != "text":
        raise ValueError(f"fmt must be 'text', 'markdown' or 'rst'; got {fmt!r}.")
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def render(cells):
        return "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(header), rule, *map(render, rows)])


def load_records(folder) -> dict[str, Comparison]:
    """Read every comparison record of a folder, by file name.

    Parameters
    ----------
    folder : str or path
        A folder of JSON files, such as ``benchmarks/results``. Files that
        are not comparison records (other benchmarks' results) are skipped.

    Returns
    -------
    records : dict of str to Comparison
        By file name without ``.json``, in name order.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_charcnn.compare import Comparison, load_records
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Comparison(name="demo").to_json(f"{folder}/demo.json")
    ...     list(load_records(folder))
    ['demo']
    """
    records = {}
    for path in sorted(Path(folder).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("schema") == SCHEMA:
            records[path.stem] = Comparison.from_dict(data)
    return records


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


def _verdict(p_value: float) -> str:
    """Say what a paired test's p-value means at the 5% level."""
    if p_value < 0.05:
        return "a real difference at the 5% level"
    return "not distinguishable at the 5% level"
