"""Incremental training of :class:`~sklearn_charcnn.CharCNNClassifier`.

What :meth:`CharCNNClassifier.partial_fit
<sklearn_charcnn.CharCNNClassifier.partial_fit>` needs beyond ``fit``: the
checks of a chunk against the stream it continues, the learning-rate
schedule for an unknown number of chunks, the seeds of every chunk, and the
optimizer state that travels with a pickled classifier between chunks.

The stream's state is a plain ``dict`` in the classifier's
``_incremental`` attribute, holding only numbers, strings and (in a pickle)
numpy arrays, so that ``pickle`` and ``skops`` save it without trusting any
type of this module:

- ``seed``: drawn from ``random_state`` on the first call; chunk ``k``
  shuffles and draws its dropout masks from ``(seed, k)``;
- ``chunks``: the calls that trained so far;
- ``warmup_steps`` and ``steps``: the schedule's length of warm-up and the
  optimizer steps taken;
- ``params``: the parameters that built the network, which may not change
  during the stream;
- ``optimizer``: ``None``, except in a pickle, where it is the optimizer's
  state as numpy arrays.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import _check_sample_weight, column_or_1d
from skorch.callbacks import Callback

from sklearn_charcnn.distributed import process_world

# Parameters that build the network or decide its training data, fixed for
# a whole stream (``lr`` may change between calls: see partial_fit).
STREAM_PARAMS = (
    "size",
    "n_filters",
    "fc_width",
    "dropout",
    "batch_norm",
    "n_codes",
    "recipe",
    "batch_size",
    "label_smoothing",
    "optimizer",
    "window_length",
    "window_training",
    "class_weight",
    "threshold",
    "device",
    "precision",
    "random_state",
)

WARM_FIT_AFTER_STREAM = (
    "This classifier was trained by partial_fit: fit with warm_start=True would "
    "continue its network with a new optimizer and schedule and end its stream. "
    "Continue the stream with partial_fit, or set warm_start=False to train a "
    "new network with fit."
)


# ---------------------------------------------------------------- schedule


class _WarmupConstantLR(Callback):
    """Set every training batch's step size: linear warm-up, then constant.

    The peak is the net's ``lr``, read at every batch, so that a new ``lr``
    given between two ``partial_fit`` calls applies from the next one.
    """

    def __init__(self, warmup_steps: int, steps: int = 0):
        self.warmup_steps = warmup_steps
        self.steps = steps

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        factor = min(1.0, (self.steps + 1) / self.warmup_steps)
        for group in net.optimizer_.param_groups:
            group["lr"] = net.lr * factor
        self.steps += 1


@dataclasses.dataclass(frozen=True)
class WarmupConstant:
    """Linear warm-up over ``warmup_steps`` steps, then the constant peak rate.

    The schedule of ``partial_fit``, which cannot know how many chunks
    will follow: a decay needs an end. ``steps`` counts the steps already
    taken, so that the schedule resumes where a stream stopped.
    """

    warmup_steps: int
    steps: int = 0

    def __str__(self) -> str:
        return (
            f"linear warm-up over the first {self.warmup_steps} steps, then the "
            "constant peak step size"
        )

    def callback(self, max_epochs: int, steps_per_epoch: int) -> Callback:
        """Return the skorch callback that applies the schedule."""
        return _WarmupConstantLR(self.warmup_steps, self.steps)


def stream_settings(settings, stream):
    """Return ``fit``'s resolved settings as a stream trains with them.

    One pass per call, no early stopping, the warm-up-then-constant
    schedule; batch normalisation as the recipe says, kept between calls.
    """
    return dataclasses.replace(
        settings,
        max_epochs=1,
        patience=0,
        schedule=WarmupConstant(stream["warmup_steps"], stream["steps"]),
    )


# ------------------------------------------------------------------ checks


def _describe(value):
    """Return a stream parameter as a comparable, picklable value."""
    if value is None or isinstance(value, (bool, Integral, Real, str)):
        return value
    if isinstance(value, dict):
        return repr(sorted((repr(k), repr(v)) for k, v in value.items()))
    return getattr(value, "__qualname__", type(value).__qualname__)


def _stream_params(estimator) -> dict:
    params = estimator.get_params(deep=False)
    return {name: _describe(params.get(name)) for name in STREAM_PARAMS}


def check_can_continue(estimator, stream) -> None:
    """Raise ValueError where ``partial_fit`` would silently mix with ``fit``."""
    if estimator.warm_start:
        raise ValueError(
            "warm_start=True continues training in fit; partial_fit always "
            "continues its own stream. Set warm_start=False to use partial_fit."
        )
    if estimator.callbacks:
        raise ValueError(
            "partial_fit trains without extra callbacks; set callbacks=None "
            "(pickle the classifier between calls to checkpoint a stream)."
        )
    if process_world() is not None:
        raise ValueError(
            "partial_fit trains in one process; in a torch.distributed process "
            "group of several processes, train with fit."
        )
    if stream is None:
        return
    changed = [
        key
        for key, value in _stream_params(estimator).items()
        if stream["params"].get(key) != value
    ]
    if changed:
        raise ValueError(
            f"Parameters {changed} changed since the first call to partial_fit; "
            "the stream continues the network they built. Only lr may change "
            "between calls; start a new stream on sklearn.base.clone of the "
            "classifier to use other settings."
        )


class Chunk(NamedTuple):
    """One validated chunk: codes, targets, row weights and the stream's outputs."""

    X: np.ndarray
    y_codes: np.ndarray
    weight: np.ndarray
    classes: np.ndarray
    multilabel: bool
    n_codes: int


