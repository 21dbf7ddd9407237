"""The character-level ConvNet as a scikit-learn classifier, trained by skorch.

:class:`CharCNNClassifier` takes the integer code matrix of
:class:`~sklearn_charcnn.CharQuantizer`, so that
``make_pipeline(CharQuantizer(), CharCNNClassifier())`` is a text classifier
that sits in a ``GridSearchCV`` beside ``make_pipeline(TfidfVectorizer(),
LogisticRegression())``. The network itself lives in
:mod:`sklearn_charcnn.network`; this module chooses the device, the precision,
the training recipe and validates the data.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import os
import pickle
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from scipy.sparse import issparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    _num_samples,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from skorch.callbacks import EarlyStopping, EpochScoring, ProgressBar
from skorch.history import History

from sklearn_charcnn._augmented import row_origins
from sklearn_charcnn._compat import Interval, StrOptions, _fit_context
from sklearn_charcnn._incremental import (
    WARM_FIT_AFTER_STREAM,
    check_can_continue,
    load_optimizer_state,
    start_stream,
    stream_settings,
    train_chunk,
    validate_chunk,
    with_optimizer_state,
)
from sklearn_charcnn._training import (
    PRECISIONS,
    CharCNNNet,
    PlannedSplit,
    RowPlan,
    StepHalving,
    WarmupCosine,
    batch_loader,
    best_f1_threshold,
    checkpoints,
    f1_micro,
    has_native_bf16,
    loss_params,
    plan_rows,
    slim,
)
from sklearn_charcnn._windows import POOLS, TRAINING, Windows
from sklearn_charcnn.distributed import DataParallelNet, process_world
from sklearn_charcnn.network import SIZES, CharCNNModule

__all__ = ["RECIPES", "CharCNNClassifier", "has_native_bf16"]

RECIPES = {
    # The paper's architecture trained for data sets of a few thousand
    # documents, where the paper's own recipe barely learns (the user guide
    # page "Training on CPU and GPU" gives the reasons for each setting).
    "default": {
        "init": "default",
        "batch_norm": True,
        "optimizer": torch.optim.AdamW,
        # fused: one optimizer kernel for all parameters rather than a loop
        # over them (timed against that loop in the network_speed_cpu_*
        # records).
        "optimizer_kwargs": {"weight_decay": 0.05, "fused": True},
        "lr": 1e-3,
        "batch_size": 32,
        "max_epochs": 10,
        "schedule": WarmupCosine(warmup_fraction=0.1),
        "label_smoothing": 0.1,
        "early_stopping": 5,
    },
    # Section 2.3 of the paper: SGD, momentum 0.9, step 0.01 halved every
    # 3 epochs 10 times, minibatch 128, Gaussian init.
    "paper": {
        "init": "paper",
        "batch_norm": False,
        "optimizer": torch.optim.SGD,
        "optimizer_kwargs": {"momentum": 0.9},
        "lr": 0.01,
        "batch_size": 128,
        "max_epochs": 30,
        "schedule": StepHalving(every=3, times=10, gamma=0.5),
        "label_smoothing": 0.0,
        "early_stopping": False,
    },
}
"""Training recipes selected by ``CharCNNClassifier(recipe=...)``.

