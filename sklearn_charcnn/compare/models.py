"""The models of a comparison and their settings.

``char-cnn``
    ``make_pipeline(CharQuantizer(max_length=256), CharCNNClassifier(...))``
    (10 epochs unless told otherwise), behind a ``ThesaurusAugmenter`` when
    ``augment`` is set; with ``ensemble=K``, a soft vote
    (:class:`~sklearn.ensemble.VotingClassifier`) of K such pipelines with
    consecutive seeds.
``tfidf-word``
    ``TfidfVectorizer`` on word 1-2-grams with sublinear tf and
    ``min_df=2``, then ``LogisticRegression`` with ``C`` chosen by 5-fold
    cross-validation on the training documents among 1, 3, 10 and 30.
``tfidf-char``
    The same on character 1-5-grams within word boundaries
    (``analyzer="char_wb"``).

For several labels per document (``multilabel=True``), the char-CNN chooses
one threshold per label on its validation split (``threshold="validation"``)
and each TF-IDF baseline ends in
:class:`~sklearn_charcnn.compare.TunedOneVsRestClassifier`: one
``LogisticRegression(class_weight="balanced")`` per label, with ``C`` among
1, 4 and 10 and the per-label thresholds chosen on rows held out of the
training documents (``validation``: a data set's development split where it
has one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_charcnn.compare.one_vs_rest import TunedOneVsRestClassifier

__all__ = [
    "BASELINE_C_GRID",
    "CHARCNN_DEFAULTS",
    "CHARCNN_MULTILABEL",
    "MODEL_NAMES",
    "MULTILABEL_C_GRID",
    "charcnn_params",
    "charcnn_pipelines",
    "make_models",
    "pipelines",
]

MODEL_NAMES = ("char-cnn", "tfidf-word", "tfidf-char")
"""The models :func:`~sklearn_charcnn.compare.make_models` builds, in the order they are fitted."""

CHARCNN_DEFAULTS = {"max_length": 256, "max_epochs": 10}
"""The comparison's char-CNN settings where they differ from the estimators'.

AG News articles average 233 characters, so 256 keeps nearly all of each;
10 epochs keep the main job short on a CPU. Every other setting is the
``CharCNNClassifier`` default.
"""

CHARCNN_MULTILABEL = {"threshold": "validation"}
"""The char-CNN's settings for several labels per document, over :data:`CHARCNN_DEFAULTS`.

