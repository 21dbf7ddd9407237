"""Tests of the plotting helpers (matplotlib with the Agg backend)."""

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from sklearn_charcnn.plotting import (  # noqa: E402
    plot_comparison,
    plot_comparison_figure,
    plot_learning_curve,
)

HISTORY = [
    {
        "epoch": 1,
        "train_loss": 1.4,
        "valid_loss": 1.3,
        "valid_acc": 0.30,
        "test_acc": 0.28,
        "batches": [],
    },
    {
        "epoch": 2,
        "train_loss": 1.1,
        "valid_loss": 1.0,
        "valid_acc": 0.55,
        "test_acc": 0.50,
        "batches": [],
    },
    {
        "epoch": 3,
        "train_loss": 0.9,
        "valid_loss": 0.8,
        "valid_acc": 0.70,
        "test_acc": 0.66,
        "batches": [],
    },
]


@pytest.fixture
def ax():
    return Figure().subplots()


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_learning_curve_plots_accuracies_and_baselines(ax):
    out = plot_learning_curve(HISTORY, baselines={"tfidf-word": 0.8}, ax=ax)
    assert out is ax
    lines = lines_by_label(ax)
    assert list(lines) == ["validation accuracy", "test accuracy", "tfidf-word"]
    assert lines["validation accuracy"].get_xdata().tolist() == [1, 2, 3]
    assert lines["validation accuracy"].get_ydata().tolist() == [0.30, 0.55, 0.70]
    assert lines["test accuracy"].get_ydata().tolist() == [0.28, 0.50, 0.66]
    assert list(lines["tfidf-word"].get_ydata()) == [0.8, 0.8]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"


def test_learning_curve_plots_chosen_keys(ax):
    plot_learning_curve(HISTORY, keys=("train_loss", "valid_loss"), ax=ax)
    lines = lines_by_label(ax)
    assert lines["training loss"].get_ydata().tolist() == [1.4, 1.1, 0.9]
    assert ax.get_ylabel() == "value"


def test_learning_curve_skips_epochs_without_the_key(ax):
    # Early stopping may end an epoch before a late callback records its score.
    history = [dict(HISTORY[0]), dict(HISTORY[1])]
    del history[1]["test_acc"]
    plot_learning_curve(history, keys=("test_acc",), ax=ax)
    assert lines_by_label(ax)["test accuracy"].get_xdata().tolist() == [1]


def test_learning_curve_unknown_key_names_available_ones(ax):
    with pytest.raises(ValueError, match="no entry 'valid_f1'.*'valid_acc'"):
        plot_learning_curve(HISTORY, keys=("valid_f1",), ax=ax)


def test_learning_curve_of_unfitted_estimator_raises():
    from sklearn_charcnn.classifier import CharCNNClassifier

    with pytest.raises(NotFittedError, match="CharCNNClassifier instance is not"):
        plot_learning_curve(CharCNNClassifier())


def test_learning_curve_rejects_other_objects():
    with pytest.raises(TypeError, match="expects a fitted CharCNNClassifier"):
        plot_learning_curve(np.zeros(3))
    with pytest.raises(ValueError, match="history is empty"):
        plot_learning_curve([])


def test_learning_curve_reads_a_fitted_pipeline(ax):
    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    labels = [1, 1, 0, 0] * 5
    model = make_pipeline(
        CharQuantizer(max_length=128),
        CharCNNClassifier(
            n_filters=4, fc_width=8, max_epochs=2, device="cpu", random_state=0
        ),
    ).fit(docs, labels)
    plot_learning_curve(model, ax=ax)
    line = lines_by_label(ax)["validation accuracy"]
    assert line.get_xdata().tolist() == [1, 2]
    assert line.get_ydata().tolist() == [e["valid_acc"] for e in model[-1].history_]


def test_comparison_draws_one_bar_per_model_in_order(ax):
    results = [
        {"model": "char-cnn", "accuracy": 0.75, "accuracy_std": 0.02},
        {"model": "tfidf-word", "accuracy": 0.9, "accuracy_std": 0.01},
    ]
    plot_comparison(results, ax=ax)
    widths = [patch.get_width() for patch in ax.patches]
    assert widths == [0.75, 0.9]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["char-cnn", "tfidf-word"]
    assert [t.get_text() for t in ax.texts] == ["0.750", "0.900"]


def test_comparison_accepts_a_mapping_and_other_metrics(ax):
    plot_comparison({"a": 3.0, "b": 1.5}, metric="fit_s", ax=ax, annotate=False)
    assert [patch.get_width() for patch in ax.patches] == [3.0, 1.5]
    assert ax.get_xlabel() == "fit s" and len(ax.texts) == 0


