"""Which characters drove a prediction: per-character attributions.

:func:`char_attributions` scores every character of the documents a user
gave, with Captum's Integrated Gradients or occlusion on the one-hot input
of the fitted network, and returns one :class:`CharAttribution` per
document. Each draws itself as shaded text, in matplotlib
(:meth:`CharAttribution.plot`) or as HTML for notebooks
(:meth:`CharAttribution.to_html`, shown by Jupyter on its own).

Captum and matplotlib are optional dependencies (``pip install
sklearn-charcnn[inspect]`` installs both); they are imported when needed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import torch

from sklearn_charcnn.export import PortableCharCNN, _split_pipeline, preprocessing_spec

__all__ = [
    "CharAttribution",
    "attributions_to_html",
    "char_attributions",
    "plot_char_attributions",
]

_METHODS = ("integrated_gradients", "occlusion")
# One-hot inputs per forward pass: 128 x 256 codes x 1014 positions is
# 130 MB of float32.
_MAX_INPUTS_PER_PASS = 128


def _import_captum():
    try:
        import captum.attr
    except ImportError as exc:
        raise ImportError(
            "Character attributions need Captum, which is not installed. Install "
            "it with `pip install captum` or `pip install sklearn-charcnn[inspect]`."
        ) from exc
    return captum.attr


@dataclass(frozen=True)
class CharAttribution:
    """The attribution scores of one document, character by character.

    Attributes
    ----------
    document : str
        The document as given.
    scores : ndarray of shape (len(document),)
        One score per character of ``document``: its contribution to the
        logit of ``target`` (positive: for the class). Characters the
        network did not read, those beyond the quantizer's ``max_length``,
        are NaN. Characters outside the alphabet (the space among them) are
        code 0, the all-zero input, and score 0.
    target : object
        The class explained, a value of ``classes_``.
    probability : float
        The pipeline's probability of ``target`` for this document.
    """

    document: str
    scores: np.ndarray = field(repr=False)
    target: object
    probability: float

    def to_html(self, **kwargs) -> str:
        """Return the document as HTML, characters shaded by score.

        Parameters
        ----------
        **kwargs
            Passed to :func:`attributions_to_html`.

        Returns
        -------
        html : str
        """
        title = f"target {self.target!r}, probability {self.probability:.3f}"
        return attributions_to_html(self.document, self.scores, title=title, **kwargs)

    def _repr_html_(self) -> str:
        return self.to_html()

    def plot(self, ax=None, **kwargs):
        """Draw the document with characters shaded by score (matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` creates a figure.
        **kwargs
            Passed to :func:`plot_char_attributions`.

        Returns
        -------
        ax : matplotlib Axes
        """
        kwargs.setdefault(
            "title", f"target {self.target!r}, probability {self.probability:.3f}"
        )
        return plot_char_attributions(self.document, self.scores, ax=ax, **kwargs)


def _position_map(document: str, spec: dict):
    """Map the quantizer's positions back to the characters of ``document``.

    Returns ``owner`` (for each position read, in reading order, the index
    of the character of ``document`` it came from) and ``positions`` (the
    column of the code row holding it). Lower-casing may turn one character
    into two ("İ"), and with the byte alphabet a character is 1 to 4 UTF-8
    bytes: each such unit is one position, and the quantizer's truncation
    to ``max_length`` positions and its reversal are undone here.
    """
    length = spec["max_length"]
    kept = document[:length]
    pieces = [char.lower() for char in kept] if spec["lowercase"] else list(kept)
    if spec["unit"] == "byte":
        # A lone surrogate cannot be encoded: one NUL byte, one position.
        sizes = [
            sum(1 if 0xD800 <= ord(c) <= 0xDFFF else len(c.encode("utf-8")) for c in p)
            for p in pieces
        ]
    else:
        sizes = [len(piece) for piece in pieces]
    owner = np.repeat(np.arange(len(kept)), sizes)[:length]
    positions = np.arange(len(owner))
    if spec["reverse"]:
        positions = len(owner) - 1 - positions
    return owner, positions


def _scores_per_character(document, spec, position_scores):
    owner, positions = _position_map(document, spec)
    n_kept = min(len(document), spec["max_length"])
    scores = np.full(len(document), np.nan)
    if n_kept:
        summed = np.bincount(
            owner, weights=position_scores[positions], minlength=n_kept
        )
        read = np.bincount(owner, minlength=n_kept) > 0
        scores[:n_kept] = np.where(read, summed, np.nan)
    return scores


def _resolve_targets(target, classes, predicted):
    if target is None:
        return predicted
    targets = np.asarray(target, dtype=object).reshape(-1)
    if len(targets) == 1:
        targets = np.repeat(targets, len(predicted))
    if len(targets) != len(predicted):
        raise ValueError(
            f"target has {len(targets)} labels for {len(predicted)} documents; pass "
            "one label, one per document, or None for the predicted class."
        )
    lookup = {label: index for index, label in enumerate(np.asarray(classes).tolist())}
    indices = []
    for label in targets:
        label = label.item() if hasattr(label, "item") else label
        if label not in lookup:
            raise ValueError(
                f"target {label!r} is not one of the classifier's classes_ "
                f"{list(lookup)}."
            )
        indices.append(lookup[label])
    return np.asarray(indices)


def char_attributions(
    pipeline,
    documents,
    *,
    target=None,
    method: str = "integrated_gradients",
    n_steps: int = 32,
    batch_size: int = 16,
) -> list[CharAttribution]:
    """Score each character of each document for its part in a prediction.

    The network reads one-hot characters; the scores are attributions of
    Captum [1]_ on that one-hot input, summed per character and mapped back
    through the quantizer (its truncation, reversal and lower-casing are
    undone), so that they line up with the documents as given.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted ``make_pipeline(CharQuantizer(...), CharCNNClassifier(...))``
        (a :class:`~sklearn_charcnn.ThesaurusAugmenter` may come first).
    documents : list of str
        The documents to explain.
    target : label, list of labels or None, default=None
        The class to explain, a value of ``classes_``, one for all
        documents or one per document. ``None`` explains each document's
        predicted class. For a multi-label classifier the targets are label
        indices (its ``classes_``), each explained on its own logit;
        ``None`` explains each document's most probable label.
    method : {"integrated_gradients", "occlusion"}, default="integrated_gradients"
        ``"integrated_gradients"``: Integrated Gradients [2]_ from the
        all-padding input (every position code 0) to the document, with
        ``n_steps`` steps; a character's score is its share of the change
        of the target's logit, and the scores of a document sum to about
        ``logit(document) - logit(all padding)`` (completeness).
        ``"occlusion"``: the drop of the target's logit when the character
        alone is replaced by code 0 (as if it were a space); one forward
        pass per position.
    n_steps : int, default=32
        Integration steps of Integrated Gradients.
    batch_size : int, default=16
        Documents per batch. The network runs at most 128 one-hot inputs
        per pass (steps of Integrated Gradients, or occluded copies).

    Returns
    -------
    attributions : list of CharAttribution
        One per document: ``scores`` has one float per character of the
        document; NaN for characters beyond ``max_length`` (not read), 0
        for characters outside the alphabet, which the network sees as
        zero vectors.

    Raises
    ------
    ImportError
        If Captum is not installed.

    See Also
    --------
    CharAttribution.plot, CharAttribution.to_html : Draw the scores.

    References
    ----------
    .. [1] N. Kokhlikyan et al., "Captum: A unified and generic model
       interpretability library for PyTorch", arXiv:2009.07896, 2020.
    .. [2] M. Sundararajan, A. Taly and Q. Yan, "Axiomatic Attribution for
       Deep Networks", ICML 2017, arXiv:1703.01365.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_charcnn import CharCNNClassifier, CharQuantizer
    >>> from sklearn_charcnn.inspection import char_attributions
    >>> model = make_pipeline(
    ...     CharQuantizer(max_length=128),
    ...     CharCNNClassifier(n_filters=4, fc_width=8, max_epochs=1,
    ...                       validation_fraction=0, device="cpu", random_state=0),
    ... ).fit(["good film", "bad film"] * 4, ["pos", "neg"] * 4)
    >>> (result,) = char_attributions(model, ["A good film"], target="pos")
    >>> result.scores.shape, result.target
    ((11,), 'pos')
    >>> float(result.scores[1])  # the space is code 0
    0.0
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    if isinstance(documents, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received."
        )
    documents = list(documents)
    attr = _import_captum()
    quantizer, classifier = _split_pipeline(pipeline)
    spec = preprocessing_spec(pipeline)
    documents_as_text = quantizer._validate_documents(documents)
    codes = quantizer.transform(documents_as_text)
    device = torch.device(classifier.device_)
    network = PortableCharCNN(classifier.net_.module_, probabilities=False).to(device)

    scores, targets, probabilities = [], [], []
    for start in range(0, len(codes), batch_size):
        batch = torch.as_tensor(np.asarray(codes[start : start + batch_size]))
        batch = network._pad(batch.to(device)).long()
        with torch.no_grad():
            logits = network(batch)
            multilabel = getattr(classifier, "_multilabel", False)
            proba = torch.sigmoid(logits) if multilabel else logits.softmax(dim=1)
            proba = proba.cpu().numpy()
        indices = _resolve_targets(
            None if target is None else _slice_target(target, start, len(batch)),
            classifier.classes_,
            proba.argmax(axis=1),
        )
        scores.extend(
            _attribute_positions(attr, network, batch, indices, method, n_steps)
        )
        targets.extend(indices.tolist())
        probabilities.extend(proba[np.arange(len(batch)), indices].tolist())

    classes = classifier.classes_
    return [
        CharAttribution(
            document=document,
            scores=_scores_per_character(document, spec, position_scores),
            target=classes[index].item()
            if hasattr(classes[index], "item")
            else classes[index],
            probability=float(probability),
        )
        for document, position_scores, index, probability in zip(
            documents_as_text, scores, targets, probabilities, strict=True
        )
    ]


def _attribute_positions(attr, network, batch, indices, method, n_steps):
    """Return one attribution per code position of each row of ``batch``.

    ``batch`` holds padded code rows on the network's device, ``indices``
    the class explained for each; the scores are Captum's attributions on
    the one-hot input, summed over the one-hot dimension.
    """
    n_codes, width = network.n_codes, network.input_length
    one_hot = torch.zeros(len(batch), n_codes, width, device=batch.device)
    one_hot.scatter_(1, batch[:, None, :], 1.0)
    one_hot[:, 0] = 0.0  # code 0 is the zero vector
    target_tensor = torch.as_tensor(indices, device=batch.device)
    if method == "integrated_gradients":
        explainer = attr.IntegratedGradients(network.forward_one_hot)
        result = explainer.attribute(
            one_hot,
            baselines=torch.zeros_like(one_hot),
            target=target_tensor,
            n_steps=n_steps,
            # Bounded so that memory does not grow with max_length * n_steps.
            internal_batch_size=min(len(batch) * n_steps, _MAX_INPUTS_PER_PASS),
        )
    else:
        explainer = attr.Occlusion(network.forward_one_hot)
        result = explainer.attribute(
            one_hot,
            sliding_window_shapes=(n_codes, 1),
            strides=(n_codes, 1),
            baselines=0.0,
            target=target_tensor,
            perturbations_per_eval=max(1, _MAX_INPUTS_PER_PASS // len(batch)),
        )
        # Occlusion spreads a window's score over its n_codes entries;
        # keep one copy, at the character's code.
        result = result * one_hot
    return list(result.sum(dim=1).detach().cpu().numpy().astype(np.float64))


def _slice_target(target, start, size):
    targets = np.asarray(target, dtype=object).reshape(-1)
    if len(targets) == 1:
        return targets
    return targets[start : start + size]


# ---------------------------------------------------------------- drawing


def _colors(scores, scale):
    """Return an RGBA per character: red for positive, blue for negative."""
    values = np.asarray(scores, dtype=np.float64)
    if scale is None:
        finite = np.abs(values[np.isfinite(values)])
        scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    strength = np.clip(np.nan_to_num(values) / scale, -1.0, 1.0)
    rgba = np.zeros((len(values), 4))
    rgba[strength >= 0, :3] = (0.84, 0.15, 0.16)
    rgba[strength < 0, :3] = (0.12, 0.47, 0.71)
    rgba[:, 3] = np.abs(strength)
    return rgba, np.isnan(values)


def attributions_to_html(document, scores, *, scale=None, title=None) -> str:
    """Return ``document`` as HTML, each character shaded by its score.

    Red backgrounds mark characters that speak for the class, blue ones
    against it, the opacity proportional to the score; characters not read
    (NaN) are grey. The result is a ``<div>`` for a notebook
    (``IPython.display.HTML``) or a web page.

    Parameters
    ----------
    document : str
        The text.
    scores : array-like of shape (len(document),)
        One score per character, NaN for characters not read.
    scale : float, default=None
        The score shown at full colour; ``None`` takes the largest
        absolute score, so that two documents drawn with the same
        ``scale`` compare.
    title : str, default=None
        A line above the text.

    Returns
    -------
    html : str

    Examples
    --------
    >>> from sklearn_charcnn.inspection import attributions_to_html
    >>> print(attributions_to_html("ab", [1.0, float("nan")]))  # doctest: +NORMALIZE_WHITESPACE
    <div style="font-family: monospace; white-space: pre-wrap; line-height: 1.7"><span
    style="background-color: rgba(214, 38, 41, 1.00)" title="1">a</span><span
    style="color: #999999" title="not read">b</span></div>
    """
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) != len(document):
        raise ValueError(
            f"Got {len(scores)} scores for a document of {len(document)} characters."
        )
    rgba, unread = _colors(scores, scale)
    parts = []
    if title:
        parts.append(f"<div><b>{html.escape(title)}</b></div>")
    parts.append(
        '<div style="font-family: monospace; white-space: pre-wrap; line-height: 1.7">'
    )
    for char, color, skip, score in zip(document, rgba, unread, scores, strict=True):
        text = html.escape(char)
        if skip:
            parts.append(f'<span style="color: #999999" title="not read">{text}</span>')
            continue
        r, g, b = (round(255 * c) for c in color[:3])
        parts.append(
            f'<span style="background-color: rgba({r}, {g}, {b}, {color[3]:.2f})" '
            f'title="{score:.3g}">{text}</span>'
        )
    parts.append("</div>")
    return "".join(parts)


def plot_char_attributions(
    document, scores, *, ax=None, width: int = 80, scale=None, title=None
):
    """Draw ``document`` with each character shaded by its score.

    Characters are laid out in a monospace grid of ``width`` columns; red
    cells speak for the class, blue ones against it, the opacity
    proportional to the score; characters not read (NaN) are grey.

    Parameters
    ----------
    document : str
        The text.
    scores : array-like of shape (len(document),)
        One score per character, NaN for characters not read.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a figure sized to the text.
    width : int, default=80
        Characters per line.
    scale : float, default=None
        The score shown at full colour; ``None`` takes the largest
        absolute score.
    title : str, default=None
        The axes title.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Rectangle
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` or `pip install sklearn-charcnn[plot]`."
        ) from exc
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) != len(document):
        raise ValueError(
            f"Got {len(scores)} scores for a document of {len(document)} characters."
        )
    # Line breaks of the text start a new row, as they would on screen.
    cells, row, column = [], 0, 0
    for index, char in enumerate(document):
        if column >= width:
            row, column = row + 1, 0
        cells.append((index, row, column, char))
        if char == "\n":
            row, column = row + 1, 0
        else:
            column += 1
    n_rows = row + 1
    if ax is None:
        _fig, ax = plt.subplots(figsize=(0.11 * width + 0.4, 0.28 * n_rows + 0.6))
    rgba, unread = _colors(scores, scale)
    patches = [Rectangle((column, -row - 1), 1, 1) for _i, row, column, _c in cells]
    ax.add_collection(
        PatchCollection(
            patches, facecolors=[rgba[i] for i, *_ in cells], edgecolors="none"
        )
    )
    for index, row, column, char in cells:
        if char.isspace():
            continue
        ax.text(
            column + 0.5,
            -row - 0.5,
            char,
            ha="center",
            va="center",
            family="monospace",
            fontsize=8,
            color="#999999" if unread[index] else "black",
        )
    ax.set_xlim(0, width)
    ax.set_ylim(-n_rows, 0)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return ax
