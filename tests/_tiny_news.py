"""The tiny news fixture (20 sports + 20 sci/tech headlines), and CSV writing."""

import csv
from pathlib import Path

import numpy as np

TINY_CSV = Path(__file__).parent / "fixtures" / "tiny_news.csv"


def read_tiny_csv():
    """The tiny news as ``(documents, labels)``."""
    with open(TINY_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([r["label"] for r in rows])


def tiny_rows():
    """The tiny news as a list of [text, label] rows."""
    X, y = read_tiny_csv()
    return [[text, label] for text, label in zip(X, y, strict=True)]


def write_csv(path, rows, *, header=("text", "label"), sep=",", encoding="utf-8"):
    """Write ``rows`` under ``header`` with the csv module; return the path."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# The smallest char-CNN the tests train: for tests of the plumbing (the
# compare engine, the command line), not of what the network learns.
TINY_CHARCNN = {
    "max_length": 128,
    "max_epochs": 1,
    "n_filters": 4,
    "fc_width": 8,
    "device": "cpu",
}
# The same network as command-line options.
TINY_NET = [
    part
    for key, value in TINY_CHARCNN.items()
    for part in (f"--{key.replace('_', '-')}", str(value))
]
