"""The character-level ConvNet of Zhang, Zhao & LeCun (2015), Tables 1 and 2.

This module holds the torch side only: the layer table as data, the
output-length arithmetic and :class:`CharCNNModule`. It imports neither
scikit-learn nor skorch; :class:`~sklearn_charcnn.CharCNNClassifier` trains it.

The input is the integer code matrix of
:class:`~sklearn_charcnn.CharQuantizer` (code 0 = the all-zero vector). The
first convolution is computed without building the one-hot matrix: a
convolution over one-hot vectors picks, for every kernel offset ``k``, the
weight column of the character at ``t + k``, so

``out[b, f, t] = bias[f] + sum_k weight[f, code[b, t + k], k]``,

a sum of ``kernel_size`` table look-ups (:class:`OneHotConv1d`).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "CONV_LAYERS",
    "SIZES",
    "CharCNNModule",
    "OneHotConv1d",
    "conv_output_length",
    "init_weights",
    "min_input_length",
]

CONV_LAYERS = (
    # (kernel size, max-pooling size or None), paper Table 1, layers 1-6.
    (7, 3),
    (7, 3),
    (3, None),
    (3, None),
    (3, None),
    (3, 3),
)
"""The six temporal convolutions: kernel size and pooling after each."""

SIZES = {
    # Table 1 (frame features), Table 2 (fully-connected output units) and
    # section 2.3 (Gaussian init std for the paper's recipe).
    "small": {"n_filters": 256, "fc_width": 1024, "init_std": 0.05},
    "large": {"n_filters": 1024, "fc_width": 2048, "init_std": 0.02},
}
"""The paper's two model sizes."""


def conv_output_length(input_length: int, layers=CONV_LAYERS) -> int:
    """Return the number of positions left after the convolution stack.

    Convolutions have stride 1 and no padding; pooling is non-overlapping
    (stride = size) and drops an incomplete last window, as in the paper.

    Parameters
    ----------
    input_length : int
        Number of characters per document (the paper's ``l0``).
    layers : sequence of (int, int or None), default=CONV_LAYERS
        Kernel size and pooling size of each convolution.

    Returns
    -------
    length : int
        Positions per feature map entering the first fully-connected layer;
        zero or negative when the input is too short.

    Examples
    --------
    >>> from sklearn_charcnn.network import conv_output_length
    >>> conv_output_length(1014)  # the paper's (1014 - 96) / 27
    34
    >>> conv_output_length(256)
    5
    """
    length = input_length
    for kernel, pool in layers:
        length -= kernel - 1
        if length < 1:
            return length
        if pool:
            length //= pool
    return length


def min_input_length(layers=CONV_LAYERS) -> int:
    """Return the shortest input that leaves one position after the stack.

    Parameters
    ----------
    layers : sequence of (int, int or None), default=CONV_LAYERS
        Kernel size and pooling size of each convolution.

    Returns
    -------
    length : int
        The minimum number of characters per document.

    Examples
    --------
    >>> from sklearn_charcnn.network import min_input_length
    >>> min_input_length()
    123
    """
    length = 1
    for kernel, pool in reversed(layers):
        length = length * (pool or 1) + kernel - 1
    return length


