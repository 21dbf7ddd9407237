"""Documents longer than the network's input, read in windows.

A row of character codes longer than the network's input is cut into
windows of the input length with a stride; the network reads every window
and the document's logits pool the windows' logits. In training a row may
instead show the network one window drawn at random (a random crop), which
costs what a row of the input length costs.

A row's document ends at its last non-zero code: the quantizer pads with
code 0 after the document, whichever way ``reverse`` writes it. With the
paper's backward order (``reverse=True``) the window at offset 0 holds the
document's end, and the last window its first ``window`` characters: what
the paper's truncation keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

POOLS = ("mean", "mean-proba", "max")
TRAINING = ("random", "all")

# Windows per forward pass when a batch is read in full: bounds the
# activations of a batch of long documents.
_WINDOWS_PER_PASS = 512


@dataclass(frozen=True)
class Windows:
    """How a net reads rows longer than its input.

    Attributes
    ----------
    length : int
        Characters per window, the network's input length.
    stride : int
        Characters between the starts of consecutive windows.
    pool : {"mean", "mean-proba", "max"}
        How the windows' outputs become the document's: the mean of the
        logits, the mean of the probabilities, or each output's maximum.
    training : {"random", "all"}
        What a training row shows the network: one window drawn at random,
        or every window, pooled like in prediction.
    multilabel : bool
        Sigmoid outputs (per label) instead of a softmax; for ``"mean-proba"``.
    """

    length: int
    stride: int
    pool: str = "mean"
    training: str = "random"
    multilabel: bool = False


def document_lengths(codes: torch.Tensor) -> torch.Tensor:
    """Position after each row's last non-zero code (0 for an empty row)."""
    filled = codes != 0
    width = codes.shape[1]
    last = width - torch.argmax(filled.flip(1).to(torch.uint8), dim=1)
    return torch.where(filled.any(dim=1), last, torch.zeros_like(last))


def window_starts(lengths: torch.Tensor, length: int, stride: int):
    """Every window of every row: the row it belongs to and where it starts.

    A row of ``n`` characters has windows at ``0, stride, 2 * stride, ...``
    and one that ends at its last character, so that every character is
    read; a row of at most ``length`` characters has the one at 0.

    Returns
    -------
    owner, start : torch.Tensor of shape (n_windows,)
    """
    last = (lengths - length).clamp(min=0)
    counts = 1 + torch.div(last + stride - 1, stride, rounding_mode="floor")
    owner = torch.repeat_interleave(torch.arange(len(lengths)), counts.cpu())
    owner = owner.to(lengths.device)
    first = torch.cumsum(counts, 0) - counts
    index = torch.arange(len(owner), device=lengths.device) - first[owner]
    start = torch.minimum(index * stride, last[owner])
    return owner, start


def cut(codes: torch.Tensor, owner, start, length: int) -> torch.Tensor:
    """Cut the windows ``codes[owner, start:start + length]``, padded with 0."""
    if codes.shape[1] < length:
        codes = F.pad(codes, (0, length - codes.shape[1]))
    columns = start[:, None] + torch.arange(length, device=codes.device)
    return codes[owner[:, None], columns]


def random_windows(codes: torch.Tensor, length: int, generator) -> torch.Tensor:
    """One window per row, its start drawn uniformly from the row's windows."""
    last = (document_lengths(codes) - length).clamp(min=0)
    draw = torch.rand(len(codes), generator=generator, device=generator.device)
    start = (draw.to(codes.device) * (last + 1)).long().clamp(max=last)
    owner = torch.arange(len(codes), device=codes.device)
    return cut(codes, owner, start, length)


def pooled_logits(module, codes: torch.Tensor, windows: Windows) -> torch.Tensor:
    """Each row's logits, pooled from those of all its windows."""
    owner, start = window_starts(
        document_lengths(codes), windows.length, windows.stride
    )
    parts = [
        module(cut(codes, owner[i:j], start[i:j], windows.length)).float()
        for i, j in _spans(len(owner), _WINDOWS_PER_PASS)
    ]
    return pool(torch.cat(parts), owner, len(codes), windows)


def _spans(n: int, size: int):
    return ((i, min(i + size, n)) for i in range(0, n, size))


def pool(logits, owner, n_rows: int, windows: Windows) -> torch.Tensor:
    """Pool the logits of windows into those of their rows (``windows.pool``)."""
    index = owner[:, None].expand_as(logits)
    shape = (n_rows, logits.shape[1])
    if windows.pool == "max":
        out = logits.new_full(shape, float("-inf"))
        return out.scatter_reduce(0, index, logits, "amax")
    counts = torch.bincount(owner, minlength=n_rows).to(logits.dtype)[:, None]
    if windows.pool == "mean":
        return logits.new_zeros(shape).scatter_add(0, index, logits) / counts
    # The mean probability, as logits whose sigmoid (softmax) gives it back.
    proba = torch.sigmoid(logits) if windows.multilabel else logits.softmax(1)
    proba = proba.new_zeros(shape).scatter_add(0, index, proba) / counts
    proba = proba.clamp(1e-7, 1 - 1e-7) if windows.multilabel else proba
    return torch.logit(proba) if windows.multilabel else proba.clamp_min(1e-30).log()
