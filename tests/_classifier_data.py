"""Tiny code matrices and classifier settings shared by the classifier tests."""

import numpy as np

from sklearn_charcnn import CharCNNClassifier

# Tiny settings: 8 feature maps, 128 characters (the network needs 123).
TINY = {"n_filters": 8, "fc_width": 16, "max_epochs": 2, "device": "cpu"}
LENGTH = 128


def make_codes(n_samples=40, n_classes=2, seed=0, length=LENGTH):
    """Codes where class k writes code k + 1 in its first 30 positions."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    X = rng.integers(0, 70, size=(n_samples, length)).astype(np.uint8)
    X[:, :30] = (y + 1)[:, None]
    return X, y


def easy_codes():
    """Class 0 writes codes 1-10, class 1 codes 11-20: learned in a few epochs.

    A net this tiny needs a larger step than the default 1e-3 (see ``EASY``).
    """
    rng = np.random.default_rng(0)
    y = np.arange(64) % 2
    X = (rng.integers(1, 11, size=(64, LENGTH)) + 10 * y[:, None]).astype(np.uint8)
    return X, y


EASY = {"validation_fraction": 0, "batch_size": 16, "lr": 3e-3}


def tiny(**params):
    return CharCNNClassifier(**{**TINY, "random_state": 0, **params})