def test_comparison_missing_metric_names_models(ax):
    with pytest.raises(ValueError, match=r"No 'macro_f1' score.*\['b'\]"):
        plot_comparison(
            [{"model": "a", "macro_f1": 1.0}, {"model": "b"}], metric="macro_f1", ax=ax
        )


def test_missing_matplotlib_gives_an_install_hint(monkeypatch):
    # A None entry in sys.modules makes "import matplotlib" raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-charcnn\[plot\]"):
        plot_comparison({"a": 1.0})
    with pytest.raises(ImportError, match="needs matplotlib"):
        plot_learning_curve(HISTORY)


def error_bar_extent(ax):
    """Left and right x-ends of each horizontal error bar drawn on ``ax``."""
    [bars] = [c for c in ax.collections if len(c.get_segments())]
    return [end for seg in bars.get_segments() for end in (seg[0][0], seg[1][0])]


def test_comparison_draws_the_confidence_interval_and_p_value(ax):
    results = [
        {"model": "char-cnn", "accuracy": 0.75, "accuracy_ci": [0.70, 0.78]},
        {
            "model": "tfidf-word",
            "accuracy": 0.9,
            "accuracy_ci": [0.88, 0.93],
            "p_value": 0.0004,
        },
    ]
    plot_comparison(results, ax=ax)
    assert error_bar_extent(ax) == pytest.approx([0.70, 0.78, 0.88, 0.93])
    assert [t.get_text() for t in ax.texts] == [
        "0.750",
        "0.900 (McNemar p < 0.001)",
    ]


def test_comparison_figure_of_a_record_shows_intervals_and_epochs():
    from sklearn_charcnn.compare import Comparison, ModelResult, PairedTest

    history = [{k: v for k, v in row.items() if k != "batches"} for row in HISTORY]
    record = Comparison(
        corpus={"name": "toy", "n_documents": 100, "classes": ["a", "b"]},
        models=[
            ModelResult(
                "char-cnn",
                0.66,
                (0.6, 0.7),
                0.65,
                9.0,
                0.1,
                "cpu",
                80,
                20,
                folds=[{"history": history}],
            ),
            ModelResult("tfidf-word", 0.8, (0.75, 0.85), 0.8, 1.0, 0.1, "cpu", 80, 20),
        ],
        paired_tests=[
            PairedTest("char-cnn", "tfidf-word", 20, 1, 4, 0.375, "exact binomial")
        ],
    )
    figure = plot_comparison_figure(record, figure=Figure())
    left, right = figure.axes
    assert lines_by_label(left)["test accuracy"].get_ydata().tolist() == [
        0.28,
        0.50,
        0.66,
    ]
    assert list(lines_by_label(left)["tfidf-word"].get_ydata()) == [0.8, 0.8]
    assert error_bar_extent(right) == pytest.approx([0.6, 0.7, 0.75, 0.85])
    assert right.texts[1].get_text() == "0.800 (McNemar p 0.375)"


def test_comparison_figure_of_an_ensemble_draws_every_member_and_the_vote():
    from sklearn_charcnn.compare import Comparison, ModelResult

    history = [{k: v for k, v in row.items() if k != "batches"} for row in HISTORY]
    other = [{**row, "test_acc": row["test_acc"] - 0.1} for row in history]
    members = [
        {
            "name": f"member_{i}",
            "random_state": i,
            "accuracy": h[-1]["test_acc"],
            "epochs_run": 3,
            "history": h,
        }
        for i, h in enumerate((history, other))
    ]
    record = Comparison(
        models=[
            ModelResult(
                "char-cnn",
                0.7,
                (0.65, 0.75),
                0.7,
                9.0,
                0.1,
                "cpu",
                80,
                20,
                folds=[{"members": members}],
            ),
            ModelResult("tfidf-word", 0.8, (0.75, 0.85), 0.8, 1.0, 0.1, "cpu", 80, 20),
        ],
    )
    left, _ = plot_comparison_figure(record, figure=Figure()).axes
    assert left.get_title().startswith("char-cnn: its 2 members per epoch")
    tests = [line for line in left.get_lines() if line.get_label() == "test accuracy"]
    assert [list(line.get_ydata()) for line in tests] == [
        [0.28, 0.50, 0.66],
        pytest.approx([0.18, 0.40, 0.56]),
    ]
    # The members share a colour per score, and the legend names each once.
    assert tests[0].get_color() == tests[1].get_color()
    legend = [text.get_text() for text in left.get_legend().get_texts()]
    assert legend == [
        "validation accuracy",
        "test accuracy",
        "char-cnn (vote)",
        "tfidf-word",
    ]
    assert list(lines_by_label(left)["char-cnn (vote)"].get_ydata()) == [0.7, 0.7]