def _first_classes(classes, multilabel, n_columns):
    """Check the classes given to the first call against its target."""
    if multilabel:
        expected = np.arange(n_columns)
        if not np.array_equal(classes, expected):
            raise ValueError(
                f"A multi-label Y of {n_columns} columns needs classes={n_columns} "
                f"(or range({n_columns})), the column indices; got {classes!r}."
            )
    elif len(classes) < 2:
        raise ValueError(
            "partial_fit needs at least 2 classes in classes; got "
            f"{classes.tolist()!r}."
        )


def _encode_chunk_target(estimator, y, classes):
    """Encode ``y`` against the stream's classes; set them on the first call."""
    multilabel = type_of_target(y, input_name="y") == "multilabel-indicator"
    if isinstance(classes, Integral) and not isinstance(classes, bool):
        classes = np.arange(classes)
    elif classes is not None:
        classes = np.asarray(classes)
    if _check_partial_fit_first_call(estimator, classes):
        _first_classes(estimator.classes_, multilabel, np.shape(y)[-1])
    elif multilabel != estimator._multilabel:
        kinds = ("one label per document", "a multi-label indicator Y")
        raise ValueError(
            f"This stream was started with {kinds[estimator._multilabel]}; got "
            f"{kinds[multilabel]}."
        )
    classes = estimator.classes_
    if multilabel:
        Y, labels, _ = estimator._encode_target(y)
        if len(labels) != len(classes):
            raise ValueError(
                f"Y has {len(labels)} label columns, but the stream has "
                f"{len(classes)} (classes_)."
            )
        return Y, multilabel
    check_classification_targets(y)
    y = column_or_1d(y, warn=True)
    known = set(classes.tolist())
    unknown = [label for label in unique_labels(y).tolist() if label not in known]
    if unknown:
        raise ValueError(
            f"y contains labels {unknown} that are not in classes_ "
            f"{classes.tolist()}; partial_fit fixes the classes on its first call."
        )
    return np.searchsorted(classes, y).astype(np.int64), multilabel


def _chunk_weights(estimator, X, y_codes, sample_weight, multilabel):
    """One float32 loss weight per row: sample_weight times class_weight."""
    weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    class_weight = estimator.class_weight
    if isinstance(class_weight, str):  # "balanced"
        raise ValueError(
            "class_weight='balanced' needs the class frequencies of all the "
            "data, which partial_fit never sees at once. Compute them with "
            "sklearn.utils.class_weight.compute_class_weight on the labels "
            "(or a large sample of them) and pass the dict as class_weight."
        )
    if isinstance(class_weight, dict) and not multilabel:
        classes = estimator.classes_.tolist()
        unknown = set(class_weight) - set(classes)
        if unknown:
            raise ValueError(
                f"class_weight names {sorted(map(str, unknown))}, which are not "
                f"classes of the stream (classes_: {classes})."
            )
        factors = np.array([float(class_weight.get(label, 1.0)) for label in classes])
        weight = weight * factors[y_codes]
    if not weight.sum() > 0:
        raise ValueError(
            "sample_weight (times class_weight) sums to zero: no row of this "
            "chunk would count in the loss."
        )
    return weight.astype(np.float32)


