"""Placeholder: replaced by the real module."""


class CharCNNClassifier:  # noqa: D101
    pass
