"""
====================================================
Which characters decided? Attributions on AG News
====================================================

A character-level network reads raw characters, so the first question to
ask of a prediction is which characters drove it: whole words, fragments of
words, digits, punctuation? :func:`~sklearn_charcnn.inspection.char_attributions`
answers with Captum's Integrated Gradients on the network's one-hot input,
one score per character of the document as given.

To run in under two minutes on two CPU cores, the example trains a reduced
network (a quarter of the paper's feature maps) for 2 epochs on 4,000
articles cut to 256 characters, far from the accuracy of the full-size
network; so it explains the test articles the model gets right with the
most confidence. It needs Captum (``pip install sklearn-charcnn[captum]``)
and matplotlib.
"""

# %%
# A small model
# -------------
# The AG News sample ships with the package: four topics, World, Sports,
# Business and Sci/Tech.
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.datasets import load_ag_news

news = load_ag_news()
labels = [news.target_names[i] for i in news.target]
X_train, X_test, y_train, y_test = train_test_split(
    news.data, labels, train_size=4000, test_size=500, stratify=labels, random_state=0
)
model = make_pipeline(
    CharQuantizer(max_length=256),
    CharCNNClassifier(n_filters=64, fc_width=256, max_epochs=2, random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Scores per character
# --------------------
# Each :class:`~sklearn_charcnn.inspection.CharAttribution` holds one score
# per character: how much that character moved the logit of the explained
# class (here the predicted one) away from an all-blank document; summed
# over a word's characters, they show which words carried the decision. The
# quantizer's lower-casing, backward order and truncation are undone, so
# ``scores[i]`` belongs to ``document[i]``; characters after the first 256
# were never read and score NaN.
import re

import numpy as np

from sklearn_charcnn.inspection import char_attributions

proba = model.predict_proba(X_test)
correct = model.classes_[proba.argmax(axis=1)] == np.asarray(y_test)
confidence = np.where(correct, proba.max(axis=1), 0.0)
documents = [X_test[i] for i in np.argsort(confidence)[::-1][:3]]
explained = char_attributions(model, documents)
for result in explained:
    # Sum the scores of each word's characters to read them at a glance.
    words = [
        (match.group(), np.nansum(result.scores[match.start() : match.end()]))
        for match in re.finditer(r"\S+", result.document)
    ]
    top = sorted(words, key=lambda word: word[1], reverse=True)[:4]
    print(
        f"{result.target:9s} p={result.probability:.2f}",
        "strongest words:",
        ", ".join(f"{word} ({score:+.2f})" for word, score in top),
    )


# %%
# Shaded text
# -----------
# Red characters speak for the predicted topic, blue ones against it, the
# stronger the darker. Grey text past the 256th character was not read.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(len(explained), 1, figsize=(9.5, 1.3 * len(explained) + 1))
for ax, result in zip(axes, explained, strict=True):
    result.plot(ax=ax, width=90)
fig.tight_layout()
plt.show()

# %%
# In a notebook
# -------------
# A :class:`~sklearn_charcnn.inspection.CharAttribution` shows itself as
# HTML in Jupyter (it has ``_repr_html_``); ``to_html()`` returns the same
# string for a web page.
print(explained[0].to_html()[:200], "...")

# %%
# Occlusion
# ---------
# Occlusion asks a simpler question: how much does the logit drop when one
# character alone is blanked out (code 0, like a space)? It needs one forward
# pass per position, and it misses characters that matter only together,
# but it is a useful check on the gradients. The correlation printed below
# says how far the two agree, character by character.
(occluded,) = char_attributions(
    model, documents[:1], target=explained[0].target, method="occlusion"
)
both = np.isfinite(explained[0].scores)
agreement = np.corrcoef(explained[0].scores[both], occluded.scores[both])[0, 1]
print(f"correlation of the two methods' scores: {agreement:.2f}")
occluded.plot(width=90, title="occlusion")
plt.show()
