"""CharCNNClassifier.fit on a memory-mapped code array: no copy of the codes."""

import tracemalloc

import numpy as np

from sklearn_charcnn import CharCNNClassifier


def memmapped_codes(path, n_rows, length):
    codes = np.lib.format.open_memmap(path, "w+", np.uint8, (n_rows, length))
    rng = np.random.default_rng(0)
    for start in range(0, n_rows, 1000):
        stop = min(start + 1000, n_rows)
        codes[start:stop] = rng.integers(0, 70, (stop - start, length), np.uint8)
    codes.flush()
    return np.load(path, mmap_mode="r")


def fit_peak(X, y, **params):
    """numpy's peak allocation during one fit (tracemalloc), in bytes."""
    classifier = CharCNNClassifier(
        max_epochs=1, n_filters=4, fc_width=8, batch_size=256, random_state=0,
        device="cpu", **params,
    )  # fmt: skip
    tracemalloc.start()
    try:
        classifier.fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_fit_on_a_memmap_allocates_far_less_than_the_codes(tmp_path):
    X = memmapped_codes(tmp_path / "codes.npy", 6000, 1014)
    y = np.arange(len(X)) % 2
    fit_peak(X[:300], y[:300])  # first-use set-up of torch and skorch, not data
    # What stays in memory: the labels, weights and row plan (a few numbers
    # per row) and the validation rows (validation_fraction=0.1 of the codes).
    assert fit_peak(X, y) < 0.25 * X.nbytes
    assert fit_peak(X, y, validation_fraction=0) < 0.25 * X.nbytes
