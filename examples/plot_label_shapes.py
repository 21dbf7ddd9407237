"""
===========================================================
Several labels per document, and documents read in windows
===========================================================

Two shapes of problem beyond one label per short document:

- a **multi-label** target, a 0/1 indicator matrix with one column per
  label, on which :class:`~sklearn_charcnn.CharCNNClassifier` trains one
  sigmoid output per label;
- documents **longer than the network's input**, read in windows of
  ``window_length`` characters whose outputs are pooled, so that every
  character counts instead of the first ``max_length``.

Both on the AG News sample that ships with the package, with a reduced
network (a quarter of the paper's feature maps, 6 epochs) so that the page
builds quickly on a CPU.
"""

# %%
# Several labels per document
# ---------------------------
# AG News gives each article one topic. Its articles about prices and
# earnings also write dollar amounts (``$``, or ``#36;`` in the raw data):
# a second, independent tag. The target has five columns: the four topics and
# "money", and an article can be, say, Business and money at once.
import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.datasets import load_ag_news

news = load_ag_news()
labels = [*news.target_names, "money"]
money = np.array(["$" in doc or "#36;" in doc for doc in news.data])
Y = np.column_stack([news.target[:, None] == np.arange(4), money]).astype(int)
X_train, X_test, Y_train, Y_test = train_test_split(
    news.data, Y, train_size=2400, test_size=1000, random_state=0
)
print(f"Y: {Y_train.shape}; documents with two labels: {Y_train.sum(1).mean() - 1:.0%}")

multilabel = make_pipeline(
    CharQuantizer(max_length=256),
    CharCNNClassifier(
        n_filters=64,
        fc_width=256,
        max_epochs=6,
        threshold="validation",
        random_state=0,
    ),
)
multilabel.fit(X_train, Y_train)
Y_pred = multilabel.predict(X_test)
print(f"predict: {Y_pred.shape}, thresholds_: {multilabel[-1].thresholds_.round(2)}")
print(f"macro-F1 {f1_score(Y_test, Y_pred, average='macro'):.3f}")
for name, score in zip(labels, f1_score(Y_test, Y_pred, average=None), strict=True):
    print(f"  F1 {name:<9} {score:.3f}")

# %%
# ``predict`` returns the indicator matrix, ``predict_proba`` each label's own
# probability (rows need not sum to 1), and ``threshold="validation"`` chose
# each label's threshold on the classifier's validation split.
proba = multilabel.predict_proba(X_test[:2])
for doc, row in zip(X_test[:2], proba, strict=True):
    marked = [
        name
        for name, p, t in zip(labels, row, multilabel[-1].thresholds_, strict=True)
        if p > t
    ]
    print(f"{doc[:60]!r}... -> {marked}")

# %%
# Documents longer than the network's input
# -----------------------------------------
# Here the network's input is 128 characters, about half of an average
# article. ``CharQuantizer(max_length=128)`` keeps the first 128 characters,
# the paper's rule; with ``window_length=128`` the quantizer keeps whole
# articles (``max_length=1014`` holds every one of them) and the classifier
# reads them in windows of 128: one drawn at random per article and epoch in
# training, all of them, their logits averaged, in prediction.
y_train, y_test = Y_train[:, :4].argmax(1), Y_test[:, :4].argmax(1)
lengths = np.array([len(doc) for doc in X_train])
print(
    f"characters beyond the first 128: {np.maximum(lengths - 128, 0).sum() / lengths.sum():.0%}"
)

settings = {"n_filters": 64, "fc_width": 256, "max_epochs": 6, "random_state": 0}
first = make_pipeline(CharQuantizer(max_length=128), CharCNNClassifier(**settings))
windows = make_pipeline(
    CharQuantizer(max_length=1014),
    CharCNNClassifier(window_length=128, **settings),
)
for name, model in [("first 128 characters", first), ("windows of 128", windows)]:
    model.fit(X_train, y_train)
    print(f"{name}: test accuracy {model.score(X_test, y_test):.3f}")

# %%
# Each article stays one row through the pipeline, whatever its number of
# windows: ``predict`` gives one label per article, and the validation split
# holds out whole articles. ``window_pool`` chooses how the windows' outputs
# are combined and may be changed after fitting:
for pool in ("mean", "mean-proba", "max"):
    windows.set_params(charcnnclassifier__window_pool=pool)
    print(f"window_pool={pool!r}: test accuracy {windows.score(X_test, y_test):.3f}")
