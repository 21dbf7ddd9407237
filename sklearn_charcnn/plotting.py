"""Plots of a char-CNN's training and of model comparisons.

- :func:`plot_learning_curve` draws a fitted :class:`CharCNNClassifier`'s
  per-epoch scores from its skorch history, with the scores of other models
  as horizontal lines;
- :func:`plot_comparison` draws one bar per model for a metric, with its
  confidence interval, as the ``compare`` command reports it;
- :func:`plot_comparison_figure` draws both for a
  :class:`~sklearn_charcnn.compare.Comparison`: the figure of ``compare.png``.

The first two draw on a matplotlib ``Axes`` and return it.

matplotlib is imported when a function is called, not with the module; it is
an optional dependency (``pip install sklearn-charcnn[plot]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sklearn.exceptions import NotFittedError

__all__ = ["plot_comparison", "plot_comparison_figure", "plot_learning_curve"]

_ACCURACY_KEYS = ("train_acc", "valid_acc", "test_acc")
# A multi-label char-CNN's history: micro-F1 on its validation split (what
# early stopping watches) and the comparison's test macro-F1.
_MULTILABEL_KEYS = ("valid_f1_micro", "test_macro_f1")
_LABELS = {
    "train_acc": "training accuracy",
    "valid_acc": "validation accuracy",
    "test_acc": "test accuracy",
    "train_loss": "training loss",
    "valid_loss": "validation loss",
    "train_f1_micro": "training micro-F1",
    "valid_f1_micro": "validation micro-F1",
    "test_macro_f1": "test macro-F1",
}


def _check_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` or `pip install sklearn-charcnn[plot]`."
        ) from exc


def _pyplot():
    _check_matplotlib()
    import matplotlib.pyplot as plt

    return plt


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


def _history(model) -> list[Mapping]:
    """Return the per-epoch rows of a fitted char-CNN, skorch net or history."""
    if hasattr(model, "steps"):  # a Pipeline: its final step holds the history
        model = model.steps[-1][1]
    if hasattr(model, "history_"):
        model = model.history_
    elif hasattr(model, "fit") and not hasattr(model, "history"):
        raise NotFittedError(
            f"This {type(model).__name__} instance is not fitted yet; call 'fit' "
            "before plotting its learning curve."
        )
    elif hasattr(model, "fit"):  # a skorch net
        model = model.history
    if not isinstance(model, Sequence) or not all(
        isinstance(row, Mapping) for row in model
    ):
        raise TypeError(
            "plot_learning_curve expects a fitted CharCNNClassifier, a pipeline "
            "ending with one, a skorch net or History, or a list of per-epoch "
            f"dicts; got {type(model).__name__}."
        )
    if len(model) == 0:
        raise ValueError("The training history is empty: no epoch was recorded.")
    return list(model)


def plot_learning_curve(
    model, *, keys=None, baselines=None, ax=None, title="Learning curve"
):
    """Plot a char-CNN's scores per training epoch, next to reference scores.

    Parameters
    ----------
    model : CharCNNClassifier, Pipeline, skorch net, History or list of dict
        A fitted :class:`~sklearn_charcnn.CharCNNClassifier` (its
        ``history_`` is read), a pipeline ending with one, a skorch net, or
        the history itself: one mapping per epoch, as skorch records it.
    keys : sequence of str, default=None
        The history entries to plot. By default the accuracies it holds:
        ``train_acc``, ``valid_acc`` and ``test_acc`` (the last one is
        recorded by the ``compare`` command).
    baselines : mapping of str to float, default=None
        Scores of other models, e.g. ``{"TF-IDF + LR": 0.89}``, drawn as
        horizontal dashed lines.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made if None.
    title : str, default="Learning curve"
        Title of the axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    NotFittedError
        If ``model`` is an estimator that is not fitted.

    See Also
    --------
    plot_comparison : One bar per model.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_charcnn.plotting import plot_learning_curve
    >>> history = [
    ...     {"epoch": 1, "train_loss": 1.3, "valid_loss": 1.2, "valid_acc": 0.45},
    ...     {"epoch": 2, "train_loss": 1.0, "valid_loss": 0.9, "valid_acc": 0.62},
    ... ]
    >>> ax = plot_learning_curve(history, baselines={"TF-IDF + LR": 0.80})
    >>> [line.get_label() for line in ax.get_lines()]
    ['validation accuracy', 'TF-IDF + LR']
    """
    _check_matplotlib()
    rows = _history(model)
    if keys is None:
        keys = [key for key in _ACCURACY_KEYS if any(key in row for row in rows)]
        if not keys:
            raise ValueError(
                "The history holds no accuracy (train_acc, valid_acc or test_acc); "
                "pass keys=, e.g. keys=('train_loss', 'valid_loss')."
            )
    ax = _axes(ax)
    for key in keys:
        points = [
            (row.get("epoch", i), row[key])
            for i, row in enumerate(rows, 1)
            if row.get(key) is not None
        ]
        if not points:
            raise ValueError(
                f"The history has no entry {key!r}; it has "
                f"{sorted(k for k in rows[-1] if k != 'batches')}."
            )
        epochs, values = zip(*points, strict=True)
        ax.plot(epochs, values, marker="o", label=_LABELS.get(key, key))
    # Distinct colours and dash patterns, so that baselines with nearly equal
    # scores stay distinguishable.
    colors = ("tab:gray", "tab:red", "tab:purple", "tab:brown", "tab:olive")
    styles = ("--", ":", "-.", (0, (5, 1)), (0, (1, 3)))
    for i, (name, score) in enumerate((baselines or {}).items()):
        ax.axhline(
            score,
            linestyle=styles[i % len(styles)],
            color=colors[i % len(colors)],
            linewidth=1.5,
            label=name,
        )
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    if all(key.endswith("_acc") for key in keys):
        ax.set_ylabel("accuracy")
    else:
        ax.set_ylabel("F1" if all("_f1" in key for key in keys) else "value")
    ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    return ax


def _comparison_rows(results, metric):
    """Rows of ``{"model", metric, ...}`` from any form plot_comparison takes."""
    if hasattr(results, "models") and hasattr(results, "paired_tests"):
        tests = {test.reference: test for test in results.paired_tests}
        rows = []
        for model in results.models:
            row = {"model": model.name, "accuracy": model.accuracy}
            row["macro_f1"] = model.macro_f1
            row["accuracy_ci"] = list(model.accuracy_ci)
            if model.intervals:  # several labels per document
                row["macro_f1_ci"] = list(model.intervals["macro_f1"])
            # A multi-label record's paired test is of macro-F1 only.
            if model.name in tests and (metric == "macro_f1" or not model.intervals):
                row["p_value"] = tests[model.name].p_value
                if model.intervals:
                    row["test"] = "permutation"
            rows.append(row)
        return rows
    if isinstance(results, Mapping):
        return [{"model": name, metric: score} for name, score in results.items()]
    return list(results)


def plot_comparison(
    results, *, metric="accuracy", ax=None, title="Test scores", annotate=True
):
    """Plot one horizontal bar per model for one metric, with its interval.

    Parameters
    ----------
    results : Comparison, mapping of str to float, or list of dict
        The scores: a :class:`~sklearn_charcnn.compare.Comparison` (its
        accuracies, 95% intervals and McNemar p-values), ``{model name:
        score}``, or rows, each a dict with a ``"model"`` entry and the
        metric. A row's ``"<metric>_ci"`` (low, high) draws an error bar
        over that interval (else ``"<metric>_std"`` one of that half-width);
        its ``"p_value"`` (the paired test against the first model, named
        by its ``"test"``: McNemar's if absent) is written beside the score.
        A multi-label comparison gives ``macro_f1_ci`` and the permutation
        test's p-values.
    metric : str, default="accuracy"
        The entry of each row to plot.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made if None.
    title : str, default="Test scores"
        Title of the axes.
    annotate : bool, default=True
        Write each score (and p-value) at the end of its bar.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    plot_learning_curve : A char-CNN's scores per epoch.
    plot_comparison_figure : The ``compare`` command's figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_charcnn.plotting import plot_comparison
    >>> ax = plot_comparison([
    ...     {"model": "char-CNN", "accuracy": 0.85, "accuracy_ci": [0.83, 0.87]},
    ...     {"model": "TF-IDF + LR", "accuracy": 0.89, "accuracy_ci": [0.87, 0.91],
    ...      "p_value": 0.002},
    ... ])
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['char-CNN', 'TF-IDF + LR']
    >>> [text.get_text() for text in ax.texts]
    ['0.850', '0.890 (McNemar p 0.002)']
    """
    from sklearn_charcnn.compare.stats import format_p_value

    _check_matplotlib()
    rows = _comparison_rows(results, metric)
    missing = [row.get("model", "?") for row in rows if metric not in row]
    if missing:
        raise ValueError(f"No {metric!r} score for the model(s) {missing}.")
    names = [str(row["model"]) for row in rows]
    scores = [row[metric] for row in rows]
    below, above = [], []
    for row, score in zip(rows, scores, strict=True):
        interval = row.get(f"{metric}_ci")
        if interval is not None:
            below.append(score - interval[0])
            above.append(interval[1] - score)
        else:
            std = row.get(f"{metric}_std") or 0.0
            below.append(std)
            above.append(std)
    ax = _axes(ax)
    positions = list(range(len(rows)))
    ax.barh(
        positions,
        scores,
        xerr=[below, above] if any(below) or any(above) else None,
        color="tab:blue",
        capsize=4,
    )
    ax.set_yticks(positions, names)
    ax.invert_yaxis()  # first model on top
    ax.set_xlabel(metric.replace("_", " "))
    ax.set_title(title)
    if annotate:
        for row, position, score, high in zip(
            rows, positions, scores, above, strict=True
        ):
            text = f"{score:.3f}" if isinstance(score, float) else str(score)
            if row.get("p_value") is not None:
                test = row.get("test", "McNemar")
                text += f" ({test} p {format_p_value(row['p_value'])})"
            ax.annotate(
                text,
                (score + high, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
    ax.grid(True, axis="x", alpha=0.3)
    return ax


def _epoch_panel(ax, comparison, metric, words) -> None:
    """Draw the char-CNN's scores per epoch and the others' test ``metric``."""
    charcnn = next((m for m in comparison.models if m.histories), None)
    baselines = {
        m.name: getattr(m, metric) for m in comparison.models if m is not charcnn
    }
    if charcnn is None:
        ax.set_axis_off()
        return
    title = f"{charcnn.name} per epoch; other models' test {words} dashed"
    n_members = len(charcnn.folds[0].get("members", []))
    if n_members:
        # An ensemble: its members' curves, and the vote as a dashed line.
        baselines = {f"{charcnn.name} (vote)": charcnn.accuracy, **baselines}
        title = (
            f"{charcnn.name}: its {n_members} members per epoch; test accuracies dashed"
        )
    keys = None
    if metric == "macro_f1":
        recorded = {
            key for history in charcnn.histories for row in history for key in row
        }
        keys = [key for key in _MULTILABEL_KEYS if key in recorded] or ["train_loss"]
    for i, history in enumerate(charcnn.histories):
        plot_learning_curve(
            history,
            keys=keys,
            baselines=baselines if i == 0 else None,
            ax=ax,
            title=title,
        )
    if len(charcnn.histories) > 1:
        # One colour and one legend entry per score across the folds or
        # members (the curves have markers, the reference lines none).
        colours, handles = {}, {}
        for line in ax.get_lines():
            if line.get_marker() == "o":
                line.set_color(colours.setdefault(line.get_label(), line.get_color()))
            handles.setdefault(line.get_label(), line)
        ax.legend(handles.values(), handles.keys())


def plot_comparison_figure(comparison, *, figure=None):
    """Draw a comparison: the char-CNN's epochs beside the models' accuracies.

    The left panel is the char-CNN's validation and test accuracy per epoch
    (every fold with cross-validation; every member of an ensemble, whose
    vote is a dashed line), with the other models' test accuracies as
    dashed lines; the right panel is
    :func:`plot_comparison`: accuracies with their 95% intervals and the
    McNemar p-values. This is the ``compare`` command's ``compare.png``.
    For several labels per document, macro-F1 in place of accuracy: the
    char-CNN's validation micro-F1 and test macro-F1 per epoch, and the
    models' macro-F1 with the permutation tests' p-values.

    Parameters
    ----------
    comparison : Comparison
        A :class:`~sklearn_charcnn.compare.Comparison` record.
    figure : matplotlib Figure, default=None
        The figure to draw on; a new ``Figure`` (no pyplot, no GUI backend)
        if None.

    Returns
    -------
    figure : matplotlib Figure
        The figure drawn on.

    Examples
    --------
    >>> from sklearn_charcnn.compare import Comparison, ModelResult
    >>> from sklearn_charcnn.plotting import plot_comparison_figure
    >>> row = ModelResult("tfidf-word", 0.9, (0.885, 0.915), 0.89, 1.2, 0.05,
    ...                   "cpu", 6080, 1520)
    >>> figure = plot_comparison_figure(Comparison(models=[row]))
    >>> [ax.get_title() for ax in figure.axes]
    ['', 'Test accuracy, 95% CI']
    """
    _check_matplotlib()
    from matplotlib.figure import Figure

    figure = figure or Figure(figsize=(11, 4.2))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    if getattr(comparison, "multilabel", False):
        metric, words = "macro_f1", "macro-F1"
    else:
        metric, words = "accuracy", "accuracy"
    _epoch_panel(left, comparison, metric, words)
    plot_comparison(comparison, metric=metric, ax=right, title=f"Test {words}, 95% CI")
    right.set_xlim(0, 1.3)
    corpus = comparison.corpus
    if corpus:
        figure.suptitle(
            f"{corpus.get('name', '')}: {corpus.get('n_documents', 0):,} documents"
        )
    figure.tight_layout()
    return figure
