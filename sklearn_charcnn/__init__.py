"""Character-level convolutional networks for text classification.

scikit-learn estimators for the model of Zhang, Zhao & LeCun (2015),
"Character-level Convolutional Networks for Text Classification":

- :class:`CharQuantizer` turns raw documents into the paper's character codes;
- :class:`ThesaurusAugmenter` replaces words by WordNet synonyms, on training
  data only;
- :class:`CharCNNClassifier` is the paper's 6-convolution, 3-layer network,
  trained with PyTorch through skorch.
"""

from sklearn_charcnn.augmenter import ThesaurusAugmenter
from sklearn_charcnn.classifier import CharCNNClassifier
from sklearn_charcnn.quantizer import CharQuantizer

__version__ = "0.1.0"

__all__ = [
    "CharCNNClassifier",
    "CharQuantizer",
    "ThesaurusAugmenter",
    "__version__",
]
