"""
============================================
Learning curves next to the TF-IDF baselines
============================================

:class:`~sklearn_charcnn.CharCNNClassifier` records skorch's history: the
loss and accuracy on the training data and on a held-out validation part
after every epoch. :func:`~sklearn_charcnn.plotting.plot_learning_curve`
draws it, with the test accuracy of other models as horizontal lines, as the
``compare`` command does.

To run quickly on a CPU, the char-CNN is a reduced network (a quarter of the
paper's feature maps) trained for 8 epochs on 2,400 articles cut to 256
characters, with early stopping off so that every epoch is shown.
"""

# %%
# Data and models
# ---------------
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.datasets import load_ag_news

news = load_ag_news()
X_train, X_test, y_train, y_test = train_test_split(
    news.data,
    news.target,
    train_size=2400,
    test_size=1000,
    stratify=news.target,
    random_state=0,
)

charcnn = make_pipeline(
    CharQuantizer(max_length=256),
    CharCNNClassifier(
        n_filters=64,
        fc_width=256,
        max_epochs=8,
        early_stopping=False,
        validation_fraction=0.1,
        random_state=0,
    ),
)
baselines = {
    "TF-IDF words + LR": make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=1000),
    ),
    "TF-IDF chars + LR": make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True
        ),
        LogisticRegression(max_iter=1000),
    ),
}

charcnn.fit(X_train, y_train)
baseline_scores = {
    name: model.fit(X_train, y_train).score(X_test, y_test)
    for name, model in baselines.items()
}
char_score = charcnn.score(X_test, y_test)
print(f"char-CNN test accuracy: {char_score:.3f}")
for name, score in baseline_scores.items():
    print(f"{name} test accuracy: {score:.3f}")

# %%
# Accuracy per epoch
# ------------------
# The validation accuracy is measured on the tenth of the training documents
# that the classifier holds out (``validation_fraction=0.1``); the dashed
# lines are the baselines' accuracy on the test documents.
import matplotlib.pyplot as plt

from sklearn_charcnn.plotting import plot_learning_curve

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
plot_learning_curve(
    charcnn, baselines=baseline_scores, ax=left, title="char-CNN accuracy per epoch"
)
plot_learning_curve(
    charcnn,
    keys=("train_loss", "valid_loss"),
    ax=right,
    title="char-CNN loss per epoch",
)
right.set_ylabel("cross-entropy (label smoothing 0.1)")
fig.tight_layout()
plt.show()

# %%
# Reading the curves
# ------------------
# The training accuracy is measured on the training batches as they pass,
# with dropout active. When it climbs far above the validation accuracy while
# the validation loss rises, the network is memorising its training documents
# rather than learning what generalises: with a few thousand documents this
# is the regime where, as the paper found, bag-of-words models remain strong.
# Early stopping, on by default, keeps the weights of the best validation
# epoch; more data, or :class:`~sklearn_charcnn.ThesaurusAugmenter`, are the
# other remedies.
#
# The same history is available as data, e.g. to pick the number of epochs;
# the lines below say what this run's curves show.
history = charcnn[-1].history_
best = max(history, key=lambda epoch: epoch["valid_acc"])
last = history[-1]
print(f"best validation accuracy {best['valid_acc']:.3f} after epoch {best['epoch']}")
print(
    f"last epoch: training accuracy {last['train_acc']:.3f}, "
    f"validation accuracy {last['valid_acc']:.3f}"
)
print(f"{sum(history[:, 'dur']):.1f} s of training in all")
best_baseline = max(baseline_scores, key=baseline_scores.get)
print(
    f"On the test articles the char-CNN's {char_score:.3f} is "
    + (
        "below"
        if char_score < baseline_scores[best_baseline]
        else "level with or above"
    )
    + f" the best baseline, {best_baseline} ({baseline_scores[best_baseline]:.3f})."
)
