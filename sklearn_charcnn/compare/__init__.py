"""The experiment: a char-CNN against TF-IDF + logistic regression.

This package answers the package's main question for one labelled corpus:
does a character-level ConvNet beat the baseline a competent user builds,
and is the difference real? It is what the ``compare`` command, the
accuracy benchmarks and the documentation all run, one job per module:

- ``compare.corpus``: :func:`load_corpus` reads a known
  data set or a CSV file;
- ``compare.models``: :func:`make_models` builds the
  pipelines (:data:`MODEL_NAMES`), the char-CNN's settings passing through
  one route, a dict of :class:`~sklearn_charcnn.CharCNNClassifier`
  parameters plus the quantizer's ``max_length`` (:func:`charcnn_params`);
- ``compare.fitting``: :func:`split_indices` draws the
  stratified hold-out split or cross-validation folds, and
  :func:`fit_and_predict` fits a clone of one model on one of them;
- ``compare.one_vs_rest``: :class:`TunedOneVsRestClassifier`, the
  multi-label baselines' classifier (one per label, ``C`` and per-label
  thresholds chosen on held-out training rows);
- ``compare.scoring``: the predictions become a
  :class:`ModelResult` per model, with a 95% confidence interval per
  accuracy, and McNemar's paired test between the char-CNN and each
  baseline (:func:`paired_tests`); for several labels per document, the
  multi-label scores with bootstrap intervals (:func:`multilabel_result`)
  and a paired permutation test of macro-F1
  (:func:`paired_permutation_tests`);
- :mod:`sklearn_charcnn.compare.stats`: the intervals and the tests
  themselves, on plain counts and indicator matrices;
- ``compare.record``: :class:`Comparison`, the one
  result record, which round-trips through JSON and renders its table as
  text, Markdown or reStructuredText;
- :func:`evaluate` runs the fits through :class:`joblib.Parallel`, in this
  process or on a Dask cluster (``compare.cluster``),
  and :func:`run_comparison` does all of it.

The models it is given are never changed: every fit is of a clone.
"""

from sklearn_charcnn.compare.cluster import SCHEDULER_TIMEOUT_S, connect, dask_backend
from sklearn_charcnn.compare.corpus import CORPUS_CHARCNN, Corpus, load_corpus
from sklearn_charcnn.compare.evaluation import evaluate
from sklearn_charcnn.compare.fitting import (
    FittedModel,
    check_class_sizes,
    fit_and_predict,
    split_indices,
    subsample,
)
from sklearn_charcnn.compare.models import (
    BASELINE_C_GRID,
    CHARCNN_DEFAULTS,
    CHARCNN_MULTILABEL,
    MODEL_NAMES,
    MULTILABEL_C_GRID,
    charcnn_params,
    charcnn_pipelines,
    make_models,
    pipelines,
)
from sklearn_charcnn.compare.one_vs_rest import TunedOneVsRestClassifier
from sklearn_charcnn.compare.record import (
    SCHEMA,
    Comparison,
    ModelResult,
    PairedPermutationTest,
    PairedTest,
    format_table,
    load_records,
    machine_info,
)
from sklearn_charcnn.compare.run import run_comparison
from sklearn_charcnn.compare.scoring import (
    fold_record,
    fold_scores,
    member_notes,
    model_result,
    multilabel_result,
    paired_permutation_tests,
    paired_tests,
    shared_document_notes,
)

__all__ = [
    "BASELINE_C_GRID",
    "CHARCNN_DEFAULTS",
    "CHARCNN_MULTILABEL",
    "CORPUS_CHARCNN",
    "MODEL_NAMES",
    "MULTILABEL_C_GRID",
    "SCHEDULER_TIMEOUT_S",
    "SCHEMA",
    "Comparison",
    "Corpus",
    "FittedModel",
    "ModelResult",
    "PairedPermutationTest",
    "PairedTest",
    "TunedOneVsRestClassifier",
    "charcnn_params",
    "check_class_sizes",
    "charcnn_pipelines",
    "connect",
    "dask_backend",
    "evaluate",
    "fit_and_predict",
    "fold_record",
    "fold_scores",
    "format_table",
    "load_corpus",
    "load_records",
    "machine_info",
    "make_models",
    "member_notes",
    "model_result",
    "multilabel_result",
    "paired_permutation_tests",
    "paired_tests",
    "pipelines",
    "run_comparison",
    "shared_document_notes",
    "split_indices",
    "subsample",
]
