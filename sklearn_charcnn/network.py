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

Every other layer is PyTorch's own (``nn.Conv1d``, ``nn.BatchNorm1d``,
``max_pool1d``), in the (batch, channels, length) layout its CPU (oneDNN) and
CUDA (cuDNN) kernels are built for. Max-pooling comes before the ReLU, with
which it commutes.
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
        return _one_hot_conv(codes, self.weight, self.bias).transpose(1, 2)

    def extra_repr(self) -> str:
        """Describe the layer in the module's printout."""
        return (
            f"n_codes={self.n_codes}, out_channels={self.out_channels}, "
            f"kernel_size={self.kernel_size}"
        )


def _one_hot_conv(
    codes: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """Return ``OneHotConv1d``'s output as (batch, length, out)."""
    out_channels, n_codes, kernel = weight.shape
    batch, length = codes.shape
    # Code 0 is the zero vector: its weight column is replaced by zeros.
    # Row k * n_codes + c of the table is weight[:, c, k], plus the bias for
    # k = 0: every window reads exactly one row of each offset, so the bias
    # costs no pass over the output.
    table = F.pad(weight[:, 1:], (0, 0, 1, 0)).permute(2, 1, 0)
    table = torch.cat([table[:1] + bias, table[1:]]).reshape(-1, out_channels)
    offsets = torch.arange(0, kernel * n_codes, n_codes, device=codes.device)
    windows = codes.long().unfold(1, kernel, 1) + offsets
    out = F.embedding_bag(windows.reshape(-1, kernel), table, mode="sum")
    return out.view(batch, length - kernel + 1, out_channels)


def _dropout(x: torch.Tensor, p: float, generator: torch.Generator) -> torch.Tensor:
    """Inverted dropout whose mask is drawn from ``generator``.

    The semantics of :class:`torch.nn.Dropout` in training mode: each element
    is zeroed with probability ``p`` and the others are scaled by
    ``1 / (1 - p)``.
    """
    if generator.device.type != x.device.type:
        raise ValueError(
            f"The dropout generator is on {generator.device}, but the network "
            f"runs on {x.device}; create the generator on the network's device."
        )
    if p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    keep = torch.empty_like(x).bernoulli_(1.0 - p, generator=generator)
    return x * keep.div_(1.0 - p)


class CharCNNModule(nn.Module):
    """The paper's ConvNet: six temporal convolutions, three linear layers.

    Parameters
    ----------
    n_codes : int
        Number of distinct input codes, code 0 included (the paper's
        alphabet size ``m`` plus one).
    input_length : int
        Characters per document (the paper's ``l0``, 1014 there). A length
        below :func:`min_input_length` (123) builds the network for 123
        characters; shorter rows are zero-padded in :meth:`forward`.
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
    input_length : int
        Characters per row the network is built for:
        ``max(input_length, min_input_length())``.
    convs : torch.nn.ModuleList
        The six convolutions; the first is a :class:`OneHotConv1d`.
    norms : torch.nn.ModuleList or None
        The six batch normalisations, or ``None`` without them (also after
        :meth:`fold_batch_norm`).
    fc_input : int
        Inputs of the first fully-connected layer,
        ``n_filters * conv_output_length(input_length)``.
    generator : torch.Generator or None
        Where the dropout masks come from in training mode: ``None`` (the
        default) uses the global random number generator, like
        :class:`torch.nn.Dropout`; a generator on the network's device makes
        training reproducible without touching the global one. It is
        fit-time state: never pickled (it reads ``None`` after unpickling)
        and not part of the ``state_dict``.

    Notes
    -----
    Tables 1 and 2 of Zhang, Zhao & LeCun (2015). The forward pass returns
    logits (no softmax). Weights start with PyTorch's default init; call
    :func:`init_weights` for another scheme, or with a
    :class:`torch.Generator` to draw every weight from it.

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

    Rows shorter than the network are padded with code 0 at the end:

    >>> short = CharCNNModule(n_codes=70, input_length=20, n_classes=2,
    ...                       n_filters=4, fc_width=8)
    >>> short.input_length
    123
    >>> short(torch.ones(3, 20, dtype=torch.uint8)).shape
    torch.Size([3, 2])
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
        if input_length < 1:
            raise ValueError(
                f"input_length must be a positive number of characters; got "
                f"{input_length}."
            )
        # Shorter documents are padded up to the shortest length the six
        # convolutions and three poolings accept.
        input_length = max(input_length, min_input_length())
        self.n_codes = n_codes
        self.input_length = input_length
        self.n_filters = n_filters
        self.fc_input = n_filters * conv_output_length(input_length)
        self.generator = None
        convs = []
        for index, (kernel, _pool) in enumerate(CONV_LAYERS):
            if index == 0:
                convs.append(OneHotConv1d(n_codes, n_filters, kernel))
            else:
                convs.append(nn.Conv1d(n_filters, n_filters, kernel))
        self.convs = nn.ModuleList(convs)
        self.norms = self._build_norms() if batch_norm else None
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

    def _build_norms(self) -> nn.ModuleList:
        reference = self.convs[0].weight
        return nn.ModuleList(
            nn.BatchNorm1d(
                self.n_filters, device=reference.device, dtype=reference.dtype
            )
            for _ in CONV_LAYERS
        )

    def __getstate__(self):
        """Pickle everything but the dropout generator (fit-time state)."""
        state = super().__getstate__()
        state["generator"] = None
        return state

    def _pad(self, codes: torch.Tensor) -> torch.Tensor:
        if codes.dim() != 2:
            raise ValueError(
                "Expected a 2-D tensor of character codes (batch, length); got "
                f"shape {tuple(codes.shape)}."
            )
        length = codes.shape[1]
        if length > self.input_length:
            raise ValueError(
                f"Got rows of {length} character codes, but this network was "
                f"built for at most {self.input_length}."
            )
        if length < self.input_length:
            # Code 0 at the end, as the quantizer pads: position 0 holds the
            # first code read (the last character with reverse=True).
            codes = F.pad(codes, (0, self.input_length - length))
        return codes

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Return the class logits of a batch of code rows.

        Parameters
        ----------
        codes : torch.Tensor of shape (batch, length), integer dtype
            Rows of at most ``input_length`` codes; shorter rows are padded
            with code 0 at the end.

        Returns
        -------
        logits : torch.Tensor of shape (batch, n_classes)
        """
        return self._classify(self._features(self._pad(codes)))

    def _features(self, codes: torch.Tensor) -> torch.Tensor:
        """Compute the six convolutions, (batch, channels, length) layout."""
        x = codes
        for index, (conv, pool) in enumerate(zip(self.convs, self.pools, strict=True)):
            x = conv(x)
            if self.norms is not None:
                x = self.norms[index](x)
            if pool:
                # relu(max(.)) == max(relu(.)): pooling first leaves the
                # ReLU a third of the values.
                x = F.max_pool1d(x, pool)
            x = F.relu(x)
        # The paper's flattening order: feature map by feature map.
        return x.flatten(1)

    def _classify(self, x: torch.Tensor) -> torch.Tensor:
        generator = self.generator
        if generator is None or not self.training:
            return self.classifier(x)
        for layer in self.classifier:
            if isinstance(layer, nn.Dropout):
                x = _dropout(x, layer.p, generator)
            else:
                x = layer(x)
        return x

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Load weights; a checkpoint with batch normalisations is folded.

        A state dict written during training with ``batch_norm=True`` holds
        ``norms.*`` entries. Loaded into a network without normalisations
        (for example a fitted one, whose norms were folded), it is loaded
        into freshly built normalisations which are then folded with
        :meth:`fold_batch_norm`: the network computes what the checkpointed
        one computed in evaluation mode.

        Parameters
        ----------
        state_dict : mapping of str to torch.Tensor
            As returned by :meth:`state_dict`.
        strict : bool, default=True
            Refuse missing and unexpected keys, and tensors of the wrong
            shape. The check runs before anything is copied, so a refused
            state dict leaves the network unchanged.
        assign : bool, default=False
            As in :meth:`torch.nn.Module.load_state_dict`.

        Returns
        -------
        result : NamedTuple with ``missing_keys`` and ``unexpected_keys``

        Raises
        ------
        RuntimeError
            With ``strict=True``, when keys are missing or unexpected or a
            tensor's shape differs; the message names them.

        Examples
        --------
        >>> import torch
        >>> from sklearn_charcnn.network import CharCNNModule
        >>> training = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8,
        ...                          batch_norm=True).eval()
        >>> fitted = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8).eval()
        >>> _ = fitted.load_state_dict(training.state_dict())
        >>> fitted.norms is None
        True
        >>> codes = torch.randint(0, 70, (3, 123))
        >>> torch.allclose(fitted(codes), training(codes), atol=1e-6)
        True
        """
        fold = self.norms is None and any(
            key.startswith("norms.") for key in state_dict
        )
        if fold:
            self.norms = self._build_norms()
        try:
            if strict:
                self._check_state_dict(state_dict)
            result = super().load_state_dict(state_dict, strict=strict, assign=assign)
        except BaseException:
            if fold:
                self.norms = None
            raise
        if fold:
            self.fold_batch_norm()
        return result

    def _check_state_dict(self, state_dict) -> None:
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        wrong_shape = [
            f"{key} {tuple(value.shape)} (network: {tuple(own[key].shape)})"
            for key, value in state_dict.items()
            if key in own and tuple(value.shape) != tuple(own[key].shape)
        ]
        problems = []
        if missing:
            problems.append(f"missing keys {missing}")
        if unexpected:
            problems.append(f"unexpected keys {unexpected}")
        if wrong_shape:
            problems.append(f"tensors of another shape: {', '.join(wrong_shape)}")
        if problems:
            hint = ""
            if self.norms is not None and any(k.startswith("norms.") for k in missing):
                hint = (
                    " The state dict holds a network without batch "
                    "normalisation; build this one with batch_norm=False."
                )
            raise RuntimeError(
                "The state dict does not fit this CharCNNModule: "
                + "; ".join(problems)
                + "."
                + hint
            )

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


def _draw(param: torch.Tensor, sample, generator: torch.Generator) -> None:
    """Fill ``param`` with values drawn on the CPU from ``generator``.

    Drawing into a CPU tensor and copying makes the weights depend on the
    seed only, not on the device the network lives on.
    """
    values = torch.empty(param.shape, dtype=param.dtype)
    sample(values, generator)
    param.copy_(values)


def init_weights(
    module: nn.Module,
    scheme: str = "default",
    std: float = 0.05,
    generator: torch.Generator | None = None,
):
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
    generator : torch.Generator or None, default=None
        A CPU generator. When given, every parameter is drawn from it (for
        ``"default"``, the distributions of PyTorch's default init), batch
        normalisations are reset (weight 1, bias 0, fresh running
        statistics), and the global random number generator is left
        untouched. The values are drawn on the CPU and copied, so a seed
        gives the same weights on every device. When ``None``, ``"default"``
        keeps the weights the layers were built with and both schemes draw
        from the global generator.

    Returns
    -------
    module : CharCNNModule
        The same network, for chaining.

    Notes
    -----
    The small output layer gives every class about the same probability at
    the start (initial loss near ``log(n_classes)``). On small data sets
    neither scheme trains reliably without batch normalisation, which the
    classifier's default recipe therefore adds during training
    (:meth:`CharCNNModule.fold_batch_norm`); the user guide page "Training
    on CPU and GPU" says why.

    A network built under ``torch.device("meta")``, moved with
    ``to_empty(device=...)`` and initialised with a generator never draws
    from the global generator at all.

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.network import CharCNNModule, init_weights
    >>> net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    >>> _ = init_weights(net, "paper", std=0.05)
    >>> float(net.convs[0].bias.detach().abs().sum())
    0.0

    The same seed gives the same network:

    >>> other = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    >>> _ = init_weights(net, generator=torch.Generator().manual_seed(0))
    >>> _ = init_weights(other, generator=torch.Generator().manual_seed(0))
    >>> torch.equal(net.convs[1].weight, other.convs[1].weight)
    True
    """
    if scheme not in ("default", "paper"):
        raise ValueError(f"Unknown init scheme {scheme!r}; use 'default' or 'paper'.")
    if generator is not None and (
        not isinstance(generator, torch.Generator) or generator.device.type != "cpu"
    ):
        raise ValueError(
            "generator must be a CPU torch.Generator (the weights are drawn on "
            f"the CPU and copied to the network's device); got {generator!r}."
        )
    layers = [
        m
        for m in module.modules()
        if isinstance(m, (OneHotConv1d, nn.Conv1d, nn.Linear))
    ]
    with torch.no_grad():
        if generator is None:
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

        for index, layer in enumerate(layers):
            if scheme == "paper" or index == len(layers) - 1:
                layer_std = std if scheme == "paper" else 0.01
                _draw(
                    layer.weight,
                    lambda t, g, s=layer_std: t.normal_(0.0, s, generator=g),
                    generator,
                )
                layer.bias.zero_()
                continue
            # PyTorch's reset_parameters: kaiming_uniform_(a=sqrt(5)) is
            # uniform(+-1/sqrt(fan_in)), and so is the bias.
            fan_in = layer.weight[0].numel()
            bound = fan_in**-0.5
            for param in (layer.weight, layer.bias):
                _draw(
                    param,
                    lambda t, g, b=bound: t.uniform_(-b, b, generator=g),
                    generator,
                )
        for norm in module.modules():
            if isinstance(norm, nn.modules.batchnorm._BatchNorm):
                norm.reset_parameters()
    return module