class OneHotConv1d(nn.Module):
    """A temporal convolution over one-hot characters, fed with their codes.

    Equivalent to ``nn.Conv1d(n_codes, out_channels, kernel_size)`` applied
    to the one-hot expansion of the codes, with code 0 expanded to the zero
    vector, but without materialising the one-hot matrix: each output is
    the sum of ``kernel_size`` weight columns picked by the codes, computed
    by one :func:`torch.nn.functional.embedding_bag` call.

    Parameters
    ----------
    n_codes : int
        Number of distinct codes, code 0 included (the one-hot size).
    out_channels : int
        Number of output feature maps.
    kernel_size : int
        Width of the kernel in characters.

    Attributes
    ----------
    weight : torch.nn.Parameter of shape (out_channels, n_codes, kernel_size)
        Shaped like ``nn.Conv1d``'s weight, so any init for it applies.
    bias : torch.nn.Parameter of shape (out_channels,)

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.network import OneHotConv1d
    >>> layer = OneHotConv1d(n_codes=5, out_channels=2, kernel_size=3)
    >>> layer(torch.tensor([[1, 2, 0, 4, 3]], dtype=torch.uint8)).shape
    torch.Size([1, 2, 3])
    """

    def __init__(self, n_codes: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.n_codes = n_codes
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, n_codes, kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels))
        # Code 0 is the zero vector: its weight column never contributes.
        keep = torch.ones(1, n_codes, 1)
        keep[0, 0, 0] = 0.0
        self.register_buffer("_keep", keep, persistent=False)
        self.register_buffer(
            "_offsets", torch.arange(kernel_size) * n_codes, persistent=False
        )
        # Same default init as nn.Conv1d with n_codes input channels.
        conv = nn.Conv1d(n_codes, out_channels, kernel_size)
        with torch.no_grad():
            self.weight.copy_(conv.weight)
            self.bias.copy_(conv.bias)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Convolve the one-hot expansion of ``codes``.

        Parameters
        ----------
        codes : torch.Tensor of shape (batch, length), integer dtype
            Character codes in ``[0, n_codes)``; uint8 is cast on the device.

        Returns
        -------
        out : torch.Tensor of shape (batch, out_channels, length - kernel_size + 1)
        """
        batch, length = codes.shape
        kernel = self.kernel_size
        # Row k * n_codes + c of the table is weight[:, c, k].
        table = (
            (self.weight * self._keep).permute(2, 1, 0).reshape(-1, self.out_channels)
        )
        windows = codes.long().unfold(1, kernel, 1) + self._offsets
        out = F.embedding_bag(windows.reshape(-1, kernel), table, mode="sum")
        out = out.view(batch, length - kernel + 1, self.out_channels)
        return out.transpose(1, 2) + self.bias[:, None]

    def extra_repr(self) -> str:
        """Describe the layer in the module's printout."""
        return (
            f"n_codes={self.n_codes}, out_channels={self.out_channels}, "
            f"kernel_size={self.kernel_size}"
        )


