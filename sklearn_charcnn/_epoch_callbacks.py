"""skorch callbacks that :mod:`sklearn_charcnn.compare` adds to a char-CNN.

They live in their own module so that ``compare`` imports skorch (and torch)
only when a char-CNN is fitted, and so that a fitted model holding them
unpickles in a fresh process.
"""

from __future__ import annotations

import sys

import numpy as np
from skorch.callbacks import Callback


class EpochTestScore(Callback):
    """Record the accuracy on held-out character codes after every epoch.

    ``target`` holds label indices into the classifier's sorted ``classes_``
    (what its skorch net predicts), -1 for labels unseen in training. The
    codes are dropped when training ends, so a fitted model does not carry
    its test set along.
    """

    def __init__(self, codes, target, name="test_acc"):
        self.codes = codes
        self.target = target
        self.name = name

    def on_epoch_end(self, net, **kwargs):
        predicted = net.predict(self.codes)
        net.history.record(self.name, float(np.mean(predicted == self.target)))

    def on_train_end(self, net, **kwargs):
        self.codes = self.target = None


class EpochLine(Callback):
    """Print one plain line per epoch (for logs: no carriage returns).

    Parameters
    ----------
    prefix : str
        Written before each line, e.g. the model's name.
    stream : file, default=None
        Where to write; standard error if None.
    """

    _KEYS = (
        ("train_loss", "train loss {:.4f}"),
        ("valid_loss", "valid loss {:.4f}"),
        ("valid_acc", "valid acc {:.4f}"),
        ("test_acc", "test acc {:.4f}"),
        ("dur", "{:.1f} s"),
    )

    def __init__(self, prefix="", stream=None):
        self.prefix = prefix
        self.stream = stream

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        parts = [f"epoch {row['epoch']}/{net.max_epochs}"]
        parts += [text.format(row[key]) for key, text in self._KEYS if key in row]
        stream = self.stream or sys.stderr
        print(self.prefix + ", ".join(parts), file=stream, flush=True)
