"""A tiny multi-label corpus: short news lines tagged with one to three topics."""

import numpy as np
from _tiny_news import write_csv

TOPICS = {
    "sport": ["the team won the match", "a late goal", "the coach resigned"],
    "tech": ["a new chip design", "the software update", "a laptop battery recall"],
    "weather": ["heavy rain today", "a sunny weekend", "a strong wind warning"],
}
TAGS = sorted(TOPICS)


def tiny_tags(n=60, seed=0):
    """``n`` documents, their 0/1 indicator matrix and the tag names.

    Each document joins one phrase per tag it carries (every tag has
    positive documents in any slice of 20 rows).
    """
    rng = np.random.default_rng(seed)
    documents, rows = [], []
    for i in range(n):
        row = rng.random(len(TAGS)) < 0.4
        row[i % len(TAGS)] = True
        phrases = [rng.choice(TOPICS[t]) for t, on in zip(TAGS, row, strict=True) if on]
        documents.append(" and ".join(phrases) + f", story {i}")
        rows.append(row.astype(np.int64))
    return documents, np.array(rows), list(TAGS)


def write_tags_csv(path, n=60, *, label_sep=",", seed=0):
    """Write the tiny tagged corpus as ``text,labels``; return the path."""
    documents, Y, names = tiny_tags(n, seed)
    labels = [
        label_sep.join(name for name, on in zip(names, row, strict=True) if on)
        for row in Y
    ]
    return write_csv(
        path, zip(documents, labels, strict=True), header=("text", "labels")
    )