One probability threshold per label, chosen on the classifier's own
validation split: the rule the multi-label baselines follow on their
held-out rows.
"""

BASELINE_C_GRID = (1.0, 3.0, 10.0, 30.0)
"""The inverse regularisation strengths the TF-IDF baselines choose from."""

MULTILABEL_C_GRID = (1.0, 4.0, 10.0)
"""The inverse regularisation strengths the multi-label TF-IDF baselines choose from."""


def charcnn_params(params: Mapping | None = None, *, multilabel: bool = False) -> dict:
    """Complete and check the char-CNN settings of a comparison.

    Parameters
    ----------
    params : mapping, default=None
        ``CharCNNClassifier`` keyword arguments and the quantizer's
        ``max_length``; what is missing comes from :data:`~sklearn_charcnn.compare.CHARCNN_DEFAULTS`.
    multilabel : bool, default=False
        Settings for several labels per document: then
        :data:`~sklearn_charcnn.compare.CHARCNN_MULTILABEL` comes before
        the given settings.

    Returns
    -------
    params : dict
        The settings, :data:`~sklearn_charcnn.compare.CHARCNN_DEFAULTS` first
        (and :data:`~sklearn_charcnn.compare.CHARCNN_MULTILABEL`), then the
        given ones.

    Raises
    ------
    ValueError
        If a key is neither ``max_length`` nor a ``CharCNNClassifier``
        parameter.

    Examples
    --------
    >>> from sklearn_charcnn.compare import charcnn_params
    >>> charcnn_params({"max_epochs": 3, "n_filters": 8})
    {'max_length': 256, 'max_epochs': 3, 'n_filters': 8}
    >>> charcnn_params({"max_length": 128}, multilabel=True)
    {'max_length': 128, 'max_epochs': 10, 'threshold': 'validation'}
    """
    from sklearn_charcnn.classifier import CharCNNClassifier

    multilabel_params = CHARCNN_MULTILABEL if multilabel else {}
    params = {**CHARCNN_DEFAULTS, **multilabel_params, **(params or {})}
    known = {"max_length", *CharCNNClassifier().get_params()}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"Unknown char-CNN setting(s) {unknown}; the settings are max_length "
            f"and the CharCNNClassifier parameters {sorted(known - {'max_length'})}."
        )
    return params


def _tfidf_logistic_regression(**vectorizer_params) -> Pipeline:
    # C by 5-fold CV on the training documents only; the vectorizer is fitted
    # on them once (it never sees a label), and the search refits only the
    # logistic regression, one candidate and fold per CPU core: each fit is
    # seeded, so the choice and the scores are those of a sequential search.
    return make_pipeline(
        TfidfVectorizer(min_df=2, sublinear_tf=True, **vectorizer_params),
        GridSearchCV(
            LogisticRegression(solver="saga", max_iter=1000, random_state=0),
            {"C": list(BASELINE_C_GRID)},
            cv=5,
            n_jobs=-1,
        ),
    )


def _tfidf_one_vs_rest(validation, random_state, **vectorizer_params) -> Pipeline:
    # C and the thresholds on held-out training rows only; the vectorizer is
    # fitted on all the training documents (it never sees a label), and the
    # labels' regressions are fitted one per CPU core.
    return make_pipeline(
        TfidfVectorizer(min_df=2, sublinear_tf=True, **vectorizer_params),
        TunedOneVsRestClassifier(
            LogisticRegression(
                class_weight="balanced", solver="liblinear", random_state=0
            ),
            param_grid={"C": list(MULTILABEL_C_GRID)},
            validation=validation,
            random_state=random_state,
            n_jobs=-1,
        ),
    )


def _check_names_and_ensemble(names, ensemble, multilabel=False) -> None:
    unknown = sorted(set(names) - set(MODEL_NAMES))
    if unknown:
        raise ValueError(f"Unknown model(s) {unknown}; choose among {MODEL_NAMES}.")
    if isinstance(ensemble, bool) or not isinstance(ensemble, int) or ensemble < 1:
        raise ValueError(
            f"ensemble must be a positive integer (the number of char-CNNs in the "
            f"vote); got {ensemble!r}."
        )
    if multilabel and ensemble > 1 and "char-cnn" in names:
        raise ValueError(
            f"ensemble={ensemble} needs one label per document: the vote "
            "(VotingClassifier) does not take a multi-label target. Pass "
            "ensemble=1 (--ensemble 1)."
        )


def make_models(
    names: Sequence[str] = MODEL_NAMES,
    *,
    charcnn: Mapping | None = None,
    augment: int = 0,
    augment_per_epoch: bool = False,
    ensemble: int = 1,
    random_state: int | None = 0,
    verbose: int = 0,
    multilabel: bool = False,
    validation=0.2,
) -> dict:
    """Build the pipelines of a comparison.

    Parameters
    ----------
    names : sequence of str, default=MODEL_NAMES
        Which of ``"char-cnn"``, ``"tfidf-word"`` and ``"tfidf-char"`` to
        build.
    charcnn : mapping, default=None
        The char-CNN's settings: ``CharCNNClassifier`` keyword arguments and
        the quantizer's ``max_length`` (see :func:`~sklearn_charcnn.compare.charcnn_params`).
    augment : int, default=0
        With ``N > 0``, put ``ThesaurusAugmenter(n_copies=N)`` (WordNet
        synonyms, training documents only) first in the char-CNN's pipeline.
    augment_per_epoch : bool, default=False
        Train each epoch on the originals and one of the ``augment`` copies
        of each document (the augmenter's ``per_epoch=True``) instead of on
        all of them.
    ensemble : int, default=1
        With ``K > 1``, the char-CNN is ``VotingClassifier(voting="soft")``
        of K copies of its pipeline, named ``member_0`` ... ``member_{K-1}``
        and seeded ``s``, ``s + 1``, ... from the char-CNN's seed ``s``
        (member 0 is the single model): the average of their predicted
        probabilities decides. K times the fit and prediction time.
    random_state : int or None, default=0
        Seed of the char-CNN and of the augmenter, unless ``charcnn`` sets
        the classifier's.
    verbose : int, default=0
        The char-CNN's verbosity, unless ``charcnn`` sets it.
    multilabel : bool, default=False
        Build the models for a 0/1 indicator target (several labels per
        document): the char-CNN with
        :data:`~sklearn_charcnn.compare.CHARCNN_MULTILABEL`, the baselines
        ending in :class:`~sklearn_charcnn.compare.TunedOneVsRestClassifier`.
    validation : float or cross-validation splitter, default=0.2
        With ``multilabel``, the rows of the training documents on which the
        baselines choose ``C`` and their thresholds (see
        :class:`~sklearn_charcnn.compare.TunedOneVsRestClassifier`), e.g. a
        :class:`~sklearn.model_selection.PredefinedSplit` of a data set's
        development split.

    Returns
    -------
    models : dict of str to estimator
        The unfitted pipelines (the char-CNN's ensemble, with ``ensemble``),
        by name, in the order of ``names``.

    Examples
    --------
    >>> from sklearn_charcnn.compare import make_models
    >>> models = make_models(["tfidf-word", "tfidf-char"])
    >>> list(models)
    ['tfidf-word', 'tfidf-char']
    >>> models["tfidf-char"][0].analyzer, models["tfidf-char"][0].ngram_range
    ('char_wb', (1, 5))
    >>> vote = make_models(["char-cnn"], ensemble=3)["char-cnn"]
    >>> [(name, member[-1].random_state) for name, member in vote.estimators]
    [('member_0', 0), ('member_1', 1), ('member_2', 2)]
    >>> tagged = make_models(["tfidf-word"], multilabel=True)["tfidf-word"]
    >>> type(tagged[-1]).__name__, tagged[-1].param_grid
    ('TunedOneVsRestClassifier', {'C': [1.0, 4.0, 10.0]})
    """
    _check_names_and_ensemble(names, ensemble, multilabel)
    settings = (
        charcnn_params(charcnn, multilabel=multilabel) if "char-cnn" in names else None
    )
    return _build(
        names, settings, augment, augment_per_epoch, ensemble, random_state, verbose,
        multilabel=multilabel, validation=validation,
    )  # fmt: skip


_VECTORIZERS = {
    "tfidf-word": {"ngram_range": (1, 2)},
    "tfidf-char": {"analyzer": "char_wb", "ngram_range": (1, 5)},
}


def _build(
    names, settings, augment, per_epoch, ensemble, random_state, verbose,
    *, multilabel=False, validation=0.2,
):  # fmt: skip
    """Build checked models: ``settings`` is :func:`~sklearn_charcnn.compare.charcnn_params`' output."""
    models = {}
    for name in names:
        if name == "char-cnn":
            params = {"random_state": random_state, "verbose": verbose, **settings}
            models[name] = _make_charcnn(params, augment, per_epoch, ensemble)
        elif multilabel:
            models[name] = _tfidf_one_vs_rest(
                validation, random_state, **_VECTORIZERS[name]
            )
        else:
            models[name] = _tfidf_logistic_regression(**_VECTORIZERS[name])
    return models


def _make_charcnn(params: dict, augment: int, per_epoch: bool, ensemble: int):
    if ensemble == 1:
        return _charcnn_pipeline(params, augment, per_epoch)
    seed = params["random_state"]
    members = [
        (
            f"member_{i}",
            _charcnn_pipeline(
                {**params, "random_state": None if seed is None else seed + i},
                augment,
                per_epoch,
            ),
        )
        for i in range(ensemble)
    ]
    return VotingClassifier(members, voting="soft")


def _charcnn_pipeline(params: dict, augment: int, per_epoch: bool) -> Pipeline:
    from sklearn_charcnn.classifier import CharCNNClassifier
    from sklearn_charcnn.quantizer import CharQuantizer

    params = dict(params)
    steps = []
    if augment:
        from sklearn_charcnn.augmenter import ThesaurusAugmenter

        steps.append(
            ThesaurusAugmenter(
                n_copies=augment,
                per_epoch=per_epoch,
                random_state=params["random_state"],
            )
        )
    steps.append(CharQuantizer(max_length=params.pop("max_length")))
    steps.append(CharCNNClassifier(**params))
    return make_pipeline(*steps)


def pipelines(model) -> list[tuple[str, Pipeline]]:
    """Return the pipelines of a model: itself, or a voting ensemble's members.

    Parameters
    ----------
    model : estimator
        A model of :func:`~sklearn_charcnn.compare.make_models` (or any estimator).

    Returns
    -------
    pipelines : list of (str, Pipeline)
        ``[("", model)]`` for a pipeline, the ``(name, member)`` pairs of a
        :class:`~sklearn.ensemble.VotingClassifier`'s pipeline members, and
        an empty list for anything else.

    Examples
    --------
    >>> from sklearn_charcnn.compare import make_models, pipelines
    >>> vote = make_models(["char-cnn"], ensemble=2)["char-cnn"]
    >>> [name for name, _ in pipelines(vote)]
    ['member_0', 'member_1']
    """
    if isinstance(model, VotingClassifier):
        return [(n, m) for n, m in model.estimators if isinstance(m, Pipeline)]
    return [("", model)] if isinstance(model, Pipeline) else []


def charcnn_pipelines(model) -> list[tuple[str, Pipeline]]:
    """Return the pipelines of a model that end in a ``CharCNNClassifier``.

    Parameters
    ----------
    model : estimator
        A model of :func:`~sklearn_charcnn.compare.make_models` (or any estimator).

    Returns
    -------
    pipelines : list of (str, Pipeline)
        As :func:`~sklearn_charcnn.compare.pipelines`, keeping the char-CNN pipelines only.

    Examples
    --------
    >>> from sklearn_charcnn.compare import charcnn_pipelines, make_models
    >>> models = make_models()
    >>> {name: len(charcnn_pipelines(model)) for name, model in models.items()}
    {'char-cnn': 1, 'tfidf-word': 0, 'tfidf-char': 0}
    """
    from sklearn_charcnn.classifier import CharCNNClassifier

    return [
        (name, pipeline)
        for name, pipeline in pipelines(model)
        if isinstance(pipeline[-1], CharCNNClassifier)
    ]
