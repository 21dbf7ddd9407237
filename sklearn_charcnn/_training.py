"""Training plumbing of :class:`~sklearn_charcnn.CharCNNClassifier`.

Everything the classifier hands to skorch lives here: the learning-rate
schedules that recipes carry as data, the validation split that keeps
augmented copies beside their original, the batch sampler (with the
per-epoch choice of copies), the skorch net subclass (weighted loss, local
random generators, bfloat16 autocast, Ctrl-C bookkeeping), the losses and
scores of multi-label targets, and the clean-up that leaves a fitted net
with nothing but its own state to pickle.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score, precision_recall_curve
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from skorch import NeuralNetClassifier
from skorch.callbacks import Checkpoint, EarlyStopping, LRScheduler
from skorch.dataset import unpack_data
from skorch.utils import to_tensor
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Subset

from sklearn_charcnn._windows import pooled_logits, random_windows
from sklearn_charcnn.network import init_weights

# ---------------------------------------------------------------- schedules


class _WarmupCosineFactor:
    """Learning-rate factor: linear warm-up, then cosine decay to zero.

    A class rather than a closure so that a fitted net pickles.
    """

    def __init__(self, total_steps: int, warmup_steps: int):
        self.total_steps = max(1, total_steps)
        self.warmup_steps = warmup_steps

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        span = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / span)
        return 0.5 * (1.0 + math.cos(math.pi * progress))


@dataclass(frozen=True)
class WarmupCosine:
    """Linear warm-up over ``warmup_fraction`` of the steps, then cosine to zero.

    The decay ends at the last step of ``max_epochs``, so the schedule
    stretches with the number of epochs.
    """

    warmup_fraction: float = 0.1

    def __str__(self) -> str:
        return (
            f"linear warm-up over the first {self.warmup_fraction:.0%} of the "
            "steps, then cosine decay to zero"
        )

    def callback(self, max_epochs: int, steps_per_epoch: int) -> LRScheduler:
        """Return the skorch callback that applies the schedule."""
        total = max_epochs * steps_per_epoch
        warmup = max(1, round(self.warmup_fraction * total))
        return LRScheduler(
            policy=torch.optim.lr_scheduler.LambdaLR,
            lr_lambda=_WarmupCosineFactor(total, warmup),
            step_every="batch",
        )


@dataclass(frozen=True)
class StepHalving:
    """Multiply the step size by ``gamma`` every ``every`` epochs, ``times`` times.

    The paper (section 2.3): halved every 3 epochs, 10 times.
    """

    every: int = 3
    times: int = 10
    gamma: float = 0.5

    def __str__(self) -> str:
        factor = "halved" if self.gamma == 0.5 else f"multiplied by {self.gamma:g}"
        return f"{factor} every {self.every} epochs, {self.times} times"

    def callback(self, max_epochs: int, steps_per_epoch: int) -> LRScheduler:
        """Return the skorch callback that applies the schedule."""
        milestones = [self.every * (k + 1) for k in range(self.times)]
        return LRScheduler(
            policy=torch.optim.lr_scheduler.MultiStepLR,
            milestones=milestones,
            gamma=self.gamma,
        )


# ------------------------------------------------------------------- rows


@dataclass
class RowPlan:
    """Which rows train and validate, and which train in each epoch.

    Attributes
    ----------
    train : ndarray of int
        Rows of the training part (originals and their copies).
    valid : ndarray of int or None
        Rows of the validation part: originals only.
    epoch_rows : list of ndarray or None
        With per-epoch copies, for each copy number ``c`` in ``1..k``, the
        positions *within* ``train`` of the originals plus copy ``c``;
        epoch ``e`` trains on ``epoch_rows[e % k]``. ``None``: every epoch
        trains on all of ``train``.
    """

    train: np.ndarray
    valid: np.ndarray | None
    epoch_rows: list[np.ndarray] | None


def plan_rows(y_rows, origin, copy_index, per_epoch, validation_fraction, seed):
    """Split rows by original document; validate on originals only.

    One label per row: the split is stratified. A multi-label indicator
    matrix: a shuffled split (stratifying label sets would need
    iterative stratification, which this package does not depend on).

    Parameters
    ----------
    y_rows : ndarray of shape (n_rows,) or (n_rows, n_labels)
        Encoded labels of every row, or its 0/1 indicator row.
    origin, copy_index : ndarray of shape (n_rows,)
        The original document of each row and its copy number (0: original).
    per_epoch : bool
        One copy per epoch (cycling) instead of all copies every epoch.
    validation_fraction : float
        Fraction of the original documents held out; 0 for none.
    seed : int
        Seeds the split.

    Returns
    -------
    plan : RowPlan
    """
    rows = np.arange(len(y_rows))
    originals = rows[copy_index == 0]
    if validation_fraction > 0:
        split = ShuffleSplit if y_rows.ndim == 2 else StratifiedShuffleSplit
        splitter = split(n_splits=1, test_size=validation_fraction, random_state=seed)
        _, held_out = next(splitter.split(originals, y_rows[originals]))
        valid_docs = np.zeros(origin.max() + 1, dtype=bool)
        valid_docs[origin[originals[held_out]]] = True
        in_valid = valid_docs[origin]
        train = rows[~in_valid]
        valid = np.sort(originals[held_out])
    else:
        train, valid = rows, None
    n_copies = int(copy_index.max(initial=0))
    epoch_rows = None
    if per_epoch and n_copies > 0:
        train_copy = copy_index[train]
        epoch_rows = [
            np.flatnonzero((train_copy == 0) | (train_copy == c))
            for c in range(1, n_copies + 1)
        ]
    return RowPlan(train=train, valid=valid, epoch_rows=epoch_rows)


class PlannedSplit:
    """skorch ``train_split``: the subsets a :class:`RowPlan` names."""

    def __init__(self, plan: RowPlan):
        self.plan = plan

    def __call__(self, dataset, y=None, **kwargs):
        valid = None if self.plan.valid is None else Subset(dataset, self.plan.valid)
        return Subset(dataset, self.plan.train), valid


class _BatchSampler:
    """Yield index lists: shuffled by a numpy Generator or in order.

    One list per batch lets the skorch ``Dataset`` slice a whole batch out of
    the code matrix with one numpy fancy index instead of collating
    ``batch_size`` single rows. ``epoch_rows`` restricts epoch ``e`` to
    ``epoch_rows[e % len(epoch_rows)]`` (per-epoch augmented copies).

    With ``world_size > 1`` (data-parallel training), every process draws
    the same order and keeps its shard, as
    :class:`torch.utils.data.DistributedSampler` deals rows: the order is
    padded by repeating its start to a multiple of ``world_size``, and
    process ``rank`` keeps every ``world_size``-th row from position
    ``rank``. The ``k``-th batches of all processes together are then
    positions ``k * batch_size * world_size`` onwards of the order.
    """

    def __init__(
        self,
        n_samples,
        batch_size,
        random_state=None,
        epoch_rows=None,
        rank=0,
        world_size=1,
    ):
        self.n_samples = n_samples
        self.batch_size = batch_size
        self.random_state = random_state
        self.epoch_rows = epoch_rows
        self.rank = rank
        self.world_size = world_size
        self.epoch = 0

    def _rows(self):
        if self.epoch_rows is None:
            return np.arange(self.n_samples)
        return self.epoch_rows[self.epoch % len(self.epoch_rows)]

    def __iter__(self):
        rows = self._rows()
        self.epoch += 1
        if self.random_state is not None:
            rows = rows[self.random_state.permutation(len(rows))]
        if self.world_size > 1:
            padded = -(-len(rows) // self.world_size) * self.world_size
            rows = np.resize(rows, padded)[self.rank :: self.world_size]
        for start in range(0, len(rows), self.batch_size):
            yield rows[start : start + self.batch_size].tolist()

    def __len__(self):
        shard = -(-len(self._rows()) // self.world_size)
        return -(-shard // self.batch_size)


def batch_loader(
    dataset,
    batch_size,
    shuffle=False,
    random_state=None,
    epoch_rows=None,
    rank=0,
    world_size=1,
):
    """Build the DataLoader skorch uses for training and inference batches.

    The loader gets its own ``torch.Generator``: without one, every
    iteration of a DataLoader draws its base seed from torch's global
    generator, so that even ``predict_proba`` would move the caller's
    random state.
    """
    sampler = _BatchSampler(
        len(dataset),
        batch_size,
        random_state if shuffle else None,
        epoch_rows,
        rank,
        world_size,
    )
    # batch_size=None: the sampler already yields whole batches.
    return DataLoader(
        dataset, sampler=sampler, batch_size=None, generator=torch.Generator()
    )


# -------------------------------------------------------------------- net


PRECISIONS = ("auto", "float32", "bfloat16")


def has_native_bf16(device) -> bool:
    """Whether ``device`` computes in bfloat16 natively.

    CUDA devices that support bf16, and CPUs with bf16 instructions
    (AVX512-BF16 or AMX) that oneDNN uses under autocast. Elsewhere bf16 is
    emulated, slower than float32. ``CharCNNClassifier(precision="auto")``
    trains under bf16 autocast where this is true.

    Parameters
    ----------
    device : str or torch.device
        The device, e.g. ``"cpu"`` or ``"cuda:0"``.

    Returns
    -------
    native : bool

    Examples
    --------
    >>> from sklearn_charcnn.classifier import has_native_bf16
    >>> has_native_bf16("cpu") in (True, False)
    True
    """
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device.type == "cpu" and torch.backends.mkldnn.is_available():
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):  # a build without this private op
            return False
    return False


def autocast_bf16(precision: str, device, training: bool) -> bool:
    """Whether a forward pass runs under bfloat16 autocast.

    ``"float32"``: never; ``"bfloat16"``: always; ``"auto"``: where the
    device computes bf16 natively, for training on any device and for
    prediction on CUDA only, so that predictions on the CPU are float32:
    the same on every CPU and the same as the model's exports.
    """
    if precision == "auto":
        device = torch.device(device)
        return has_native_bf16(device) and (training or device.type == "cuda")
    return precision == "bfloat16"


class CharCNNNet(NeuralNetClassifier):
    """skorch's classifier with what the char-CNN's training needs.

    - The module is built on the meta device and initialised from a local
      ``torch.Generator`` (``init_scheme``, ``init_std``, ``seed``); dropout
      draws from another local generator. No global random state is used,
      so fits in concurrent threads do not disturb each other.
    - ``X`` may be a dict ``{"codes": ..., "weight": ...}``: the loss is
      the mean of the per-row losses times their weights, in training and
      validation alike (unit weights give exactly the unweighted loss).
    - ``precision`` chooses bfloat16 autocast for the forward pass
      (:func:`autocast_bf16`); bf16 keeps float32's exponent range, so no
      gradient scaling is needed. The loss is computed in float32.
    - ``windows`` (:class:`~sklearn_charcnn._windows.Windows`) reads rows
      longer than the module's input in windows: one drawn at random per
      row in training (or all, pooled), all of them pooled otherwise; the
      crops draw from a third local generator.
    - Ctrl-C during training (``KeyboardInterrupt``, which skorch ends the
      training loop on) is recorded in ``interrupted_``.
    """

    def __init__(
        self,
        *args,
        init_scheme="default",
        init_std=0.05,
        seed=0,
        precision="float32",
        windows=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.init_scheme = init_scheme
        self.init_std = init_std
        self.seed = seed
        self.precision = precision
        self.windows = windows

    def initialize_module(self):
        kwargs = self.get_params_for("module")
        with torch.device("meta"):
            module = self.module(**kwargs)
        module = module.to_empty(device=self.device)
        init_weights(
            module,
            self.init_scheme,
            std=self.init_std,
            generator=torch.Generator().manual_seed(self.seed),
        )
        self.module_ = module
        return self

    def _dropout_seed(self) -> int:
        return self.seed + 1

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        self.interrupted_ = False
        self.module_.generator = torch.Generator(self.device).manual_seed(
            self._dropout_seed()
        )
        self.crop_generator_ = torch.Generator(self.device).manual_seed(
            self._dropout_seed() + 1
        )
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            # skorch's EarlyStopping ends training with KeyboardInterrupt
            # too; only an interrupt that it did not raise is the user's.
            self.interrupted_ = not any(
                isinstance(cb, EarlyStopping) and cb.misses_ >= cb.patience
                for _, cb in self.callbacks_
            )
            return self
        finally:
            self.module_.generator = None
            self.crop_generator_ = None

    def evaluation_step(self, batch, training=False):
        if training:
            return super().evaluation_step(batch, training=True)
        # Prediction: no autograd bookkeeping at all (cheaper than no_grad).
        self.check_is_fitted()
        Xi, _ = unpack_data(batch)
        with torch.inference_mode():
            self._set_training(False)
            return self.infer(Xi)

    def infer(self, x, **fit_params):
        if isinstance(x, Mapping):
            x = x["codes"]
        x = to_tensor(x, device=self.device)
        device = torch.device(self.device)
        if autocast_bf16(self.precision, device, self.module_.training):
            context = torch.autocast(device.type, dtype=torch.bfloat16)
        else:
            context = contextlib.nullcontext()
        with context:
            return self._forward_rows(x).float()

    def _forward_rows(self, x):
        """Compute the logits of rows, read in windows when ``windows`` is set."""
        windows = self.windows
        if windows is None:
            return self.module_(x)
        if self.module_.training and windows.training == "random":
            return self.module_(random_windows(x, windows.length, self.crop_generator_))
        return pooled_logits(self.module_, x, windows)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self.device)
        loss = self.criterion_(y_pred, y_true)
        if isinstance(X, Mapping):
            weight = to_tensor(X["weight"], device=self.device)
            loss = loss * weight
        return loss.mean()


# ------------------------------------------------------------ multi-label


class MultiLabelLoss(nn.Module):
    """Binary cross-entropy of every label's logit, averaged per row.

    What :class:`torch.nn.BCEWithLogitsLoss` computes with
    ``reduction="none"``, then the mean over the labels of each row, so
    that :meth:`CharCNNNet.get_loss` weighs rows as it does with one label
    per row.

    Parameters
    ----------
    pos_weight : array-like of shape (n_labels,), default=None
        Weight of the positive term of each label (``None``: 1).
    label_smoothing : float, default=0.0
        Targets become ``y * (1 - label_smoothing) + label_smoothing / 2``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn._training import MultiLabelLoss
    >>> logits = torch.zeros(2, 3)
    >>> MultiLabelLoss()(logits, torch.ones(2, 3))  # log(2) for every label
    tensor([0.6931, 0.6931])
    """

    def __init__(self, pos_weight=None, label_smoothing=0.0):
        super().__init__()
        self.label_smoothing = label_smoothing
        if pos_weight is not None:
            pos_weight = torch.as_tensor(pos_weight, dtype=torch.float32)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, logits, target):
        target = target.to(logits.dtype)
        if self.label_smoothing:
            target = target * (1 - self.label_smoothing) + self.label_smoothing / 2
        loss = F.binary_cross_entropy_with_logits(
            logits, target, pos_weight=self.pos_weight, reduction="none"
        )
        return loss.mean(dim=1)


def loss_params(multilabel, label_smoothing, pos_weight=None):
    """Return the criterion of :class:`CharCNNNet` and its settings, as net keywords.

    One label per row: cross-entropy. A multi-label indicator target:
    :class:`MultiLabelLoss`, with skorch's default ``valid_acc`` (an
    accuracy of one label per row) switched off.
    """
    if not multilabel:
        return {
            "criterion": torch.nn.CrossEntropyLoss,
            "criterion__label_smoothing": label_smoothing,
            "criterion__reduction": "none",
        }
    return {
        "criterion": MultiLabelLoss,
        "criterion__label_smoothing": label_smoothing,
        "criterion__pos_weight": pos_weight,
        "callbacks__valid_acc": None,
    }


def f1_micro(net, X, y):
    """Micro-averaged F1 of the labels predicted at probability 0.5.

    A skorch scoring function (``EpochScoring``): a label is predicted
    when its logit is positive.
    """
    predicted = (net.forward(X) > 0).cpu().numpy()
    return f1_score(np.asarray(y), predicted, average="micro", zero_division=0.0)


def best_f1_threshold(y_true, score):
    """Return the probability threshold that maximises one label's F1.

    Returns the midpoint between the lowest score predicted positive at the
    best cut and the next lower score (0 below the lowest), so that
    ``score > threshold`` reproduces the cut. 0.5 when ``y_true`` has no
    positive row: there is nothing to tune on.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_charcnn._training import best_f1_threshold
    >>> float(best_f1_threshold(np.array([0, 0, 1, 1]), np.array([.1, .3, .4, .9])))
    0.35
    """
    if not np.any(y_true):
        return 0.5
    precision, recall, cuts = precision_recall_curve(y_true, score)
    f1 = 2 * precision * recall / np.maximum(precision + recall, np.finfo(float).tiny)
    best = int(np.argmax(f1[:-1]))
    lower = cuts[best - 1] if best > 0 else 0.0
    return (cuts[best] + lower) / 2


def slim(net):
    """Drop the fit-time state that would travel with a pickle, in place.

    skorch maps ``module_``, ``optimizer_`` and ``criterion_`` across
    devices when unpickling; anything else holding tensors would be loaded
    as saved (and fail on a machine without the GPU it was saved from). The
    learning-rate scheduler keeps the optimizer, early stopping a copy of
    the best weights: both are cleared, and the optimizer is rebuilt empty.
    """
    for _, callback in net.callbacks_:
        if isinstance(callback, LRScheduler):
            callback.lr_scheduler_ = None
        if isinstance(callback, EarlyStopping):
            callback.best_model_weights_ = None
    net.initialize_optimizer()
    return net


def checkpoints(callbacks):
    """Return the skorch :class:`~skorch.callbacks.Checkpoint` instances."""
    return [
        callback
        for callback in (c[1] if isinstance(c, tuple) else c for c in callbacks)
        if isinstance(callback, Checkpoint)
    ]
