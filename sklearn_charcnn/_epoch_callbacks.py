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
    """Record the score on held-out character codes after every epoch.

    ``target`` holds label indices into the classifier's sorted ``classes_``
    (what its skorch net predicts), -1 for labels unseen in training: the
    score is the accuracy. A 0/1 indicator matrix (several labels per
    document) is scored by macro-F1, each label predicted where its
    probability exceeds 0.5 (its logit is positive): the thresholds the
    classifier may tune are known only once training ends. The codes are
    dropped when training ends, so a fitted model does not carry its test
    set along.
    """

    def __init__(self, codes, target, name="test_acc"):
        self.codes = codes
        self.target = target
        self.name = name

    def on_epoch_end(self, net, **kwargs):
        if np.ndim(self.target) == 2:
            from sklearn.metrics import f1_score

            logits = np.concatenate(
                [logit.cpu().numpy() for logit in net.forward_iter(self.codes)]
            )
            score = f1_score(
                self.target, logits > 0, average="macro", zero_division=0.0
            )
        else:
            score = np.mean(net.predict(self.codes) == self.target)
        net.history.record(self.name, float(score))

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
        ("valid_f1_micro", "valid micro-F1 {:.4f}"),
        ("test_acc", "test acc {:.4f}"),
        ("test_macro_f1", "test macro-F1 {:.4f}"),
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