def validate_chunk(estimator, X, y, classes, sample_weight, first) -> Chunk:
    """Check one chunk's codes, targets and weights against the stream."""
    name = type(estimator).__name__
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    X, y = estimator._validate_codes(X, y, reset=first)
    y_codes, multilabel = _encode_chunk_target(estimator, y, classes)
    if multilabel and estimator.threshold == "validation":
        raise ValueError(
            'threshold="validation" tunes the thresholds on a validation split, '
            "which partial_fit never holds out; use a fixed threshold such as 0.5."
        )
    if not first:
        n_codes = estimator.n_codes_
    elif estimator.n_codes is not None:
        n_codes = int(estimator.n_codes)
    else:
        n_codes = 256 if X.dtype == np.uint8 else int(X.max(initial=0)) + 1
    X = estimator._check_codes(X, n_codes)
    weight = _chunk_weights(estimator, X, y_codes, sample_weight, multilabel)
    return Chunk(X, y_codes, weight, estimator.classes_, multilabel, n_codes)


# -------------------------------------------------------------- training


def start_stream(estimator, chunk):
    """Build the stream's network and its state on the first call.

    A classifier fitted by ``fit`` starts its stream from its fitted
    network (batch normalisation folded away), with a new optimizer, as
    :meth:`sklearn.linear_model.SGDClassifier.partial_fit` continues the
    coefficients that ``fit`` found.
    """
    fitted = getattr(estimator, "net_", None)
    settings = estimator._resolve_settings(chunk.multilabel)
    if fitted is not None:
        settings = dataclasses.replace(settings, batch_norm=False)
    stream = {
        "seed": int(
            check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max)
        ),
        "chunks": 0,
        "steps": 0,
        "warmup_steps": max(1, math.ceil(len(chunk.X) / settings.batch_size)),
        "params": _stream_params(estimator),
        "optimizer": None,
    }
    pos_weight = None
    if chunk.multilabel and estimator.class_weight is not None:
        pos_weight = estimator._pos_weight(chunk.y_codes)
    device = estimator._resolve_device()
    net, _ = estimator._build_net(
        stream_settings(settings, stream),
        device,
        chunk.n_codes,
        chunk.X.shape[1],
        len(chunk.classes),
        plan=None,
        seed=stream["seed"],
        multilabel=chunk.multilabel,
        pos_weight=pos_weight,
    )
    net.initialize()
    if fitted is not None:
        net.module_.load_state_dict(fitted.module_.state_dict())
    return net, stream, device


def train_chunk(estimator, net, chunk, stream) -> dict:
    """One pass over ``chunk``; return the stream's new state."""
    # Chunk k's shuffling and dropout masks come from (seed, k) alone, so
    # a stream resumed from a pickle draws what it would have drawn.
    chunk_seed = int(
        np.random.SeedSequence([stream["seed"], stream["chunks"]]).generate_state(1)[0]
    )
    # Plain attributes: skorch's set_params would rebuild the optimizer.
    # The seed draws the dropout masks (its initialisation is long done).
    net.lr = estimator._resolve_settings().lr
    net.seed = chunk_seed
    net.iterator_train__random_state = np.random.default_rng(chunk_seed)
    net.partial_fit({"codes": chunk.X, "weight": chunk.weight}, chunk.y_codes)
    if net.interrupted_:
        if net.history and "train_loss" not in net.history[-1]:
            del net.history[-1]  # the pass that was cut short
        warnings.warn(
            "partial_fit was interrupted; the classifier keeps the weights "
            "reached within this chunk.",
            UserWarning,
            stacklevel=4,
        )
    schedule = dict(net.callbacks_)["lr_scheduler"]
    return {**stream, "chunks": stream["chunks"] + 1, "steps": schedule.steps}


# ---------------------------------------------------------------- pickles


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def with_optimizer_state(stream, net) -> dict:
    """Return ``stream`` with the optimizer's state as numpy arrays, to pickle.

    String keys and numpy arrays only: ``skops`` saves them without
    trusting a torch type.
    """
    state = net.optimizer_.state_dict()
    optimizer = {
        "state": {
            str(index): {key: _to_numpy(value) for key, value in entry.items()}
            for index, entry in state["state"].items()
        },
        "param_groups": state["param_groups"],
    }
    return {**stream, "optimizer": optimizer}


def load_optimizer_state(net, stream) -> dict:
    """Load a pickled stream's optimizer state into ``net``; return the stream.

    The returned stream no longer holds the arrays: the live optimizer does.
    """
    saved = stream.get("optimizer")
    if saved is not None:
        state = {
            int(index): {
                key: torch.as_tensor(value) if isinstance(value, np.ndarray) else value
                for key, value in entry.items()
            }
            for index, entry in saved["state"].items()
        }
        net.optimizer_.load_state_dict(
            {"state": state, "param_groups": saved["param_groups"]}
        )
    return {**stream, "optimizer": None}
