"""Data-parallel training of one classifier across processes.

When a default :mod:`torch.distributed` process group of more than one
process is initialised (typically by a script started with ``torchrun``),
:meth:`CharCNNClassifier.fit <sklearn_charcnn.CharCNNClassifier.fit>` trains
one network across all its processes with PyTorch's
:class:`~torch.nn.parallel.DistributedDataParallel`: every process holds the
whole training set, trains on its shard of each batch, and ends with the
same fitted classifier. Nothing else changes for the caller; the fitted
classifier pickles and predicts like one fitted in a single process.

This module holds the pieces that need the process group:

- :class:`CPUSyncBatchNorm`, what PyTorch's :class:`~torch.nn.SyncBatchNorm`
  does on GPUs, for CPU tensors: batch normalisation with the statistics
  of the whole batch of all processes (over gloo);
- :class:`DataParallelNet`, the skorch net the classifier builds for such a
  fit: its training steps go through ``DistributedDataParallel``, its batch
  normalisations are synchronised, and the history's training scores are
  those of all the processes' shards together;
- :func:`process_world`, which tells whether a fit here would be
  data-parallel, and across how many processes.

The user guide page "Scaling out" gives the ``torchrun`` command, the
meaning of ``batch_size`` and ``random_state`` in such a fit, and a
projection for several GPUs.

A script exits cleanly when it imports this package before it calls
:func:`torch.distributed.init_process_group` and ends with
:func:`torch.distributed.destroy_process_group`: importing it imports
:mod:`torch.distributed.nn.functional` while no process group exists (see
the comment at that import for what goes wrong otherwise).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from skorch.callbacks import Callback, EpochScoring
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.parallel import DistributedDataParallel

from sklearn_charcnn._training import CharCNNNet, f1_micro

if dist.is_available():
    # torch.distributed.nn.functional evaluates its default argument
    # ``group=group.WORLD`` when it is first imported, which
    # DistributedDataParallel does lazily. Imported while a process group
    # exists, its functions hold that group for the rest of the
    # interpreter's life: destroy_process_group cannot free it, and its gloo
    # worker threads outlive the script. A worker that releases a finished
    # collective's tensors while the interpreter shuts down needs the GIL,
    # is ended by Python mid-destructor, and the process aborts ("terminate
    # called without an active exception", SIGABRT) after its work is done.
    # Imported here, before a script creates its group, the default is None.
    import torch.distributed.nn.functional  # noqa: F401

__all__ = ["CPUSyncBatchNorm", "DataParallelNet", "ProcessWorld", "process_world"]


def _all_reduce_sum(tensor: torch.Tensor, group=None) -> torch.Tensor:
    """Sum ``tensor`` over the processes of ``group``; gradients are summed too.

    ``group=None`` is the default process group.

    ``torch.distributed.nn.functional.all_reduce`` is the differentiable
    collective that waits for its result, in the forward and the backward
    pass alike (PyTorch marks it for a future replacement by the
    functional collectives; the warning is silenced here only).
    """
    from torch.distributed.nn.functional import all_reduce

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return all_reduce(tensor, op=dist.ReduceOp.SUM, group=group)


# ------------------------------------------------------------ batch norm


class CPUSyncBatchNorm(_BatchNorm):
    """Batch normalisation over the batches of all processes, for CPU tensors.

    :class:`torch.nn.SyncBatchNorm` normalises each batch with the mean and
    variance of the batches of all processes together, but only on GPUs:
    it refuses CPU tensors, and ``DistributedDataParallel`` refuses a CPU
    module that holds one. This layer computes the same statistics on the
    CPU with two all-reduces (the sums, then the squared deviations from
    the mean), both differentiable, so that the gradient also flows
    through the other processes' share of the statistics. In evaluation
    mode, or in a process without a process group, it is an ordinary batch
    normalisation.

    Build it with :meth:`convert_sync_batchnorm`, which replaces every
    batch normalisation of a module, keeping its parameters and statistics.

    Parameters
    ----------
    num_features : int
        Channels ``C`` of an input of shape ``(N, C)`` or ``(N, C, L, ...)``.
    eps, momentum, affine, track_running_stats, process_group, device, dtype
        As in :class:`torch.nn.SyncBatchNorm`.

    See Also
    --------
    torch.nn.SyncBatchNorm : The same for GPU tensors.

    Notes
    -----
    The running statistics are updated as PyTorch's batch normalisation
    does, with the mean and the unbiased variance of the whole batch, so
    they are the same in every process.

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.distributed import CPUSyncBatchNorm
    >>> net = torch.nn.Sequential(torch.nn.Conv1d(3, 4, 2), torch.nn.BatchNorm1d(4))
    >>> net = CPUSyncBatchNorm.convert_sync_batchnorm(net)
    >>> type(net[1]).__name__
    'CPUSyncBatchNorm'

    Without a process group it is an ordinary batch normalisation:

    >>> x = torch.randn(8, 4, 5)
    >>> torch.allclose(net[1](x), torch.nn.functional.batch_norm(
    ...     x, None, None, training=True), atol=1e-6)
    True
    """

    def __init__(
        self,
        num_features,
        eps=1e-5,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        process_group=None,
        device=None,
        dtype=None,
    ):
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, device, dtype
        )
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Replace every batch normalisation of ``module`` by this class.

        As :meth:`torch.nn.SyncBatchNorm.convert_sync_batchnorm` does: the
        new layers share the parameters and running statistics of the old.

        Parameters
        ----------
        module : torch.nn.Module
            The module; changed in place unless it is itself a batch norm.
        process_group : ProcessGroup, default=None
            The processes to synchronise over; ``None`` is all of them.

        Returns
        -------
        module : torch.nn.Module
            The module with its batch normalisations replaced.
        """
        if isinstance(module, _BatchNorm) and not isinstance(module, cls):
            converted = cls(
                module.num_features,
                module.eps,
                module.momentum,
                module.affine,
                module.track_running_stats,
                process_group,
            )
            if module.affine:
                converted.weight = module.weight
                converted.bias = module.bias
            converted.running_mean = module.running_mean
            converted.running_var = module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.train(module.training)
            return converted
        for name, child in module.named_children():
            module.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return module

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalise ``input`` with the statistics of all processes' batches."""
        if not (self.training and dist.is_available() and dist.is_initialized()):
            return super().forward(input)
        self._check_input_dim(input)
        if input.device.type != "cpu":
            raise ValueError(
                f"{type(self).__name__} synchronises CPU tensors; got one on "
                f"{input.device}. Use torch.nn.SyncBatchNorm on GPUs."
            )
        # None: the default group, looked up at every call, so that the
        # autograd graph of the output holds no process group.
        group = self.process_group
        x = input.float()
        dims = [0, *range(2, x.dim())]
        shape = [1, -1] + [1] * (x.dim() - 2)
        count = x.new_full((1,), x.numel() // x.shape[1])
        totals = _all_reduce_sum(torch.cat([x.sum(dims), count]), group)
        n = totals[-1]
        if n.item() < 2:
            raise ValueError(
                "Expected more than 1 value per channel when training, got "
                f"input of size {tuple(input.shape)} in all processes together."
            )
        mean = totals[:-1] / n
        centred = x - mean.view(shape)
        var = _all_reduce_sum(centred.square().sum(dims), group) / n
        out = centred * torch.rsqrt(var + self.eps).view(shape)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                factor = (
                    1.0 / self.num_batches_tracked.item()
                    if self.momentum is None
                    else self.momentum
                )
                self.running_mean.lerp_(mean.to(self.running_mean.dtype), factor)
                unbiased = var * (n / (n - 1))
                self.running_var.lerp_(unbiased.to(self.running_var.dtype), factor)
        return out.to(input.dtype)


# ----------------------------------------------------------- the world


@dataclass(frozen=True)
class ProcessWorld:
    """The processes of a data-parallel fit, seen from one of them.

    Attributes
    ----------
    rank : int
        This process's rank in the default process group.
    world_size : int
        Number of processes.
    local_rank : int
        This process's rank on its machine (``LOCAL_RANK``, which
        ``torchrun`` sets), the GPU it trains on with ``device="auto"``.
    backend : str
        The process group's backend, e.g. ``"gloo"`` or ``"nccl"``.
    """

    rank: int
    world_size: int
    local_rank: int
    backend: str

    def shard_length(self, n_rows: int) -> int:
        """Rows each process trains on per epoch when the epoch has ``n_rows``."""
        return -(-n_rows // self.world_size)

    def device(self, requested: str, resolved: str) -> str:
        """Return this process's torch device for ``device=requested``.

        ``"auto"`` on a machine with GPUs gives each process its own,
        ``cuda:LOCAL_RANK``; an explicit device is kept.
        """
        if requested == "auto" and torch.device(resolved).type == "cuda":
            return f"cuda:{self.local_rank % torch.cuda.device_count()}"
        return resolved

    def check_backend(self, device: str) -> None:
        """Raise ValueError if the process group cannot reduce on ``device``."""
        kind = torch.device(device).type
        backends = self.backend.lower()
        if kind == "cpu" and not any(b in backends for b in ("gloo", "mpi")):
            raise ValueError(
                f"Data-parallel training on the CPU needs a process group with the "
                f"gloo backend, but it has {self.backend!r}. Initialise it with "
                "torch.distributed.init_process_group('gloo'), or train on GPUs."
            )

    def net_params(self) -> dict:
        """Keyword arguments of this process's :class:`DataParallelNet`."""
        return {
            "rank": self.rank,
            "iterator_train__rank": self.rank,
            "iterator_train__world_size": self.world_size,
        }

    def prepare_fit(self, estimator, data, settings, seed: int) -> tuple[str, int]:
        """Agree with the other processes on a fit; return its device and seed.

        Parameters
        ----------
        estimator : CharCNNClassifier
            The classifier being fitted, with ``device_`` resolved.
        data : NamedTuple
            Its validated training data (codes, labels, weights, rows).
        settings : dataclass
            Its training settings, resolved by the recipe.
        seed : int
            The seed this process drew from ``random_state``.

        Returns
        -------
        device : str
            This process's device.
        seed : int
            Rank 0's seed, used by every process.

        Raises
        ------
        ValueError
            If the processes were given different data or settings, or the
            process group's backend cannot reduce tensors on the device.
        """
        device = self.device(estimator.device, estimator.device_)
        self.check_backend(device)
        arrays = [data.X, data.y_codes, data.weight, data.origin, data.copy_index]
        if estimator.warm_start and hasattr(estimator, "net_"):
            state = estimator.net_.module_.state_dict()
            arrays += [value.detach().cpu().numpy() for value in state.values()]
        # Settings a user may well set per process: where to train, what to
        # print, the callbacks (a Checkpoint on rank 0 only).
        params = {
            key: value
            for key, value in estimator.get_params(deep=False).items()
            if key not in ("device", "verbose", "callbacks")
        }
        described = {
            **params,
            **vars(settings),
            "classes": repr(np.asarray(data.classes).tolist()),
            "n_codes": data.n_codes,
            "per_epoch": data.per_epoch,
        }
        return device, self.agree(seed, fit_fingerprint(arrays, described), device)

    def agree(self, seed: int, fingerprint: int, device: str) -> int:
        """Return rank 0's ``seed``; raise ValueError unless all fingerprints match.

        Every process must fit the same data with the same settings: the
        fingerprint (:func:`fit_fingerprint`) of each is compared, so that a
        mismatch fails every process at once instead of leaving them
        waiting for each other in the middle of training.
        """
        seed_ = torch.tensor([seed], dtype=torch.int64, device=device)
        dist.broadcast(seed_, src=0)
        lowest = torch.tensor([fingerprint], dtype=torch.int64, device=device)
        highest = lowest.clone()
        dist.all_reduce(lowest, op=dist.ReduceOp.MIN)
        dist.all_reduce(highest, op=dist.ReduceOp.MAX)
        if lowest.item() != highest.item():
            raise ValueError(
                f"The {self.world_size} processes of this data-parallel fit were "
                "given different training data or settings (process "
                f"{self.rank} of {self.world_size}). Every process must call fit "
                "with the same X, y, sample_weight and parameters; each trains "
                "on its own shard of every batch."
            )
        return int(seed_.item())


def process_world() -> ProcessWorld | None:
    """Describe the data-parallel fit that ``fit`` would run in this process.

    Returns
    -------
    world : ProcessWorld or None
        The ranks and backend when a default process group of more than one
        process is initialised; ``None`` otherwise, when ``fit`` trains in
        this process alone.

    Examples
    --------
    >>> from sklearn_charcnn.distributed import process_world
    >>> process_world() is None  # no torch.distributed process group here
    True
    """
    if not (dist.is_available() and dist.is_initialized()):
        return None
    world_size = dist.get_world_size()
    if world_size < 2:
        return None
    rank = dist.get_rank()
    default_local = rank % max(1, torch.cuda.device_count())
    return ProcessWorld(
        rank=rank,
        world_size=world_size,
        local_rank=int(os.environ.get("LOCAL_RANK", default_local)),
        backend=str(dist.get_backend()),
    )


def fit_fingerprint(arrays, settings) -> int:
    """Hash the training arrays and the plain-valued settings into an int.

    Two processes with the same fingerprint fit the same data the same way.
    Settings that are objects (the optimizer class, the schedule) are
    compared by name only, since their ``repr`` may hold a memory address.
    """
    digest = hashlib.blake2b(digest_size=7)
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype}{array.shape}".encode())
        # The array's own buffer, not a bytes copy of it: the codes may be
        # a memory-mapped file bigger than memory, hashed page by page.
        digest.update(array.reshape(-1).view(np.uint8))
    plain = {
        key: value if isinstance(value, (bool, int, float, str)) else type(value)
        for key, value in sorted(settings.items())
    }
    digest.update(repr(plain).encode())
    return int.from_bytes(digest.digest(), "little")


# ----------------------------------------------------------------- net


class _AverageTrainScores(Callback):
    """Replace each process's training scores of an epoch by their mean.

    Every process trains on its own shard, so ``train_loss`` and
    ``train_acc`` describe that shard; averaged (the shards have the same
    size), they describe the whole epoch and are the same in every process.
    Validation scores are already the same: every process validates the
    same network on the same documents.
    """

    def __init__(self, keys=(("train_loss", True), ("train_acc", False))):
        self.keys = keys

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        present = [(key, lower) for key, lower in self.keys if key in row]
        if not present:
            return
        values = torch.tensor(
            [row[key] for key, _ in present], dtype=torch.float64, device=net.device
        )
        dist.all_reduce(values)
        values = (values / dist.get_world_size()).tolist()
        for (key, lower_is_better), value in zip(present, values, strict=True):
            net.history.record(key, value)
            if f"{key}_best" in row:
                previous = [epoch[key] for epoch in net.history[:-1] if key in epoch]
                best = not previous or (
                    value < min(previous) if lower_is_better else value > max(previous)
                )
                net.history.record(f"{key}_best", best)


def _pooled_f1_micro(net, X, y):
    """Micro-F1 at probability 0.5 of the shards of all processes together.

    A skorch scoring function, like
    :func:`~sklearn_charcnn._training.f1_micro`, but the true positives,
    false positives and false negatives of this process's shard are summed
    over the processes before the F1 is computed: micro-F1 is not a mean
    of its shards' values, and every process records the same score.
    """
    predicted = (net.forward(X) > 0).cpu()
    truth = torch.as_tensor(np.asarray(y)) > 0.5
    counts = torch.stack(
        [
            (predicted & truth).sum(),
            (predicted & ~truth).sum(),
            (~predicted & truth).sum(),
        ]
    ).to(device=net.device, dtype=torch.float64)
    dist.all_reduce(counts)
    true_pos, false_pos, false_neg = counts.tolist()
    counted = 2 * true_pos + false_pos + false_neg
    return 2 * true_pos / counted if counted else 0.0


class DataParallelNet(CharCNNNet):
    """The char-CNN's skorch net, trained across the processes of a group.

    :class:`~sklearn_charcnn.CharCNNClassifier` builds it instead of its
    single-process net when :func:`process_world` finds a process group;
    it is not meant to be built by hand. Compared with that net:

    - the module's batch normalisations are synchronised across processes
      (:class:`torch.nn.SyncBatchNorm` on GPUs, :class:`CPUSyncBatchNorm`
      on the CPU), and folded once, when ``fit`` ends, as in one process;
    - each training step runs through
      :class:`~torch.nn.parallel.DistributedDataParallel`, which averages
      the gradients, so every process takes the same optimizer step and
      holds the same weights (also copied from rank 0 when training
      starts);
    - the training batches are this process's shard (the classifier passes
      ``iterator_train__rank`` and ``iterator_train__world_size``); the
      validation documents are the same in every process;
    - dropout masks come from a generator seeded with ``seed + 1 + rank``,
      so the processes draw independent masks;
    - ``train_loss`` and ``train_acc`` in the history are averaged over the
      processes at the end of every epoch; a multi-label net's
      ``train_f1_micro`` is computed from the label counts of all the
      processes' shards.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`~sklearn_charcnn._training.CharCNNNet`.
    rank : int, default=0
        This process's rank.

    Attributes
    ----------
    ddp_ : DistributedDataParallel or None
        The wrapper the training steps run through; ``None`` once training
        has ended.
    """

    def __init__(self, *args, rank=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rank = rank

    def initialize_module(self):
        """Build the module, synchronise its batch norms, wrap it for training."""
        super().initialize_module()
        device = torch.device(self.device)
        if device.type == "cuda":
            nn.SyncBatchNorm.convert_sync_batchnorm(self.module_)
            index = device.index
            device_ids = [torch.cuda.current_device() if index is None else index]
        else:
            CPUSyncBatchNorm.convert_sync_batchnorm(self.module_)
            device_ids = None
        # The statistics are synchronised by the norms themselves; the
        # wrapper need not copy rank 0's buffers at every step.
        self.ddp_ = DistributedDataParallel(
            self.module_, device_ids=device_ids, forward_sync_buffers=False
        )
        return self

    def initialize_callbacks(self):
        """Pool the training scores of the processes' shards."""
        super().initialize_callbacks()
        for index, (name, callback) in enumerate(self.callbacks_):
            if (
                isinstance(callback, EpochScoring)
                and callback.on_train
                and callback.scoring is f1_micro
            ):
                pooled = EpochScoring(
                    _pooled_f1_micro, name=name, on_train=True, lower_is_better=False
                )
                self.callbacks_[index] = (name, pooled.initialize())
        names = [name for name, _ in self.callbacks_]
        after = max(
            (names.index(key) for key in ("train_loss", "train_acc") if key in names),
            default=len(names) - 1,
        )
        self.callbacks_.insert(
            after + 1, ("average_train_scores", _AverageTrainScores().initialize())
        )
        return self

    def _dropout_seed(self) -> int:
        return super()._dropout_seed() + self.rank

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """Train across the processes, then drop the training wrapper."""
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        finally:
            self.ddp_ = None

    def infer(self, x, **fit_params):
        """Run a forward pass; training steps go through the DDP wrapper."""
        ddp = getattr(self, "ddp_", None)
        if ddp is None or not (self.module_.training and torch.is_grad_enabled()):
            return super().infer(x, **fit_params)
        # skorch knows ``module_`` and lets it be reassigned; the forward of
        # the single-process net then runs through the wrapper, which
        # prepares the averaging of this step's gradients.
        module, self.module_ = self.module_, ddp
        try:
            return super().infer(x, **fit_params)
        finally:
            self.module_ = module
