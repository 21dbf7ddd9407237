"""Character-level convolutional networks for text classification.

scikit-learn estimators for the model of Zhang, Zhao & LeCun (2015),
"Character-level Convolutional Networks for Text Classification":

- :class:`CharQuantizer` turns raw documents into the paper's character codes;
- :class:`ThesaurusAugmenter` replaces words by WordNet synonyms, on training
  data only;
- :class:`CharCNNClassifier` is the paper's 6-convolution, 3-layer network,
  trained with PyTorch through skorch;
- :class:`ThesaurusSampler` is the same augmentation as an imbalanced-learn
  sampler (``fit_resample``), for ``imblearn.pipeline.Pipeline``;
- :func:`augment_dataset` adds augmented copies of a training set.
"""

import importlib

__version__ = "0.1.0"

__all__ = [
    "CharCNNClassifier",
    "CharQuantizer",
    "ThesaurusAugmenter",
    "ThesaurusSampler",
    "__version__",
    "augment_dataset",
]

# Public names are imported on first use, so that the text-only parts
# (``import sklearn_charcnn.quantizer``) never pay for importing torch.
_LAZY = {
    "CharCNNClassifier": "sklearn_charcnn.classifier",
    "CharQuantizer": "sklearn_charcnn.quantizer",
    "ThesaurusAugmenter": "sklearn_charcnn.augmenter",
    "ThesaurusSampler": "sklearn_charcnn.augmenter",
    "augment_dataset": "sklearn_charcnn.augmenter",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
