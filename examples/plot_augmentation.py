"""
========================================
Synonym augmentation with a thesaurus
========================================

Section 2.4 of the paper replaces random words of the training documents by
synonyms. :class:`~sklearn_charcnn.ThesaurusAugmenter` does this at fit time
only: in a pipeline it changes the training documents, never the documents
being predicted or scored. :func:`~sklearn_charcnn.augmenter.augment_dataset`
adds augmented copies instead, to enlarge a small data set.

This example shows augmented AG News headlines, checks the fit-time-only
behaviour, and trains a small char-CNN with and without augmented copies.

WordNet is read through NLTK. When NLTK cannot find it (see
:ref:`install`), the example falls back to a small hand-written thesaurus so
that it still runs; the printed sentences then show fewer replacements.
"""

# %%
# The thesaurus
# -------------
from sklearn_charcnn.thesaurus import WordNetNotFoundError, load_wordnet

try:
    load_wordnet()
    thesaurus = "wordnet"
except WordNetNotFoundError as exc:
    print(f"WordNet not found, using a small thesaurus instead.\n{exc}")
    thesaurus = {
        "reports": ["accounts", "stories"],
        "says": ["states", "declares"],
        "said": ["stated", "declared"],
        "company": ["firm", "business"],
        "shares": ["stocks"],
        "new": ["fresh", "novel"],
        "win": ["victory", "triumph"],
        "game": ["match", "contest"],
        "team": ["squad", "side"],
        "price": ["cost"],
        "prices": ["costs"],
        "first": ["initial"],
        "plans": ["programs", "schemes"],
        "deal": ["agreement", "bargain"],
        "officials": ["functionaries"],
    }
print("thesaurus:", thesaurus if isinstance(thesaurus, str) else "hand-written")

# %%
# Augmented headlines
# -------------------
# With the paper's ``p = q = 0.5`` one word of a document is replaced with
# probability about 1/2, two with about 1/4, and so on; each replaced word
# takes its closest synonym with probability about 1/2. Case, punctuation and
# whitespace around a word are kept.
from sklearn_charcnn import ThesaurusAugmenter
from sklearn_charcnn.datasets import load_ag_news

news = load_ag_news()
headlines = [doc.split(" ", 12)[:12] for doc in news.data[:6]]
headlines = [" ".join(words) for words in headlines]

augmenter = ThesaurusAugmenter(thesaurus=thesaurus, random_state=0)
for original, augmented in zip(
    headlines, augmenter.fit_transform(headlines), strict=True
):
    print(f"  {original}\n→ {augmented}\n")

# %%
# Only at fit time
# ----------------
# ``transform`` returns documents unchanged, so in a pipeline the predictions
# and the validation scores of a grid search are computed on the original
# text. ``fit_transform`` differs from ``fit().transform()`` on purpose, as
# for scikit-learn's :class:`~sklearn.preprocessing.TargetEncoder`.
print(augmenter.transform(headlines[:1]) == headlines[:1])

# %%
# Training with augmented copies
# ------------------------------
# Inside a pipeline, the augmenter replaces the training documents by one
# augmented version each. To train on the originals *and* augmented copies,
# enlarge the training set with
# :func:`~sklearn_charcnn.augmenter.augment_dataset`, after the test
# documents have been split off so that no copy of a test document leaks
# into training.
#
# Both models below are small (a quarter of the paper's feature maps) and
# train for 5 epochs on 1,000 articles cut to 256 characters (and their
# copies), so that the example stays quick on a CPU; the difference between
# them is that of this one small run, not a general finding (the measured
# effect on the full AG News sample is in :ref:`augmentation`).
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.augmenter import augment_dataset

X_train, X_test, y_train, y_test = train_test_split(
    news.data,
    news.target,
    train_size=1000,
    test_size=1000,
    stratify=news.target,
    random_state=0,
)
X_more, y_more = augment_dataset(
    X_train,
    y_train,
    n_copies=1,
    augmenter=ThesaurusAugmenter(thesaurus=thesaurus, random_state=0),
)
print(len(X_train), "training documents,", len(X_more), "with the augmented copies")


def make_model():
    """Return a small char-CNN pipeline, the same for both training sets."""
    return make_pipeline(
        CharQuantizer(max_length=256),
        CharCNNClassifier(
            n_filters=64,
            fc_width=256,
            max_epochs=5,
            early_stopping=False,
            random_state=0,
        ),
    )


scores = {}
for name, (X_fit, y_fit) in {
    "originals": (X_train, y_train),
    "originals + copies": (X_more, y_more),
}.items():
    model = make_model().fit(X_fit, y_fit)
    scores[name] = model.score(X_test, y_test)
    print(f"{name:>20}: test accuracy {scores[name]:.3f}")

# %%
import matplotlib.pyplot as plt

from sklearn_charcnn.plotting import plot_comparison

ax = plot_comparison(scores, title="char-CNN test accuracy, 1,000 AG News articles")
ax.set_xlim(0, 1.1)
plt.tight_layout()
plt.show()

# %%
# In this run:
difference = scores["originals + copies"] - scores["originals"]
print(
    "the augmented copies changed the test accuracy by "
    f"{100 * difference:+.1f} points ({scores['originals']:.3f} -> "
    f"{scores['originals + copies']:.3f})"
)

# %%
# To measure the effect on your own data with the full-size model, run
# ``python -m sklearn_charcnn compare --augment 2`` (two augmented copies of
# each training document).
