"""Export a fitted char-CNN pipeline for serving outside scikit-learn.

A fitted ``make_pipeline(CharQuantizer(...), CharCNNClassifier(...))`` is
two things at serving time: a text-to-codes step and a network. They travel
separately:

- the **network** becomes an ONNX file (:func:`export_onnx`, run it with
  onnxruntime) or a ``torch.export`` program (:func:`export_torch`, a
  ``.pt2`` file loaded with :func:`torch.export.load`). The graph takes a
  batch of code rows, ``codes`` of shape ``(batch, max_length)``, and
  returns ``probabilities`` of shape ``(batch, n_classes)``, columns in the
  order of ``classes_`` (for a multi-label classifier, each label's own
  probability, the sigmoid of its logit);
- the **quantizer** becomes a preprocessing spec, a small JSON document
  (:func:`preprocessing_spec`) written beside the model file and stored in
  it too (ONNX metadata, ``.pt2`` extra file). :func:`encode` is a
  reference implementation of the spec in pure Python and numpy, short
  enough to copy into a server that does not install this package.

Why the quantizer stays outside the graph: ONNX has no standard operator
that splits a string into characters or looks code points up in a table
(only onnxruntime-extensions has string kernels), so a graph holding the
quantizer would not run on a plain onnxruntime, nor in other ONNX runtimes.
The spec is a few hundred bytes of JSON and any language can implement it.

The module also gives :func:`skops_trusted_types`, the types a fitted
pipeline of this package needs when loaded with ``skops.io.load``.

onnx and onnxruntime are optional (``pip install sklearn-charcnn[export]``)
and imported only by the functions that need them.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch.nn import functional as F

__all__ = [
    "SPEC_FORMAT",
    "PortableCharCNN",
    "encode",
    "export_onnx",
    "export_torch",
    "load_spec",
    "preprocessing_spec",
    "skops_trusted_types",
]

SPEC_FORMAT = "sklearn-charcnn-preprocessing"
"""Value of the ``"format"`` key of every preprocessing spec."""

_SPEC_VERSION = 1
_METADATA_KEY = "sklearn_charcnn.preprocessing"
_INPUT_NAME = "codes"
_OUTPUT_NAME = "probabilities"


# ---------------------------------------------------------------- pipeline


def _split_pipeline(pipeline):
    """Return the fitted (quantizer, classifier) of ``pipeline``, or raise."""
    from sklearn_charcnn.augmenter import ThesaurusAugmenter
    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    if not isinstance(pipeline, Pipeline):
        raise TypeError(
            "Expected a fitted Pipeline ending with CharQuantizer and "
            "CharCNNClassifier, e.g. make_pipeline(CharQuantizer(), "
            f"CharCNNClassifier()); got {type(pipeline).__name__}."
        )
    steps = [step for _name, step in pipeline.steps]
    if (
        len(steps) < 2
        or not isinstance(steps[-1], CharCNNClassifier)
        or not isinstance(steps[-2], CharQuantizer)
    ):
        names = [type(step).__name__ for step in steps]
        raise ValueError(
            "Only a pipeline whose last two steps are CharQuantizer and "
            f"CharCNNClassifier can be exported; got the steps {names}."
        )
    for step in steps[:-2]:
        # The augmenter's transform returns documents unchanged, so it has
        # no part in serving; any other step would have to be exported too.
        if not (
            step is None
            or step == "passthrough"
            or isinstance(step, ThesaurusAugmenter)
        ):
            raise ValueError(
                f"The step {type(step).__name__} before CharQuantizer changes "
                "the documents at prediction time and cannot be exported; only "
                "ThesaurusAugmenter (which predicts on documents unchanged) may "
                "precede the quantizer."
            )
    quantizer, classifier = steps[-2], steps[-1]
    check_is_fitted(quantizer, "alphabet_")
    check_is_fitted(classifier, "net_")
    if classifier.window_length is not None:
        raise ValueError(
            f"This classifier reads documents in windows (window_length="
            f"{classifier.window_length}), and the pooling of windows is not "
            "exported: an exported network would read one window only. Predict "
            "with the fitted pipeline itself (pickle or skops)."
        )
    return quantizer, classifier


# -------------------------------------------------------- preprocessing spec


def preprocessing_spec(model) -> dict:
    """Describe the fitted quantizer of a pipeline as a JSON-ready dict.

    The spec holds everything needed to turn a document into the code row
    the exported network reads, and the labels of its output columns.

    Parameters
    ----------
    model : Pipeline or CharQuantizer
        A fitted pipeline whose last two steps are
        :class:`~sklearn_charcnn.CharQuantizer` and
        :class:`~sklearn_charcnn.CharCNNClassifier`, or a fitted quantizer
        alone (the spec then has no ``"classes"``, and its ``"dtype"``
        follows the quantizer's number of codes).

    Returns
    -------
    spec : dict
        With the keys:

        - ``"format"``: ``"sklearn-charcnn-preprocessing"``; ``"version"``: 1;
        - ``"unit"``: ``"char"`` (one position per character) or ``"byte"``
          (one position per UTF-8 byte, the quantizer's ``alphabet="bytes"``);
        - ``"alphabet"``: for ``"char"``, the alphabet in code order (character
          ``i`` has code ``i + 1``); ``null`` for ``"byte"`` (byte ``b`` has
          code ``b``);
        - ``"max_length"``: positions per row; ``"lowercase"``: apply
          ``str.lower`` first; ``"reverse"``: write the kept positions
          backwards (the last one kept at position 0);
        - ``"dtype"``: the input type of the exported graph (``"uint8"``, or
          ``"int64"`` for networks with more than 256 codes);
        - ``"input_name"``, ``"output_name"``: the graph's tensor names;
        - ``"classes"``: the labels of the output columns, in order;
        - ``"multilabel"``: ``true`` when the columns are independent label
          probabilities (a sigmoid per label; a label applies when its
          probability exceeds 0.5, or the classifier's ``thresholds_``),
          ``false`` when they are class probabilities (a softmax).

    See Also
    --------
    encode : The reference implementation of the spec.
    export_onnx, export_torch : Write the spec beside the exported network.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_charcnn import CharCNNClassifier, CharQuantizer
    >>> from sklearn_charcnn.export import preprocessing_spec
    >>> model = make_pipeline(
    ...     CharQuantizer(max_length=128),
    ...     CharCNNClassifier(n_filters=4, fc_width=8, max_epochs=1,
    ...                       validation_fraction=0, device="cpu", random_state=0),
    ... ).fit(["good film", "bad film"] * 4, ["pos", "neg"] * 4)
    >>> spec = preprocessing_spec(model)
    >>> spec["max_length"], spec["reverse"], spec["classes"]
    (128, True, ['neg', 'pos'])
    """
    from sklearn_charcnn.quantizer import CharQuantizer

    if isinstance(model, CharQuantizer):
        quantizer, classifier = model, None
        check_is_fitted(quantizer, "alphabet_")
        n_codes = quantizer.n_codes_
    else:
        quantizer, classifier = _split_pipeline(model)
        n_codes = _network(classifier).convs[0].weight.shape[1]
    alphabet = quantizer.alphabet_
    byte_unit = isinstance(alphabet, bytes)
    spec = {
        "format": SPEC_FORMAT,
        "version": _SPEC_VERSION,
        "unit": "byte" if byte_unit else "char",
        "alphabet": None if byte_unit else alphabet,
        "max_length": int(quantizer.max_length),
        "lowercase": bool(quantizer.lowercase_),
        "reverse": bool(quantizer.reverse),
        "dtype": "uint8" if n_codes <= 256 else "int64",
        "input_name": _INPUT_NAME,
        "output_name": _OUTPUT_NAME,
    }
    if classifier is not None:
        spec["classes"] = np.asarray(classifier.classes_).tolist()
        spec["multilabel"] = _is_multilabel(classifier)
    return spec


def load_spec(path) -> dict:
    """Read a preprocessing spec written by :func:`export_onnx` or :func:`export_torch`.

    Parameters
    ----------
    path : str or path-like
        The ``.preprocessing.json`` file.

    Returns
    -------
    spec : dict
        The spec, checked to be one this version can read.
    """
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    _check_spec(spec)
    return spec


def _check_spec(spec):
    if not isinstance(spec, dict) or spec.get("format") != SPEC_FORMAT:
        raise ValueError(
            f"Not a sklearn-charcnn preprocessing spec: expected a dict with "
            f"'format': {SPEC_FORMAT!r}."
        )
    if spec.get("version") != _SPEC_VERSION:
        raise ValueError(
            f"Preprocessing spec version {spec.get('version')!r} is not supported; "
            f"this version reads version {_SPEC_VERSION}."
        )


def encode(documents, spec) -> np.ndarray:
    """Turn documents into code rows as a preprocessing spec says.

    A reference implementation in pure Python and numpy, meant to be read
    and copied into a serving process; it gives the same rows as the
    pipeline's :class:`~sklearn_charcnn.CharQuantizer` (tested), at a
    fraction of its speed.

    Parameters
    ----------
    documents : list of str
        Raw documents.
    spec : dict
        A spec from :func:`preprocessing_spec` or :func:`load_spec`.

    Returns
    -------
    codes : ndarray of shape (len(documents), spec["max_length"])
        Of dtype ``spec["dtype"]``, ready to feed to the exported graph as
        ``spec["input_name"]``.

    Examples
    --------
    >>> from sklearn_charcnn.export import encode
    >>> spec = {"format": "sklearn-charcnn-preprocessing", "version": 1,
    ...         "unit": "char", "alphabet": "abc", "max_length": 5,
    ...         "lowercase": True, "reverse": True, "dtype": "uint8"}
    >>> encode(["Abc", "ca b!"], spec)
    array([[3, 2, 1, 0, 0],
           [0, 2, 0, 1, 3]], dtype=uint8)
    """
    _check_spec(spec)
    length = spec["max_length"]
    out = np.zeros((len(documents), length), dtype=spec["dtype"])
    table = None
    if spec["unit"] == "char":
        table = {char: code for code, char in enumerate(spec["alphabet"], 1)}
    for row, document in enumerate(documents):
        kept = document[:length]
        if spec["lowercase"]:
            kept = kept.lower()
        if table is not None:
            codes = [table.get(char, 0) for char in kept[:length]]
        else:
            # UTF-8 bytes; a lone surrogate (not encodable) is one NUL byte.
            text = "".join(
                "\0" if 0xD800 <= ord(char) <= 0xDFFF else char for char in kept
            )
            codes = list(text.encode("utf-8")[:length])
        if spec["reverse"]:
            codes.reverse()
        out[row, : len(codes)] = codes
    return out


# ----------------------------------------------------------------- network


def _network(classifier):
    return classifier.net_.module_


def _is_multilabel(classifier) -> bool:
    return bool(getattr(classifier, "_multilabel", False))


class PortableCharCNN(nn.Module):
    """A fitted char-CNN in plain torch operations, for export and inspection.

    Computes what the fitted :class:`~sklearn_charcnn.network.CharCNNModule`
    computes in evaluation mode, with operators every exporter knows: the
    first convolution, over one-hot characters, is one table look-up of
    the ``kernel_size`` codes of each window and a sum (``Gather`` and
    ``ReduceSum`` in ONNX) rather than an ``embedding_bag``; the other
    convolutions are matrix products over channels-last rows, then
    ``ReLU``, max-pooling and ``Linear`` layers. :meth:`forward_one_hot`
    computes the same from one-hot input, with ``conv1d``. Training-time
    batch normalisations, if still present, are folded into a copy; the
    fitted network is not changed.

    Parameters
    ----------
    module : CharCNNModule
        The fitted network, ``classifier.net_.module_``.
    probabilities : bool, default=True
        End with a softmax (class probabilities), or a sigmoid with
        ``multilabel``, or return the logits.
    multilabel : bool, default=False
        The network has one output per label of a multi-label target:
        probabilities are a sigmoid of every logit.

    Attributes
    ----------
    n_codes : int
        Number of input codes (the one-hot size).
    input_length : int
        Positions per row the network reads; shorter rows are padded with
        code 0 at the end, as the network does.

    Examples
    --------
    >>> import torch
    >>> from sklearn_charcnn.export import PortableCharCNN
    >>> from sklearn_charcnn.network import CharCNNModule
    >>> net = CharCNNModule(70, 123, 3, n_filters=4, fc_width=8).eval()
    >>> codes = torch.randint(0, 70, (2, 123))
    >>> portable = PortableCharCNN(net, probabilities=False)
    >>> torch.allclose(portable(codes), net(codes), atol=1e-5)
    True
    """

    def __init__(self, module, probabilities: bool = True, multilabel: bool = False):
        super().__init__()
        module = copy.deepcopy(module).cpu().eval().fold_batch_norm()
        first = module.convs[0]
        weight = first.weight.detach().clone()  # (out, n_codes, kernel)
        weight[:, 0] = 0.0  # code 0 is the all-zero one-hot vector
        self.n_codes = int(weight.shape[1])
        self.kernel_size = int(weight.shape[2])
        self.input_length = int(module.input_length)
        # One-hot convolution weight, and the same as look-up tables
        # (kernel, n_codes, out): row c of table k is weight[:, c, k].
        self.register_buffer("one_hot_weight", weight)
        self.register_buffer("tables", weight.permute(2, 1, 0).contiguous())
        self.register_buffer("first_bias", first.bias.detach().clone())
        self.convs = nn.ModuleList(copy.deepcopy(list(module.convs)[1:]))
        # The same convolutions as (kernel, in, out) matrices, for the
        # channels-last form of forward().
        self.n_convs = len(self.convs)
        for index, conv in enumerate(self.convs):
            self.register_buffer(
                f"columns_{index}", conv.weight.detach().permute(2, 1, 0).contiguous()
            )
        self.pools = list(module.pools)
        self.classifier = copy.deepcopy(module.classifier)
        self.probabilities = probabilities
        self.multilabel = multilabel
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self.eval()

    def _pad(self, codes):
        missing = self.input_length - codes.shape[1]
        return F.pad(codes, (0, missing)) if missing > 0 else codes

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Return probabilities (or logits) for a batch of code rows.

        Parameters
        ----------
        codes : torch.Tensor of shape (batch, length), integer dtype
            Code rows, ``length <= input_length``.

        Returns
        -------
        out : torch.Tensor of shape (batch, n_classes)
        """
        # Channels-last rows (batch, length, channels) throughout: each
        # convolution is kernel_size matrix products over the whole batch,
        # which onnxruntime runs faster than its Conv1d on these short
        # sequences.
        codes = self._pad(codes).long()
        kernel, n_codes = self.kernel_size, self.n_codes
        n_out = codes.shape[1] - kernel + 1
        # Row k * n_codes + c of the flat table is the weight of code c at
        # offset k: one gather and one sum give the first convolution.
        windows = torch.stack(
            [codes[:, k : k + n_out] + k * n_codes for k in range(kernel)], dim=2
        )
        table = self.tables.reshape(kernel * n_codes, -1)
        x = table[windows].sum(dim=2) + self.first_bias
        # relu(max(.)) == max(relu(.)): pool first, as the network does.
        x = F.relu(_max_pool_rows(x, self.pools[0]))
        for index, conv in enumerate(self.convs):
            columns = getattr(self, f"columns_{index}")
            n_out = x.shape[1] - columns.shape[0] + 1
            y = x[:, :n_out] @ columns[0]
            for k in range(1, columns.shape[0]):
                y = y + x[:, k : k + n_out] @ columns[k]
            x = F.relu(_max_pool_rows(y + conv.bias, self.pools[index + 1]))
        # The paper's flattening order: feature map by feature map.
        return self._head(x.transpose(1, 2).flatten(1))

    def forward_one_hot(self, one_hot: torch.Tensor) -> torch.Tensor:
        """Return probabilities (or logits) for one-hot rows.

        The paper's form of the input: a float tensor whose column ``t``
        is the one-hot vector of the character at position ``t``. With
        exact one-hot input this equals :meth:`forward` of the codes; it is
        differentiable in the input, which attribution methods need.

        Parameters
        ----------
        one_hot : torch.Tensor of shape (batch, n_codes, input_length)
            Float one-hot rows (code 0 may be all zeros or set: its
            weights are zero).

        Returns
        -------
        out : torch.Tensor of shape (batch, n_classes)
        """
        x = F.conv1d(one_hot, self.one_hot_weight, self.first_bias)
        return self._rest(x)

    def _rest(self, x):
        x = F.relu(x)
        if self.pools[0]:
            x = F.max_pool1d(x, self.pools[0])
        for conv, pool in zip(self.convs, self.pools[1:], strict=True):
            x = F.relu(conv(x))
            if pool:
                x = F.max_pool1d(x, pool)
        return self._head(x.flatten(1))

    def _head(self, features):
        logits = self.classifier(features)
        if not self.probabilities:
            return logits
        return (
            torch.sigmoid(logits) if self.multilabel else torch.softmax(logits, dim=1)
        )


def _max_pool_rows(x, pool):
    """Max-pool channels-last rows (batch, length, channels) over the length."""
    if not pool:
        return x
    batch, length, channels = x.shape
    kept = length // pool * pool  # an incomplete last window is dropped
    return x[:, :kept].reshape(batch, length // pool, pool, channels).amax(dim=2)


def _example_input(spec):
    dtype = torch.uint8 if spec["dtype"] == "uint8" else torch.int64
    # Two rows: a batch dimension of 1 could be specialised by the tracer.
    return torch.zeros(2, spec["max_length"], dtype=dtype)


def _spec_path(path: Path) -> Path:
    return path.with_name(path.stem + ".preprocessing.json")


def _write_spec(spec, path: Path) -> Path:
    spec_path = _spec_path(path)
    spec_path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    return spec_path


def export_onnx(pipeline, path, *, opset_version: int = 18) -> dict:
    """Export a fitted pipeline's network to ONNX, and its spec beside it.

    Writes ``path`` (the ONNX model) and ``<stem>.preprocessing.json``
    (the spec of :func:`preprocessing_spec`) in the same folder; the spec
    is also stored in the model's metadata under
    ``"sklearn_charcnn.preprocessing"``.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted ``make_pipeline(CharQuantizer(...), CharCNNClassifier(...))``.
    path : str or path-like
        Where to write the model, e.g. ``"model.onnx"``.
    opset_version : int, default=18
        ONNX operator set.

    Returns
    -------
    spec : dict
        The preprocessing spec written beside the model.

    Notes
    -----
    The graph has one input, ``codes`` (``uint8``, shape
    ``(batch, max_length)``, the batch size free), and one output,
    ``probabilities`` (``float32``, shape ``(batch, n_classes)``, columns
    in the order of ``classes_``; for a multi-label classifier the sigmoid
    of every label's logit, see the spec's ``"multilabel"``). It is
    exported with PyTorch's TorchScript-based exporter from
    :class:`PortableCharCNN`, which needs the ``onnx`` package but not
    ``onnxscript``.

    Examples
    --------
    A server needs onnxruntime, the two files and :func:`encode`:

    .. code-block:: python

        import onnxruntime
        from sklearn_charcnn.export import encode, export_onnx, load_spec

        export_onnx(model, "model.onnx")  # and model.preprocessing.json
        # --- in the server ---
        spec = load_spec("model.preprocessing.json")
        session = onnxruntime.InferenceSession("model.onnx")
        (proba,) = session.run(None, {"codes": encode(texts, spec)})
    """
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            "Exporting to ONNX needs the onnx package. Install it with "
            "`pip install sklearn-charcnn[export]` (onnx and onnxruntime)."
        ) from exc
    spec = preprocessing_spec(pipeline)
    _quantizer, classifier = _split_pipeline(pipeline)
    portable = PortableCharCNN(
        _network(classifier), multilabel=_is_multilabel(classifier)
    )
    path = Path(path)
    with warnings.catch_warnings():
        # torch >= 2.9 warns that the TorchScript-based exporter is legacy;
        # the torch.export-based one needs onnxscript, which we do not require.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            portable,
            (_example_input(spec),),
            str(path),
            input_names=[_INPUT_NAME],
            output_names=[_OUTPUT_NAME],
            dynamic_axes={_INPUT_NAME: {0: "batch"}, _OUTPUT_NAME: {0: "batch"}},
            opset_version=opset_version,
            dynamo=False,
        )
    model = onnx.load(str(path))
    entry = model.metadata_props.add()
    entry.key = _METADATA_KEY
    entry.value = json.dumps(spec)
    onnx.save(model, str(path))
    _write_spec(spec, path)
    return spec


def export_torch(pipeline, path) -> dict:
    """Export a fitted pipeline's network with :func:`torch.export`, and its spec.

    Writes ``path`` (a ``.pt2`` archive, :func:`torch.export.save`) and
    ``<stem>.preprocessing.json`` beside it; the spec is also inside the
    archive as the extra file ``"preprocessing.json"``.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted ``make_pipeline(CharQuantizer(...), CharCNNClassifier(...))``.
    path : str or path-like
        Where to write the program, e.g. ``"model.pt2"``.

    Returns
    -------
    spec : dict
        The preprocessing spec written beside the program.

    Notes
    -----
    The program takes ``codes`` (``uint8``, shape ``(batch, max_length)``,
    the batch size free) and returns the probabilities (``float32``,
    ``(batch, n_classes)``). Load it with
    ``torch.export.load(path).module()`` and call it under
    :func:`torch.no_grad`.

    Examples
    --------
    .. code-block:: python

        import torch
        from sklearn_charcnn.export import encode, export_torch, load_spec

        export_torch(model, "model.pt2")  # and model.preprocessing.json
        spec = load_spec("model.preprocessing.json")
        program = torch.export.load("model.pt2").module()
        with torch.no_grad():
            proba = program(torch.from_numpy(encode(texts, spec)))
    """
    spec = preprocessing_spec(pipeline)
    _quantizer, classifier = _split_pipeline(pipeline)
    portable = PortableCharCNN(
        _network(classifier), multilabel=_is_multilabel(classifier)
    )
    batch = torch.export.Dim("batch")
    program = torch.export.export(
        portable, (_example_input(spec),), dynamic_shapes=({0: batch},)
    )
    path = Path(path)
    torch.export.save(
        program, str(path), extra_files={"preprocessing.json": json.dumps(spec)}
    )
    _write_spec(spec, path)
    return spec


# ------------------------------------------------------------------ skops


def skops_trusted_types() -> list[str]:
    """Return the types to trust when loading a fitted pipeline with skops.

    ``skops.io.load`` refuses every type it does not know to be safe
    unless it is listed in ``trusted``. A fitted pipeline of this package
    needs the types below besides scikit-learn's own; check a file against
    them before loading it:

    .. code-block:: python

        import skops.io as sio
        from sklearn_charcnn.export import skops_trusted_types

        sio.dump(model, "model.skops")
        unknown = set(sio.get_untrusted_types(file="model.skops"))
        assert unknown <= set(skops_trusted_types()), unknown - set(skops_trusted_types())
        model = sio.load("model.skops", trusted=skops_trusted_types())

    Returns
    -------
    types : list of str
        Fully qualified type names: the package's estimators and network, the
        skorch net, callbacks and history it trains with, and the torch loss,
        optimizer and scheduler classes the net refers to.

    Notes
    -----
    skorch stores the network, optimizer and loss of a net as one pickled
    byte string (its ``__getstate__``), which skops saves as plain bytes and
    skorch unpickles when the net is loaded. Trusting the net's type
    therefore trusts that byte string as a pickle: for files of unknown
    origin skops is no safer than pickle here. Load only files you trust.
    """
    return sorted(
        [
            "builtins.frozenset",
            "builtins.print",
            "functools.partial",
            "numpy.dtype",
            "sklearn_charcnn.augmenter.ThesaurusAugmenter",
            "sklearn_charcnn.classifier.CharCNNClassifier",
            "sklearn_charcnn.classifier._silent",
            "sklearn_charcnn.network.CharCNNModule",
            "sklearn_charcnn.quantizer.CharQuantizer",
            "sklearn_charcnn.thesaurus.WordNetThesaurus",
            "sklearn.metrics._scorer._PassthroughScorer",
            "sklearn.model_selection._split.PredefinedSplit",
            "sklearn.model_selection._split.StratifiedKFold",
            "sklearn.multiclass._ConstantPredictor",
            "sklearn_charcnn.compare.one_vs_rest.TunedOneVsRestClassifier",
            "sklearn.utils._bunch.Bunch",
            "sklearn_charcnn._training.CharCNNNet",
            "sklearn_charcnn._training.PlannedSplit",
            "sklearn_charcnn._training.RowPlan",
            "sklearn_charcnn._training._WarmupCosineFactor",
            "sklearn_charcnn._training.batch_loader",
            "skorch.callbacks.logging.EpochTimer",
            "skorch.callbacks.logging.PrintLog",
            "skorch.callbacks.lr_scheduler.LRScheduler",
            "skorch.callbacks.scoring.EpochScoring",
            "skorch.callbacks.scoring.PassthroughScoring",
            "skorch.callbacks.training.EarlyStopping",
            "skorch.dataset.Dataset",
            "skorch.history.History",
            "skorch.setter.optimizer_setter",
            "skorch.utils._indexing_dict",
            "skorch.utils._indexing_other",
            "skorch.utils.to_numpy",
            "torch.nn.modules.loss.CrossEntropyLoss",
            "torch.optim.adamw.AdamW",
            "torch.optim.sgd.SGD",
            "torch.optim.lr_scheduler.LambdaLR",
            "torch.optim.lr_scheduler.MultiStepLR",
        ]
    )