Each recipe is data: the initialisation scheme, whether batch normalisation
is used during training, the optimizer and its arguments, the peak learning
rate and its schedule (an object that builds its skorch callback), the
minibatch size, the number of epochs, label smoothing and the early-stopping
patience. A parameter of the classifier left at ``None`` takes its recipe's
value.
"""

_CHECKPOINT_META = "estimator.pkl"

_ADDED_PARAMETERS = {
    "window_length": None,
    "window_stride": None,
    "window_pool": "mean",
    "window_training": "random",
    "label_smoothing": None,
}

# Documents per forward pass in validation and prediction: larger than the
# default training batch (no gradients to keep), small enough that the
# activations of 1,014-character documents stay in cache-friendly sizes.
_PREDICT_BATCH_SIZE = 128


@dataclass(frozen=True)
class _Settings:
    """Every training setting, with ``None`` parameters resolved by the recipe."""

    n_filters: int
    fc_width: int
    batch_norm: bool
    init: str
    init_std: float
    optimizer: object
    optimizer_kwargs: dict
    lr: float
    batch_size: int
    max_epochs: int
    schedule: object
    label_smoothing: float
    patience: int


class _FitData(NamedTuple):
    """The validated training data of one ``fit``."""

    X: np.ndarray
    y_codes: np.ndarray
    weight: np.ndarray
    classes: np.ndarray
    n_codes: int
    origin: np.ndarray
    copy_index: np.ndarray
    per_epoch: bool
    # A multi-label indicator target: y_codes is a float32 0/1 matrix and
    # pos_weight the positive weight of every label (None: 1).
    multilabel: bool = False
    pos_weight: np.ndarray | None = None


def _looks_like_text(X) -> bool:
    if isinstance(X, (str, bytes)):
        return True
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "USa":
            return True
        if X.dtype.kind != "O" or X.size == 0:
            return False
        return isinstance(X.flat[0], (str, bytes))
    if hasattr(X, "shape") or not hasattr(X, "__iter__"):
        return False
    for item in X:
        return isinstance(item, (str, bytes))
    return False


def _expand_by_origin(values, name, rows, n_rows):
    """Give every row the value of its original document.

    A plain scikit-learn Pipeline passes ``y`` and ``sample_weight`` as the
    user gave them, one per original document, while an augmenter with
    ``n_copies`` has added rows; imbalanced-learn's Pipeline has already
    repeated them. Both are accepted.
    """
    if values is None or rows is None:
        return values
    n_values = _num_samples(values)
    if n_values == n_rows:
        return values
    origin, copy_index, _ = rows
    n_originals = int(np.count_nonzero(copy_index == 0))
    if n_values != n_originals:
        raise ValueError(
            f"{name} has {n_values} entries, but X holds {n_rows} rows made from "
            f"{n_originals} documents; give one entry per row or one per "
            "original document."
        )
    if not issparse(values):
        values = np.asarray(values)
    return values[origin]


class CharCNNClassifier(ClassifierMixin, BaseEstimator):
    """The character-level ConvNet of Zhang, Zhao & LeCun (2015).

    Six temporal convolutions and three fully-connected layers (the paper's
    Tables 1 and 2), trained with PyTorch through skorch on the integer
    character codes of :class:`~sklearn_charcnn.CharQuantizer`. Use both in
    a pipeline: ``make_pipeline(CharQuantizer(), CharCNNClassifier())``.

    Parameters
    ----------
    size : {"small", "large"}, default="small"
        The paper's model size: 256 feature maps and 1024 hidden units
        ("small") or 1024 and 2048 ("large").
    n_filters : int, default=None
        Feature maps of every convolution; ``None`` takes the size's.
    fc_width : int, default=None
        Units of the two hidden fully-connected layers; ``None`` takes the
        size's.
    dropout : float, default=0.5
        Dropout probability between the fully-connected layers.
    batch_norm : bool, default=None
        Train with a batch normalisation between every convolution and its
        ReLU, then fold it into the convolution weights at the end of
        ``fit``, so that the fitted network is exactly the paper's (see
        :meth:`~sklearn_charcnn.network.CharCNNModule.fold_batch_norm`).
        ``None`` takes the recipe's (on for "default", off for "paper").
    n_codes : int, default=None
        Number of distinct input codes, code 0 included (the one-hot size).
        ``None``: 256 for ``uint8`` input, which covers any
        ``CharQuantizer`` alphabet of up to 255 characters; for wider integer
        types the largest code seen in training plus one.
    recipe : {"default", "paper"}, default="default"
        Training recipe giving the defaults of ``max_epochs``, ``batch_size``,
        ``lr``, ``label_smoothing``, ``optimizer`` and ``early_stopping``, the
        initialisation and the learning-rate schedule (see Notes).
        ``"paper"`` is section 2.3 of the paper.
    max_epochs : int, default=None
        Passes over the training data; ``None`` takes the recipe's (10 for
        "default", 30 for "paper").
    batch_size : int, default=None
        Minibatch size; ``None`` takes the recipe's (32 / 128).
    lr : float, default=None
        Peak learning rate; ``None`` takes the recipe's (1e-3 / 0.01).
    label_smoothing : float in [0, 1), default=None
        Label smoothing of the loss: with one label per document, the
        ``label_smoothing`` of :class:`torch.nn.CrossEntropyLoss`; with a
        multi-label target, each 0/1 target moves that far towards 0.5.
        ``None`` takes the recipe's for one label per document (0.1 / 0)
        and 0 for multi-label targets (see the user guide page "Training on
        CPU and GPU").
    optimizer : torch optimizer class, default=None
        Called as ``optimizer(params, lr=lr)``; use :func:`functools.partial`
        to set other arguments. ``None`` takes the recipe's (AdamW with
        weight decay 0.05 / SGD with momentum 0.9).
    validation_fraction : float, default=0.1
        Fraction of the training data held out to compute ``valid_loss``
        and ``valid_acc`` (``valid_f1_micro`` for multi-label targets) each
        epoch, to drive early stopping and to tune ``threshold="validation"``.
        The split is stratified by class for one label per document and
        shuffled for multi-label targets (iterative stratification is not a
        dependency). 0 trains on everything, with no validation and no early
        stopping.
    early_stopping : int, False or None, default=None
        Patience in epochs: stop when ``valid_acc`` (multi-label:
        ``valid_f1_micro``, the micro-averaged F1 at probability 0.5) has not
        improved for that many epochs, and restore the weights of the best
        epoch. ``False`` turns it off; ``None`` takes the recipe's (5 / off).
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in
        :class:`~sklearn.linear_model.LogisticRegression`: a dict
        ``{label: weight}`` (labels not named weigh 1), ``"balanced"`` for
        ``n_samples / (n_classes * np.bincount(y))``, or ``None`` for equal
        weights. Multiplied with ``sample_weight`` when both are given.
        For a multi-label target it weighs the positive term of each
        label's loss (``pos_weight`` of :class:`torch.nn.BCEWithLogitsLoss`):
        a dict ``{label_index: weight}``, or ``"balanced"`` for
        ``negatives / positives`` of every label.
    threshold : float or "validation", default=0.5
        Multi-label targets only (ignored otherwise): a label is predicted
        when its probability exceeds its threshold. A float is used for
        every label; ``"validation"`` chooses one threshold per label that
        maximises that label's F1 on the validation split (needs
        ``validation_fraction > 0``). The default 0.5 needs no held-out
        data and is what scikit-learn's multi-label classifiers predict
        with; see the user guide page "Training on CPU and GPU".
    window_length : int, default=None
        Read documents longer than this many characters in windows of it:
        the network's input is ``window_length`` characters, and a row of
        codes may be longer (a :class:`~sklearn_charcnn.CharQuantizer` with
        a larger ``max_length``). Prediction reads every window of a
        document (``window_stride`` apart, the last one ending at the
        document's end) and pools their outputs (``window_pool``); training
        follows ``window_training``. Each row stays one document: its label,
        weight and side of the validation split are its windows'. ``None``
        reads rows as they are, the network's input their length.
    window_stride : int, default=None
        Characters between the starts of consecutive windows; ``None`` is
        ``window_length`` (windows that do not overlap).
    window_pool : {"mean", "mean-proba", "max"}, default="mean"
        How the windows' outputs become the document's: the mean of their
        logits, the mean of their probabilities, or the maximum of each
        logit. May be changed after ``fit``.
    window_training : {"random", "all"}, default="random"
        What each training row shows the network in an epoch: one window
        drawn at random (a random crop, as cheap as a row of
        ``window_length``), or all its windows, pooled as in prediction.
    warm_start : bool, default=False
        When ``True`` and the classifier is fitted, ``fit`` continues
        training the fitted network (same classes, or the same number of
        labels of a multi-label target, and document length required) for
        ``max_epochs`` more epochs, with a new optimizer and the recipe's
        learning-rate schedule over those epochs. The fitted
        network has its batch normalisation folded away, so continued
        training runs without it. The optimizer's state is not kept after
        ``fit``; see the user guide page "Saving, checkpoints and continued
        training".
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` tuples),
        e.g. :class:`skorch.callbacks.Checkpoint`. They are copied at fit;
        a ``Checkpoint`` with a ``dirname`` writes into a new subfolder of it
        for every fit (listed in ``checkpoint_dirs_``), so that clones in a
        grid search never overwrite each other's files.
    device : str, default="auto"
        Torch device; ``"auto"`` takes CUDA when available, else the CPU.
    precision : {"auto", "float32", "bfloat16"}, default="auto"
        Arithmetic of the forward pass; weights, optimizer and loss stay
        float32. ``"auto"`` trains under bfloat16 autocast where the device
        computes bf16 natively (CUDA; CPUs with AVX512-BF16 or AMX) and
        predicts under it on CUDA only: predictions on the CPU are float32,
        the same on every CPU and the same as the model's ONNX export.
        ``"float32"`` never uses bf16 (results on the CPU then depend
        least on the processor model); ``"bfloat16"`` always does (emulated
        and slow on a CPU without bf16 instructions).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, dropout, the validation split and the
        shuffling. With an int, two fits on the same CPU give identical
        models.
        Fitting never changes the global random state of torch.
    verbose : int, default=0
        0 is silent; 1 or more prints one line per epoch and a progress bar.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels; for a multi-label indicator target,
        ``np.arange(n_labels)``, the column indices of ``Y``.
    thresholds_ : ndarray of shape (n_labels,)
        Multi-label targets only: the probability above which each label
        is predicted (see ``threshold``).
    n_features_in_ : int
        Characters per document seen in fit (the quantizer's ``max_length``).
    n_codes_ : int
        Number of input codes the network was built for.
    device_ : str
        The torch device used.
    net_ : skorch.NeuralNetClassifier
        The trained skorch net; ``net_.module_`` is the
        :class:`~sklearn_charcnn.network.CharCNNModule`.
    history_ : skorch.History
        Per-epoch ``train_loss``, ``train_acc`` (on the training batches,
        dropout active), ``valid_loss`` and ``valid_acc`` (when
        ``validation_fraction > 0``) and ``dur``, as recorded by skorch.
        Multi-label targets record ``train_f1_micro`` and ``valid_f1_micro``
        instead of the accuracies.
    checkpoint_dirs_ : list of str
        The folders the fit's ``Checkpoint`` callbacks wrote into (empty
        without one); each can be reloaded with :meth:`from_checkpoint`.

    See Also
    --------
    CharQuantizer : Turns documents into the codes this classifier reads.
    ThesaurusAugmenter : The paper's synonym data augmentation.
    sklearn.feature_extraction.text.TfidfVectorizer : The classical baseline.

    Notes
    -----
    Architecture: Tables 1 and 2 of the paper; the first convolution reads
    the codes directly (an exactly equivalent form of a convolution over
    one-hot vectors, see :class:`~sklearn_charcnn.network.OneHotConv1d`).

    ``recipe="paper"`` is section 2.3 of the paper: Gaussian initialisation
    N(0, 0.05) for "small" and N(0, 0.02) for "large", SGD with momentum 0.9,
    minibatches of 128, step size 0.01 halved every 3 epochs 10 times.
    ``recipe="default"`` keeps the architecture and trains it for data sets
    of a few thousand documents, on which the paper's recipe barely learns:
    batch normalisation during training, folded into the convolutions when
    ``fit`` ends (the fitted network is the paper's), AdamW, a warm-up then
    cosine schedule, label smoothing and early stopping
    (:data:`~sklearn_charcnn.classifier.RECIPES`).

    With rows from :class:`~sklearn_charcnn.ThesaurusAugmenter` with
    ``n_copies``, ``y`` and ``sample_weight`` may have one entry per row or
    per original document; the validation split holds out whole documents
    with their copies and validates on the originals only.

    The loss is the mean over a batch of each row's loss times its weight
    (``sample_weight`` times ``class_weight``). Fitting and predicting never
    use or change torch's or numpy's global random state. A ``fit`` that
    raises leaves the classifier as it was; Ctrl-C after the first epoch
    keeps the weights reached, with a warning. In a ``torchrun`` script with
    a process group of several processes, ``fit`` trains one network across
    them (:mod:`sklearn_charcnn.distributed`).

    See the user guide pages "Training on CPU and GPU" (how the default
    recipe was chosen; multi-label targets), "Saving, checkpoints and
    continued training" and "Scaling out".

    References
    ----------
    .. [1] X. Zhang, J. Zhao and Y. LeCun, "Character-level Convolutional
       Networks for Text Classification", NIPS 2015, arXiv:1509.01626.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_charcnn import CharCNNClassifier, CharQuantizer
    >>> docs = ["good film", "great plot", "bad film", "awful plot"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> model = make_pipeline(
    ...     CharQuantizer(max_length=128),
    ...     CharCNNClassifier(n_filters=8, fc_width=16, max_epochs=2,
    ...                       device="cpu", random_state=0),
    ... )
    >>> model.fit(docs, labels).predict(["good plot"]).shape
    (1,)
    >>> model[-1].classes_
    array(['neg', 'pos'], dtype='<U3')
    """

    _parameter_constraints: dict = {
        "size": [StrOptions(set(SIZES))],
        "n_filters": [Interval(Integral, 1, None, closed="left"), None],
        "fc_width": [Interval(Integral, 1, None, closed="left"), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean", None],
        "n_codes": [Interval(Integral, 1, None, closed="left"), None],
        "recipe": [StrOptions(set(RECIPES))],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "lr": [Interval(Real, 0, None, closed="neither"), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left"), None],
        "optimizer": [callable, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": [Interval(Integral, 1, None, closed="left"), "boolean", None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "threshold": [
            Interval(Real, 0, 1, closed="neither"),
            StrOptions({"validation"}),
        ],
        "window_length": [Interval(Integral, 1, None, closed="left"), None],
        "window_stride": [Interval(Integral, 1, None, closed="left"), None],
        "window_pool": [StrOptions(set(POOLS))],
        "window_training": [StrOptions(set(TRAINING))],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
        "device": [str],
        "precision": [StrOptions(set(PRECISIONS))],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        size="small",
        n_filters=None,
        fc_width=None,
        dropout=0.5,
        batch_norm=None,
        n_codes=None,
        recipe="default",
        max_epochs=None,
        batch_size=None,
        lr=None,
        label_smoothing=None,
        optimizer=None,
        validation_fraction=0.1,
        early_stopping=None,
        class_weight=None,
        threshold=0.5,
        window_length=None,
        window_stride=None,
        window_pool="mean",
        window_training="random",
        warm_start=False,
        callbacks=None,
        device="auto",
        precision="auto",
        random_state=None,
        verbose=0,
    ):
        self.size = size
        self.n_filters = n_filters
        self.fc_width = fc_width
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.n_codes = n_codes
        self.recipe = recipe
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.label_smoothing = label_smoothing
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.class_weight = class_weight
        self.threshold = threshold
        self.window_length = window_length
        self.window_stride = window_stride
        self.window_pool = window_pool
        self.window_training = window_training
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.device = device
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ data

    def _validate_codes(self, X, y=None, *, reset):
        name = type(self).__name__
        text_error = (
            f"{name} expects the integer character codes of CharQuantizer, "
            "not raw text. Encode the documents first, e.g. "
            "make_pipeline(CharQuantizer(), CharCNNClassifier())."
        )
        if _looks_like_text(X):
            raise ValueError(text_error)
        kwargs = {"dtype": None, "accept_sparse": False, "reset": reset}
        if y is None:
            X = validate_data(self, X, **kwargs)
        else:
            # y may be a multi-label indicator (dense or sparse):
            # _encode_target tells it from other targets.
            X, y = validate_data(self, X, y, multi_output=True, **kwargs)
        if _looks_like_text(X):  # e.g. a DataFrame of strings
            raise ValueError(text_error)
        if X.dtype.kind not in "ui":
            floats = (
                " Floats are not accepted: a code is an index, not a quantity."
                if X.dtype.kind == "f"
                else ""
            )
            raise ValueError(
                f"{name} expects integer character codes (the output of "
                f"CharQuantizer); got an array of dtype {X.dtype}.{floats}"
            )
        if X.size and X.min() < 0:
            raise ValueError(
                f"Negative values in data passed to {name}: character codes are "
                f"non-negative, X contains {X.min()}."
            )
        return X, y

    def _check_codes(self, X, n_codes):
        top = int(X.max()) if X.size else 0
        if top >= n_codes:
            raise ValueError(
                f"X contains character code {top}, but the network was built for "
                f"codes 0 to {n_codes - 1} (n_codes_={n_codes}). Use the same "
                "CharQuantizer as in fit, or set n_codes."
            )
        # The device casts codes to int64 itself; send the narrowest type.
        return X.astype(np.uint8 if n_codes <= 256 else np.int64, copy=False)

    def _encode_target(self, y):
        """Return the network's targets, ``classes_`` and whether multi-label.

        One label per row becomes class indices (int64); a multi-label
        indicator matrix becomes a dense float32 0/1 matrix.
        """
        name = type(self).__name__
        kind = type_of_target(y, input_name="y")
        if kind == "multilabel-indicator":
            Y = y.toarray() if issparse(y) else np.asarray(y)
            values = np.unique(Y)
            if not np.isin(values, (0, 1)).all():
                raise ValueError(
                    f"A multi-label target must hold 0 and 1 only; Y contains "
                    f"{values.tolist()}. Mark each label with 1 where it applies "
                    "and 0 elsewhere (e.g. with sklearn.preprocessing."
                    "MultiLabelBinarizer)."
                )
            return Y.astype(np.float32), np.arange(Y.shape[1]), True
        if np.ndim(y) == 2 and y.shape[1] > 1:
            raise ValueError(
                f"{name} takes one label per document (y of shape (n_samples,)) "
                "or a multi-label indicator matrix of 0 and 1 (Y of shape "
                f"(n_samples, n_labels)); got a {kind!r} target of shape "
                f"{y.shape}. Encode label sets with sklearn.preprocessing."
                "MultiLabelBinarizer."
            )
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        encoder = LabelEncoder()
        y_codes = encoder.fit_transform(y).astype(np.int64)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{name} needs samples of at least 2 classes, but y contains "
                f"only one class: {encoder.classes_.tolist()[0]!r}."
            )
        return y_codes, encoder.classes_, False

    def _pos_weight(self, Y):
        """Per-label weight of the positive term of the multi-label loss."""
        if self.class_weight is None:
            return None
        n_labels = Y.shape[1]
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(range(n_labels))
            if unknown:
                raise ValueError(
                    f"class_weight names {sorted(map(str, unknown))}, which are not "
                    f"label indices of the multi-label Y (0 to {n_labels - 1})."
                )
            pos_weight = np.ones(n_labels)
            pos_weight[list(self.class_weight)] = list(self.class_weight.values())
        else:
            positives = Y.sum(axis=0)
            # A label without positive rows has nothing to weigh: 1.
            pos_weight = np.where(
                positives > 0, (len(Y) - positives) / np.maximum(positives, 1), 1.0
            )
        return pos_weight.astype(np.float32)

    def _row_weights(self, y, sample_weight, X, multilabel=False):
        """One float32 loss weight per row: sample_weight times class_weight."""
        weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        if multilabel:
            if not weight.sum() > 0:
                raise ValueError(
                    "sample_weight sums to zero: no row would count in the loss."
                )
            return weight.astype(np.float32)
        if self.class_weight is not None:
            unknown = (
                set(self.class_weight) - set(np.unique(y).tolist())
                if isinstance(self.class_weight, dict)
                else set()
            )
            if unknown:
                raise ValueError(
                    f"class_weight names {sorted(map(str, unknown))}, which are not "
                    f"classes of y (classes: {np.unique(y).tolist()})."
                )
            weight = weight * compute_sample_weight(self.class_weight, y)
        if not weight.sum() > 0:
            raise ValueError(
                "sample_weight (times class_weight) sums to zero: no row would "
                "count in the loss."
            )
        weighted = np.unique(np.asarray(y)[weight > 0])
        if len(weighted) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with a "
                "positive weight, but only class "
                f"{weighted.tolist()[0]!r} has one (sample_weight times "
                "class_weight)."
            )
        return weight.astype(np.float32)

    # --------------------------------------------------------------- fitting

    def _resolve_device(self) -> str:
        if self.device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        try:
            device = torch.device(self.device)
        except (RuntimeError, TypeError):
            raise ValueError(
                f"device={self.device!r} is not a torch device; use 'auto', 'cpu', "
                "'cuda' or 'cuda:N'."
            ) from None
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device={self.device!r} but CUDA is not available.")
        return str(device)

    def _resolve_settings(self, multilabel=False) -> _Settings:
        """Every ``None`` parameter takes its recipe's (or size's) value, here only."""
        recipe = RECIPES[self.recipe]
        preset = SIZES[self.size]

        def pick(value, default):
            return default if value is None else value

        patience = pick(self.early_stopping, recipe["early_stopping"])
        if patience is True:
            patience = RECIPES["default"]["early_stopping"]
        return _Settings(
            n_filters=pick(self.n_filters, preset["n_filters"]),
            fc_width=pick(self.fc_width, preset["fc_width"]),
            batch_norm=pick(self.batch_norm, recipe["batch_norm"]),
            init=recipe["init"],
            init_std=preset["init_std"],
            optimizer=pick(self.optimizer, recipe["optimizer"]),
            optimizer_kwargs=recipe["optimizer_kwargs"]
            if self.optimizer is None
            else {},
            lr=pick(self.lr, recipe["lr"]),
            batch_size=pick(self.batch_size, recipe["batch_size"]),
            max_epochs=pick(self.max_epochs, recipe["max_epochs"]),
            schedule=recipe["schedule"],
            label_smoothing=pick(
                self.label_smoothing, 0.0 if multilabel else recipe["label_smoothing"]
            ),
            patience=int(patience or 0) if self.validation_fraction > 0 else 0,
        )

    def _callbacks(self, settings, steps_per_epoch, checkpoint_root, multilabel):
        # Training accuracy (multi-label: micro-F1) from the predictions made
        # during the epoch (cached by skorch: no extra forward pass), for
        # learning curves.
        score, scoring = ("f1_micro", f1_micro) if multilabel else ("acc", "accuracy")
        callbacks = [
            (
                f"train_{score}",
                EpochScoring(
                    scoring, name=f"train_{score}", on_train=True, lower_is_better=False
                ),
            ),
            (
                "lr_scheduler",
                settings.schedule.callback(settings.max_epochs, steps_per_epoch),
            ),
        ]
        if multilabel:
            # In place of skorch's valid_acc (switched off in _build_net),
            # and before early stopping, which reads it.
            callbacks.append(
                (
                    "valid_f1_micro",
                    EpochScoring(
                        f1_micro, name="valid_f1_micro", lower_is_better=False
                    ),
                )
            )
        if settings.patience:
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor=f"valid_{score}",
                        lower_is_better=False,
                        patience=settings.patience,
                        threshold=0.0,
                        load_best=True,
                        sink=print if self.verbose else _silent,
                    ),
                )
            )
        if self.verbose and sys.stdout.isatty():
            # A progress bar redraws itself with carriage returns: on a
            # terminal only, not in a log file.
            callbacks.append(("progress_bar", ProgressBar()))
        if checkpoint_root is None:  # a rebuilt net, to predict with
            return callbacks, []
        extra = copy.deepcopy(self.callbacks or [])
        dirs = []
        for checkpoint in checkpoints(extra):
            if checkpoint.dirname:
                # One new folder per fit: clones fitted one after the other
                # or in parallel never overwrite each other's files.
                folder = Path(checkpoint.dirname) / checkpoint_root
                folder.mkdir(parents=True, exist_ok=False)
                checkpoint.dirname = str(folder)
                dirs.append(str(folder))
        return callbacks + extra, dirs

    def _build_net(
        self,
        settings,
        device,
        n_codes,
        input_length,
        n_classes,
        plan,
        seed,
        world=None,
        *,
        multilabel=False,
        pos_weight=None,
    ):
        """Build the skorch net of a fit (``plan`` given) or a rebuild (``None``).

        With a ``world`` of processes, the net trains this process's shard
        of every batch (:class:`~sklearn_charcnn.distributed.DataParallelNet`).
        A ``multilabel`` net has one output per label (``n_classes`` of them)
        and trains on binary cross-entropy.
        """
        if plan is None:
            plan = RowPlan(train=np.arange(1), valid=None, epoch_rows=None)
            root = None
        else:
            root = f"fit-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        rows = len(plan.epoch_rows[0] if plan.epoch_rows else plan.train)
        if world is not None:
            rows = world.shard_length(rows)
        steps_per_epoch = math.ceil(rows / settings.batch_size)
        callbacks, dirs = self._callbacks(settings, steps_per_epoch, root, multilabel)
        net_class = CharCNNNet if world is None else DataParallelNet
        net = net_class(
            CharCNNModule,
            module__n_codes=n_codes,
            module__input_length=self.window_length or input_length,
            module__n_classes=n_classes,
            module__n_filters=settings.n_filters,
            module__fc_width=settings.fc_width,
            module__dropout=self.dropout,
            module__batch_norm=settings.batch_norm,
            init_scheme=settings.init,
            init_std=settings.init_std,
            seed=seed,
            precision=self.precision,
            windows=self._windows(multilabel),
            **loss_params(multilabel, settings.label_smoothing, pos_weight),
            optimizer=settings.optimizer,
            lr=settings.lr,
            **{f"optimizer__{k}": v for k, v in settings.optimizer_kwargs.items()},
            max_epochs=settings.max_epochs,
            batch_size=settings.batch_size,
            classes=list(range(n_classes)),
            train_split=None if plan.valid is None else PlannedSplit(plan),
            iterator_train=batch_loader,
            iterator_train__shuffle=True,
            iterator_train__random_state=np.random.default_rng(seed),
            iterator_train__epoch_rows=plan.epoch_rows,
            iterator_valid=batch_loader,
            iterator_valid__batch_size=max(_PREDICT_BATCH_SIZE, settings.batch_size),
            callbacks=callbacks,
            device=device,
            verbose=self.verbose,
            **({} if world is None else world.net_params()),
        )
        return net, dirs

    def _windows(self, multilabel):
        """How the net reads rows longer than its input (None: it does not)."""
        if self.window_length is None:
            return None
        return Windows(
            length=self.window_length,
            stride=self.window_stride or self.window_length,
            pool=self.window_pool,
            training=self.window_training,
            multilabel=multilabel,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on character codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_characters), integer dtype
            Character codes, as produced by ``CharQuantizer.transform``.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, of any type scikit-learn accepts, or a multi-label
            indicator matrix of 0 and 1 (dense or sparse), one column per
            label.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each document in the loss; ``None``
            weighs every document 1. Routed by a Pipeline or a grid search
            when requested with ``set_fit_request(sample_weight=True)``.

        Returns
        -------
        self : CharCNNClassifier
            The fitted classifier.
        """
        # A fit that raises leaves the estimator exactly as it was: the new
        # state is built aside and assigned at the end, and anything set on
        # the way (n_features_in_ by validate_data) is rolled back.
        before = self.__dict__.copy()
        try:
            return self._fit(X, y, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network on one chunk of the data: one pass over it.

        scikit-learn's interface for data that arrives in chunks or does not
        fit in memory, as in :meth:`sklearn.linear_model.SGDClassifier.partial_fit`:
        every call trains the same network, with the same optimizer, on the
        chunk it is given.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_characters), integer dtype
            Character codes of the chunk (``CharQuantizer.transform``, or rows
            of a memory-mapped code file); every chunk as wide as the first.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels of the chunk, all from ``classes``, or a multi-label
            indicator matrix of 0 and 1 with one column per label.
        classes : array-like of shape (n_classes,) or int, default=None
            Every class of the whole stream. Required on the first call,
            which fixes them; later calls may omit it or pass the same. For
            a multi-label target, the number of labels (or
            ``range(n_labels)``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each document in the loss, times
            ``class_weight`` (a dict; ``"balanced"`` needs the frequencies
            of all the data and is refused).

        Returns
        -------
        self : CharCNNClassifier
            The classifier, fitted: it predicts after every call.

        Notes
        -----
        *One pass.* The chunk is shuffled and trained on once, in minibatches
        of ``batch_size``. There is no validation split and no early
        stopping: ``max_epochs``, ``validation_fraction`` and
        ``early_stopping`` are ``fit``'s. Feed the chunks again for more
        epochs, and score held-out data between calls to validate.

        *Step size.* A linear warm-up over the first call's batches, then the
        constant peak ``lr`` (``set_params`` may change it between calls);
        a change of any other parameter that builds the network or weighs
        its data raises.

        *Batch normalisation* stays in the network between calls (``fit``
        folds it away when training ends; a stream has no end). Predictions
        use its running statistics, as the folded network would.

        *fit and partial_fit never mix silently.* On a classifier fitted by
        ``fit``, ``partial_fit`` continues the fitted network with a new
        optimizer, as ``SGDClassifier.partial_fit`` continues ``fit``'s
        coefficients. ``partial_fit`` refuses ``warm_start=True``, and a warm
        ``fit`` refuses a stream.

        *Reproducible.* With an int ``random_state``, the same chunks in the
        same order give the same network, also across a pickle or skops
        round trip between calls.

        A chunk that does not fit the stream raises and leaves the classifier
        as it was. A :class:`~sklearn.pipeline.Pipeline` has no
        ``partial_fit``: fit the quantizer once (``quantizer.fit([])``) and
        pass each chunk's codes here (user guide: "Corpora bigger than
        memory").

        Examples
        --------
        >>> from sklearn_charcnn import CharCNNClassifier, CharQuantizer
        >>> quantizer = CharQuantizer(max_length=128).fit([])
        >>> clf = CharCNNClassifier(n_filters=8, fc_width=16, device="cpu",
        ...                         random_state=0)
        >>> chunks = [(["good film", "bad film"] * 8, ["pos", "neg"] * 8),
        ...           (["great plot", "awful plot"] * 8, ["pos", "neg"] * 8)]
        >>> for docs, labels in chunks:
        ...     clf = clf.partial_fit(quantizer.transform(docs), labels,
        ...                           classes=["neg", "pos"])
        >>> len(clf.history_)  # one row per call
        2
        >>> clf.predict(quantizer.transform(["good plot"])).shape
        (1,)
        """
        before = self.__dict__.copy()
        try:
            rows = row_origins(X)
            n_rows = _num_samples(X)
            y = _expand_by_origin(y, "y", rows, n_rows)
            sample_weight = _expand_by_origin(
                sample_weight, "sample_weight", rows, n_rows
            )
            return self._partial_fit(X, y, classes, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _partial_fit(self, X, y, classes, sample_weight):
        stream = self.__dict__.get("_incremental")
        check_can_continue(self, stream)
        first = stream is None and not hasattr(self, "net_")
        chunk = validate_chunk(self, X, y, classes, sample_weight, first)
        if stream is None:
            net, stream, self.device_ = start_stream(self, chunk)
        else:
            net = self.net_
        stream = train_chunk(self, net, chunk, stream)
        if chunk.multilabel:
            self.thresholds_ = np.full(len(chunk.classes), float(self.threshold))
        self._multilabel = chunk.multilabel
        self.n_codes_ = chunk.n_codes
        self.net_ = net
        self.history_ = net.history
        self.checkpoint_dirs_ = []
        self._incremental = stream
        return self

    def _fit(self, X, y, sample_weight):
        warm = self.warm_start and hasattr(self, "net_")
        if warm and "_incremental" in self.__dict__:
            raise ValueError(WARM_FIT_AFTER_STREAM)
        data = self._validate_fit_data(X, y, sample_weight, warm)
        settings = self._resolve_settings(data.multilabel)
        if warm:  # the fitted network has its normalisation folded away
            settings = _Settings(**{**settings.__dict__, "batch_norm": False})
        self.device_ = self._resolve_device()
        seed = int(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        # A torch.distributed process group of several processes: train one
        # network across them, on rank 0's seed (sklearn_charcnn.distributed).
        world = process_world()
        if world is not None:
            self.device_, seed = world.prepare_fit(self, data, settings, seed)
        plan = plan_rows(
            data.y_codes,
            data.origin,
            data.copy_index,
            data.per_epoch,
            self.validation_fraction,
            seed,
        )
        if data.multilabel:
            _warn_constant_labels(data.y_codes[plan.train])
        net, dirs = self._build_net(
            settings,
            self.device_,
            data.n_codes,
            data.X.shape[1],
            len(data.classes),
            plan,
            seed,
            world,
            multilabel=data.multilabel,
            pos_weight=data.pos_weight,
        )
        net.initialize()
        if warm:
            net.module_.load_state_dict(self.net_.module_.state_dict())
        for folder in dirs:
            self._write_checkpoint_meta(folder, data)
        self._train(net, data, settings.max_epochs)
        # Training-time normalisation only: the fitted network is the
        # paper's, computing what the normalised one did in eval mode.
        net.module_.fold_batch_norm()
        slim(net)
        if data.multilabel:
            self.thresholds_ = self._fit_thresholds(net, data, plan)
        else:
            self.__dict__.pop("thresholds_", None)

        self._multilabel = data.multilabel
        self.classes_ = data.classes
        self.n_codes_ = data.n_codes
        self.net_ = net
        self.history_ = net.history
        self.checkpoint_dirs_ = dirs
        self.__dict__.pop("_incremental", None)  # a new network ends a stream
        return self

    def _validate_fit_data(self, X, y, sample_weight, warm) -> _FitData:
        """Check the codes, labels and weights of ``fit``; give rows their origin."""
        rows = row_origins(X)
        n_rows = _num_samples(X)
        y = _expand_by_origin(y, "y", rows, n_rows)
        sample_weight = _expand_by_origin(sample_weight, "sample_weight", rows, n_rows)
        previous_length = getattr(self, "n_features_in_", None)
        X, y = self._validate_codes(X, y, reset=True)
        y_codes, classes, multilabel = self._encode_target(y)
        if (
            multilabel
            and self.threshold == "validation"
            and not (self.validation_fraction > 0)
        ):
            raise ValueError(
                'threshold="validation" tunes the thresholds on the validation '
                "split, but validation_fraction=0; set validation_fraction > 0 "
                "or a fixed threshold such as 0.5."
            )
        if warm:
            self._check_warm_start(classes, multilabel, X.shape[1], previous_length)
            n_codes = self.n_codes_
        elif self.n_codes is not None:
            n_codes = int(self.n_codes)
        elif X.dtype == np.uint8:
            n_codes = 256
        else:
            n_codes = int(X.max()) + 1
        X = self._check_codes(X, n_codes)
        labels = y_codes if multilabel else classes[y_codes]
        weight = self._row_weights(labels, sample_weight, X, multilabel)
        if rows is None:
            origin, copy_index, per_epoch = np.arange(n_rows), np.zeros(n_rows), False
        else:
            origin, copy_index, per_epoch = rows
        self._check_validation_split(y_codes[copy_index == 0], len(classes))
        pos_weight = self._pos_weight(y_codes) if multilabel else None
        return _FitData(
            X,
            y_codes,
            weight,
            classes,
            n_codes,
            origin,
            copy_index,
            per_epoch,
            multilabel,
            pos_weight,
        )

    def _check_warm_start(self, classes, multilabel, length, previous_length):
        """Continued training needs the fitted network's outputs and length."""

        def describe(classes, multilabel):
            if multilabel:
                return f"{len(classes)} labels of a multi-label Y"
            return f"classes {classes.tolist()}"

        fitted_multilabel = getattr(self, "_multilabel", False)
        if (
            multilabel != fitted_multilabel
            or not np.array_equal(classes, self.classes_)
            or length != previous_length
        ):
            raise ValueError(
                "warm_start=True continues the fitted network, which needs the "
                "same classes and document length as before "
                f"({describe(self.classes_, fitted_multilabel)}, length "
                f"{previous_length}); got {describe(classes, multilabel)}, length "
                f"{length}. Set warm_start=False to train a new network."
            )

    def _train(self, net, data, max_epochs):
        """Run skorch's training loop; turn a Ctrl-C into a warning, or raise it."""
        net.partial_fit({"codes": data.X, "weight": data.weight}, data.y_codes)
        if not net.interrupted_:
            return
        if net.history and "train_loss" not in net.history[-1]:
            del net.history[-1]  # the epoch that was cut short
        if not net.history:
            raise KeyboardInterrupt
        warnings.warn(
            f"Training was interrupted after {len(net.history)} of {max_epochs} "
            "epochs; the classifier keeps the weights reached so far (the best "
            "epoch's with early stopping).",
            UserWarning,
            stacklevel=5,
        )

    def _check_validation_split(self, y_originals, n_classes):
        if self.validation_fraction == 0:
            return
        n_docs = len(y_originals)
        n_valid = math.ceil(self.validation_fraction * n_docs)
        if y_originals.ndim == 2:  # multi-label: a shuffled split
            if n_docs - n_valid < 1:
                raise ValueError(
                    f"validation_fraction={self.validation_fraction} of {n_docs} "
                    "documents leaves none for training; pass more data or "
                    "validation_fraction=0."
                )
            return
        if n_valid < n_classes or n_docs - n_valid < n_classes:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} of {n_docs} "
                f"documents leaves too few for a stratified split over {n_classes} "
                "classes; pass more data or validation_fraction=0."
            )
        counts = np.bincount(y_originals, minlength=n_classes)
        if counts.min() < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} needs at least 2 "
                "documents of every class for a stratified split, but class "
                f"{int(counts.argmin())} of the encoded labels has {counts.min()}; "
                "pass more data or validation_fraction=0."
            )

    def _fit_thresholds(self, net, data, plan):
        """Each label's probability threshold (``threshold``), tuned or given."""
        n_labels = len(data.classes)
        if self.threshold != "validation":
            return np.full(n_labels, float(self.threshold))
        rows = plan.valid
        logits = net.forward(data.X[rows], training=False, device="cpu").numpy()
        proba = expit(logits.astype(np.float64))
        return np.array(
            [
                best_f1_threshold(data.y_codes[rows, k], proba[:, k])
                for k in range(n_labels)
            ]
        )

    def _write_checkpoint_meta(self, folder, data):
        params = self.get_params(deep=False)
        params["callbacks"] = None
        meta = {
            "params": params,
            "classes_": data.classes,
            "n_features_in_": data.X.shape[1],
            "n_codes_": data.n_codes,
            "multilabel": data.multilabel,
        }
        with open(os.path.join(folder, _CHECKPOINT_META), "wb") as f:
            pickle.dump(meta, f)

    @classmethod
    def from_checkpoint(
        cls, dirname, *, f_params="params.pt", f_history="history.json", device="auto"
    ):
        """Rebuild a fitted classifier from a folder written during ``fit``.

        A :class:`skorch.callbacks.Checkpoint` passed in ``callbacks`` with a
        ``dirname`` writes into a new subfolder for every fit (listed in
        ``checkpoint_dirs_``), beside the estimator's settings and classes.
        The checkpointed weights are those of the epoch the checkpoint fired
        on, taken before batch normalisation was folded; they are folded
        on loading, so the result is the paper's network.

        Parameters
        ----------
        dirname : str or path-like
            One of the fit's ``checkpoint_dirs_``.
        f_params : str, default="params.pt"
            The weights' file name (the ``Checkpoint``'s ``f_params``,
            including its ``fn_prefix``).
        f_history : str or None, default="history.json"
            The history's file name; ``None`` to skip it.
        device : str, default="auto"
            Where to load the network (``"auto"``: CUDA when available).

        Returns
        -------
        classifier : CharCNNClassifier
            A fitted classifier; ``predict`` answers with the checkpointed
            weights.
        """
        folder = Path(dirname)
        meta_path = folder / _CHECKPOINT_META
        if not meta_path.is_file():
            raise FileNotFoundError(
                f"{meta_path} not found: {folder} is not a checkpoint folder written "
                "by CharCNNClassifier.fit (see its checkpoint_dirs_)."
            )
        with open(meta_path, "rb") as f:
            meta = pickle.load(f)  # noqa: S301 (a file this package wrote)
        estimator = cls(**{**meta["params"], "device": device})
        device_ = estimator._resolve_device()
        state = torch.load(folder / f_params, map_location=device_, weights_only=True)
        history = None
        if f_history is not None and (folder / f_history).is_file():
            history = History.from_file(str(folder / f_history))
        fitted = {}
        if meta.get("multilabel", False):
            # Thresholds tuned on validation are chosen when fit ends, after
            # any checkpoint: a checkpoint predicts at the fixed threshold.
            threshold = estimator.threshold
            threshold = 0.5 if threshold == "validation" else float(threshold)
            fitted["thresholds_"] = np.full(len(meta["classes_"]), threshold)
        estimator._restore(
            device_,
            state,
            history,
            classes_=meta["classes_"],
            n_features_in_=meta["n_features_in_"],
            n_codes_=meta["n_codes_"],
            checkpoint_dirs_=[],
            _multilabel=meta.get("multilabel", False),
            **fitted,
        )
        return estimator

    def _restore(self, device, weights, history, **fitted):
        """Set the fitted state from the network's weights and history."""
        self.__dict__.update(fitted)
        self.device_ = device
        stream = self.__dict__.get("_incremental")
        settings = self._resolve_settings(fitted.get("_multilabel", False))
        if stream is None:  # a fitted network has its normalisation folded
            settings = _Settings(**{**settings.__dict__, "batch_norm": False})
        else:  # a partial_fit stream keeps it, and its optimizer's state
            settings = stream_settings(settings, stream)
        net, _ = self._build_net(
            settings,
            device,
            fitted["n_codes_"],
            fitted["n_features_in_"],
            len(fitted["classes_"]),
            plan=None,
            seed=0,
            multilabel=fitted.get("_multilabel", False),
        )
        net.initialize()
        # Weights saved before batch normalisation was folded (a checkpoint)
        # are folded on loading; unknown or missing keys raise.
        net.module_.load_state_dict(
            {key: torch.as_tensor(value) for key, value in weights.items()}
        )
        if stream is not None:
            self._incremental = load_optimizer_state(net, stream)
        net.module_.eval()
        if history is not None:
            net.history = history
        self.net_ = net
        self.history_ = net.history

    # ------------------------------------------------------------ prediction

    def _codes_to_predict(self, X):
        check_is_fitted(self)
        X, _ = self._validate_codes(X, reset=False)
        windows = getattr(self.net_, "windows", None)
        if windows is not None:  # window_pool and window_stride may change
            self.net_.windows = dataclasses.replace(
                windows,
                pool=self.window_pool,
                stride=self.window_stride or windows.length,
            )
        return self._check_codes(X, self.n_codes_)

    def decision_function(self, X):
        """Return the network's logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_characters), integer dtype
            Character codes, as produced by ``CharQuantizer.transform``.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            For two classes, the log-odds of ``classes_[1]`` (the difference
            of its logit and the other's), positive where it is predicted,
            as :class:`~sklearn.linear_model.LogisticRegression` gives; for
            more classes, one logit per class (the softmax of a row is its
            ``predict_proba``); for a multi-label target, one logit per
            label (its sigmoid is the label's probability).
        """
        X = self._codes_to_predict(X)
        logits = self.net_.forward(X, training=False, device="cpu").numpy()
        logits = logits.astype(np.float64)
        if not getattr(self, "_multilabel", False) and logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Return class probabilities, or each label's probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_characters), integer dtype
            Character codes, as produced by ``CharQuantizer.transform``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``; rows sum to 1. For a
            multi-label target, shape ``(n_samples, n_labels)``: the
            probability of every label, independently of the others.
        """
        if getattr(self, "_multilabel", False):
            return expit(self.decision_function(X))
        X = self._codes_to_predict(X)
        proba = self.net_.predict_proba(X).astype(np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Return the most probable class, or the labels, of each document.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_characters), integer dtype
            Character codes, as produced by ``CharQuantizer.transform``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels from ``classes_``; for a multi-label target, a dense 0/1
            indicator matrix: 1 where a label's probability exceeds its
            threshold in ``thresholds_``.
        """
        proba = self.predict_proba(X)
        if getattr(self, "_multilabel", False):
            return (proba > self.thresholds_).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]

    # ------------------------------------------------------------- plumbing

    def __getstate__(self):
        # The fitted network travels as numpy arrays and the history as a
        # list: no tensor, no device, no pickled skorch object, so a model
        # fitted on a GPU loads anywhere and skops can read the file.
        state = dict(super().__getstate__())
        net = state.pop("net_", None)
        if net is not None:
            state.pop("history_", None)
            state["_net_weights"] = {
                key: value.detach().cpu().numpy()
                for key, value in net.module_.state_dict().items()
            }
            state["_net_history"] = net.history.to_list()
            if "_incremental" in state:
                state["_incremental"] = with_optimizer_state(state["_incremental"], net)
        return state

    def __setstate__(self, state):
        # Parameters added since 0.1.0 take their defaults in older pickles.
        state = {**_ADDED_PARAMETERS, **state}
        weights = state.pop("_net_weights", None)
        history = state.pop("_net_history", None)
        self.__dict__.update(state)
        if weights is None:
            return
        device = state["device_"]
        if torch.device(device).type == "cuda" and not torch.cuda.is_available():
            warnings.warn(
                f"{type(self).__name__} was fitted on {device!r}, but CUDA is not "
                "available here: it is loaded on the CPU.",
                UserWarning,
                stacklevel=2,
            )
            device = "cpu"
        fitted = {
            name: state[name]
            for name in ("classes_", "n_features_in_", "n_codes_", "checkpoint_dirs_")
        }
        fitted["_multilabel"] = state.get("_multilabel", False)
        self._restore(device, weights, History(history), **fitted)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Codes are categories (indices into a one-hot), never negative.
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        # A few epochs on tiny data: no accuracy promise in the common checks.
        tags.classifier_tags.poor_score = True
        tags.classifier_tags.multi_label = True
        return tags


def _warn_constant_labels(Y_train):
    """Warn, as OneVsRestClassifier does, of a label constant in training."""
    positives = Y_train.sum(axis=0)
    for label in np.flatnonzero(positives == 0):
        warnings.warn(
            f"Label not {label} is present in all training examples: no document "
            f"of the training part has label {label}, which the network learns "
            "never to predict.",
            UserWarning,
            stacklevel=5,
        )
    for label in np.flatnonzero(positives == len(Y_train)):
        warnings.warn(
            f"Label {label} is present in all training examples, which the "
            "network learns always to predict.",
            UserWarning,
            stacklevel=5,
        )


def _silent(*args, **kwargs):
    """Swallow EarlyStopping's message when not verbose."""