class CharCNNModule(nn.Module):
    """The paper's ConvNet: six temporal convolutions, three linear layers.

    Parameters
    ----------
    n_codes : int
        Number of distinct input codes, code 0 included (the paper's
        alphabet size ``m`` plus one).
    input_length : int
        Characters per document (the paper's ``l0``, 1014 there). Must be at
        least :func:`min_input_length` (123).
    n_classes : int
        Number of output units.
    n_filters : int, default=256
        Feature maps of every convolution (256 "small", 1024 "large").
    fc_width : int, default=1024
        Units of the two hidden fully-connected layers (1024 "small",
        2048 "large").
    dropout : float, default=0.5
        Dropout probability between the fully-connected layers.
    batch_norm : bool, default=False
        Put a :class:`torch.nn.BatchNorm1d` between every convolution and
        its ReLU. This is a training device: :meth:`fold_batch_norm` merges
        the normalisations into the convolutions afterwards, which leaves
        exactly the paper's network.

    Attributes
    ----------
    convs : torch.nn.ModuleList
        The six convolutions; the first is a :class:`OneHotConv1d`.
    norms : torch.nn.ModuleList or None
        The six batch normalisations, or ``None`` without them (also after
        :meth:`fold_batch_norm`).
    fc_input : int
        Inputs of the first fully-connected layer,
        ``n_filters * conv_output_length(input_length)``.

    Notes
    -----
    Tables 1 and 2 of Zhang, Zhao & LeCun (2015). The forward pass returns
    logits (no softmax). Weights start with PyTorch's default init; call
    :func:`init_weights` for another scheme.

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.network import CharCNNModule
    >>> net = CharCNNModule(n_codes=70, input_length=1014, n_classes=4,
    ...                     n_filters=8, fc_width=16)
    >>> net.fc_input  # 8 feature maps x 34 positions
    272
    >>> net(torch.zeros(2, 1014, dtype=torch.uint8)).shape
    torch.Size([2, 4])
    """

    def __init__(
        self,
        n_codes: int,
        input_length: int,
        n_classes: int,
        n_filters: int = 256,
        fc_width: int = 1024,
        dropout: float = 0.5,
        batch_norm: bool = False,
    ):
        super().__init__()
        length = conv_output_length(input_length)
        if length < 1:
            raise ValueError(
                f"Documents of {input_length} characters are too short for the "
                "six convolutions and three poolings of the network; the minimum "
                f"length is {min_input_length()} characters. Raise max_length of "
                "the CharQuantizer."
            )
        self.n_codes = n_codes
        self.input_length = input_length
        self.fc_input = n_filters * length
        convs = []
        for index, (kernel, _pool) in enumerate(CONV_LAYERS):
            if index == 0:
                convs.append(OneHotConv1d(n_codes, n_filters, kernel))
            else:
                convs.append(nn.Conv1d(n_filters, n_filters, kernel))
        self.convs = nn.ModuleList(convs)
        self.norms = (
            nn.ModuleList(nn.BatchNorm1d(n_filters) for _ in CONV_LAYERS)
            if batch_norm
            else None
        )
        self.pools = [pool for _kernel, pool in CONV_LAYERS]
        self.classifier = nn.Sequential(
            nn.Linear(self.fc_input, fc_width),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(fc_width, fc_width),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(fc_width, n_classes),
        )

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Return the class logits of a batch of code rows.

        Parameters
        ----------
        codes : torch.Tensor of shape (batch, input_length), integer dtype

        Returns
        -------
        logits : torch.Tensor of shape (batch, n_classes)
        """
        x = codes
        for index, (conv, pool) in enumerate(zip(self.convs, self.pools, strict=True)):
            x = conv(x)
            if self.norms is not None:
                x = self.norms[index](x)
            x = F.relu(x)
            if pool:
                x = F.max_pool1d(x, pool)
        return self.classifier(x.flatten(1))

    @torch.no_grad()
    def fold_batch_norm(self) -> CharCNNModule:
        """Merge the batch normalisations into the convolutions, in place.

        In evaluation mode a batch normalisation is the per-channel affine
        map ``gamma * (x - mean) / sqrt(var + eps) + beta`` of the
        convolution output, so it is absorbed by scaling each output
        channel's weights and shifting its bias. Afterwards the network is
        the plain one of the paper (``norms`` is ``None``) and computes
        what the normalised network computed in evaluation mode. Without
        normalisations this does nothing.

        Returns
        -------
        self : CharCNNModule
            The same network, for chaining.

        Examples
        --------
        >>> import torch
        >>> from sklearn_charcnn.network import CharCNNModule
        >>> net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8,
        ...                     batch_norm=True).eval()
        >>> codes = torch.randint(0, 70, (3, 123))
        >>> before = net(codes)
        >>> torch.allclose(before, net.fold_batch_norm()(codes), atol=1e-6)
        True
        >>> net.norms is None
        True
        """
        if self.norms is None:
            return self
        for conv, norm in zip(self.convs, self.norms, strict=True):
            # The norms are built affine (gamma, beta) with running statistics.
            scale = norm.weight * norm.running_var.add(norm.eps).rsqrt()
            shift = norm.bias - norm.running_mean * scale
            conv.weight.mul_(scale.view(-1, 1, 1))
            conv.bias.copy_(conv.bias * scale + shift)
        self.norms = None
        return self


def init_weights(module: nn.Module, scheme: str = "default", std: float = 0.05):
    """Initialise the weights of a :class:`CharCNNModule` in place.

    Parameters
    ----------
    module : CharCNNModule
        The network.
    scheme : {"default", "paper"}, default="default"
        ``"paper"``: every weight from N(0, ``std``) and zero biases, as in
        section 2.3 of the paper (std 0.05 small, 0.02 large).
        ``"default"``: PyTorch's default init of ``nn.Conv1d`` and
        ``nn.Linear`` (uniform, scaled by the fan-in; the first layer as a
        convolution over ``n_codes`` one-hot channels), except the output
        layer: N(0, 0.01) weights and zero biases.
    std : float, default=0.05
        Standard deviation for ``scheme="paper"``.

    Returns
    -------
    module : CharCNNModule
        The same network, for chaining.

    Notes
    -----
    The small output layer gives every class about the same probability at
    the start (initial loss near ``log(n_classes)``). Without batch
    normalisation, on a 6,080-document AG News split with AdamW, He
    (Kaiming) normal init stalled at chance for most of 8 epochs, and so
    did the default init with zero biases; the default init learned, but
    not reliably. The classifier's default recipe therefore trains with
    batch normalisation (:meth:`CharCNNModule.fold_batch_norm`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.network import CharCNNModule, init_weights
    >>> net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    >>> _ = init_weights(net, "paper", std=0.05)
    >>> float(net.convs[0].bias.detach().abs().sum())
    0.0
    """
    if scheme not in ("default", "paper"):
        raise ValueError(f"Unknown init scheme {scheme!r}; use 'default' or 'paper'.")
    layers = [
        m
        for m in module.modules()
        if isinstance(m, (OneHotConv1d, nn.Conv1d, nn.Linear))
    ]
    with torch.no_grad():
        if scheme == "paper":
            for layer in layers:
                layer.weight.normal_(0.0, std)
                layer.bias.zero_()
        else:
            # The layers were built with PyTorch's default init; only the
            # output layer changes.
            layers[-1].weight.normal_(0.0, 0.01)
            layers[-1].bias.zero_()
    return module
