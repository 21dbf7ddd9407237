"""Tests of the multi-label comparison: scores, intervals, paired test, baselines, record."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from _tiny_news import TINY_CHARCNN
from _tiny_tags import TAGS, tiny_tags
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import PredefinedSplit
from sklearn.multiclass import OneVsRestClassifier

from sklearn_charcnn.compare import (
    CORPUS_CHARCNN,
    Comparison,
    Corpus,
    ModelResult,
    PairedPermutationTest,
    TunedOneVsRestClassifier,
    evaluate,
    load_corpus,
    make_models,
    run_comparison,
    split_indices,
)
from sklearn_charcnn.compare.stats import (
    MULTILABEL_METRICS,
    multilabel_bootstrap_ci,
    multilabel_scores,
    paired_permutation_test,
)
from sklearn_charcnn.network import min_input_length


def noisy_copy(Y, rate, seed):
    """``Y`` with a fraction ``rate`` of its cells flipped."""
    flip = np.random.default_rng(seed).random(Y.shape) < rate
    return np.where(flip, 1 - Y, Y)


# ------------------------------------------------------------ statistics


def test_multilabel_scores_match_the_hand_computed_values():
    # Label 0: 2 true positives (F1 1); label 1: 1 false negative (F1 0).
    # Pooled: 2 TP, 1 FN, F1 4/5. Documents: F1 1 and 2/3. One of two
    # documents exact; 1 wrong decision of 4.
    scores = multilabel_scores([[1, 0], [1, 1]], [[1, 0], [1, 0]])
    assert scores == pytest.approx(
        {
            "macro_f1": 0.5,
            "micro_f1": 0.8,
            "samples_f1": 5 / 6,
            "subset_accuracy": 0.5,
            "hamming_loss": 0.25,
        }
    )
    assert list(scores) == list(MULTILABEL_METRICS)


def test_a_label_never_true_nor_predicted_scores_zero():
    scores = multilabel_scores([[1, 0], [1, 0]], [[1, 0], [1, 0]])
    assert scores["macro_f1"] == 0.5  # zero_division=0 for label 1
    assert scores["micro_f1"] == scores["subset_accuracy"] == 1.0


def test_bootstrap_intervals_match_resampling_with_sklearn():
    Y = tiny_tags(200)[1]
    predicted = noisy_copy(Y, 0.15, seed=1)
    intervals = multilabel_bootstrap_ci(Y, predicted, n_resamples=2000)
    rng = np.random.default_rng(7)
    draws = rng.integers(0, len(Y), size=(500, len(Y)))
    expected = {
        average: np.quantile(
            [f1_score(Y[i], predicted[i], average=average) for i in draws],
            [0.025, 0.975],
        )
        for average in ("macro", "micro")
    }
    assert intervals["macro_f1"] == pytest.approx(expected["macro"], abs=0.015)
    assert intervals["micro_f1"] == pytest.approx(expected["micro"], abs=0.015)
    scores = multilabel_scores(Y, predicted)
    for name in MULTILABEL_METRICS:
        low, high = intervals[name]
        assert low <= scores[name] <= high
    assert multilabel_bootstrap_ci(Y, predicted, n_resamples=2000) == intervals


def test_bootstrap_of_perfect_predictions_is_a_point():
    Y = tiny_tags(30)[1]
    intervals = multilabel_bootstrap_ci(Y, Y, n_resamples=200)
    assert intervals["micro_f1"] == intervals["subset_accuracy"] == (1.0, 1.0)
    assert intervals["hamming_loss"] == (0.0, 0.0)


def test_permutation_test_enumerates_every_swap_of_few_documents():
    # Second model: macro-F1 2/3 against 1. Swapping document 1 or document
    # 2 alone evens the scores; swapping both reverses them; document 0 is
    # predicted alike. Null: +1/3, 0, 0, -1/3, twice: P(|d| >= 1/3) = 4/8.
    y = [[1, 0], [0, 1], [1, 1]]
    test = paired_permutation_test(y, y, [[1, 0], [0, 0], [0, 1]])
    assert test.difference == pytest.approx(1 / 3)
    assert test.p_value == pytest.approx(0.5)
    assert test.n_resamples == 8
    assert test.method == "exact, all 8 swaps"


def test_permutation_test_of_the_same_predictions_finds_no_difference():
    Y = tiny_tags(40)[1]
    predicted = noisy_copy(Y, 0.2, seed=3)
    test = paired_permutation_test(Y, predicted, predicted, n_resamples=99)
    assert (test.difference, test.p_value) == (0.0, 1.0)


def test_permutation_test_tells_a_much_better_model_apart():
    Y = tiny_tags(100)[1]
    good, bad = noisy_copy(Y, 0.02, seed=4), noisy_copy(Y, 0.4, seed=5)
    test = paired_permutation_test(Y, good, bad, n_resamples=999)
    assert test.difference > 0.3
    # No swap reaches it: (0 + 1) / (999 + 1) on either side, doubled.
    assert test.p_value == pytest.approx(2 / 1000)
    assert test.method == "999 random swaps"
    again = paired_permutation_test(Y, bad, good, n_resamples=999)
    assert again.difference == pytest.approx(-test.difference)


@pytest.mark.parametrize(
    "y_pred, match",
    [
        ([[1, 2], [0, 1]], "0/1 indicator"),
        ([1, 0], "0/1 indicator"),
        ([[1, 0]], "one shape"),
    ],
)
def test_multilabel_statistics_reject_bad_matrices(y_pred, match):
    with pytest.raises(ValueError, match=match):
        multilabel_scores([[1, 0], [0, 1]], y_pred)
    with pytest.raises(ValueError, match=match):
        paired_permutation_test([[1, 0], [0, 1]], [[1, 0], [0, 1]], y_pred)


# ------------------------------------------------------------- baselines


def tagged_features(n=90, seed=0):
    """Dense features that predict three labels, and the labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    Y = (X[:, :3] + 0.7 * rng.normal(size=(n, 3)) > 0.6).astype(int)
    return X, Y


def test_tuned_one_vs_rest_keeps_the_candidate_fitted_on_training_rows_only():
    X, Y = tagged_features()
    fold = np.r_[np.full(60, -1), np.zeros(30, int)]
    model = TunedOneVsRestClassifier(
        LogisticRegression(),
        param_grid={"C": [0.01, 1.0]},
        validation=PredefinedSplit(fold),
    ).fit(X, Y)
    reference = OneVsRestClassifier(LogisticRegression(**model.best_params_))
    reference.fit(X[:60], Y[:60])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, reference.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), proba > model.thresholds_)
    # Each threshold maximises its label's F1 on the held-out rows.
    held_out = proba[60:]
    for k, threshold in enumerate(model.thresholds_):
        best = f1_score(Y[60:, k], held_out[:, k] > threshold)
        for cut in np.unique(held_out[:, k]):
            assert f1_score(Y[60:, k], held_out[:, k] >= cut) <= best + 1e-12
    scores = model.cv_results_["mean_test_score"]
    assert model.best_score_ == scores.max()
    assert [p["C"] for p in model.cv_results_["params"]] == [0.01, 1.0]
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])


def test_tuned_one_vs_rest_chooses_by_the_held_out_labels():
    X, Y = tagged_features()
    fold = np.r_[np.full(60, -1), np.zeros(30, int)]
    model = TunedOneVsRestClassifier(
        LogisticRegression(),
        param_grid={"C": [0.01, 1.0, 10.0]},
        validation=PredefinedSplit(fold),
    )
    first = clone(model).fit(X, Y)
    # The same rows give the same choice; other held-out labels another.
    again = clone(model).fit(X, Y)
    np.testing.assert_array_equal(again.thresholds_, first.thresholds_)
    assert again.best_params_ == first.best_params_
    moved = clone(model).fit(X, np.r_[Y[:60], 1 - Y[60:]])
    assert not np.array_equal(moved.thresholds_, first.thresholds_)


def test_tuned_one_vs_rest_draws_a_seeded_held_out_fraction():
    X, Y = tagged_features(120)
    model = TunedOneVsRestClassifier(
        LogisticRegression(), validation=0.25, random_state=3
    )
    first, second = model.fit(X, Y).thresholds_, model.fit(X, Y).thresholds_
    np.testing.assert_array_equal(first, second)
    other = model.set_params(random_state=4).fit(X, Y).thresholds_
    assert not np.array_equal(first, other)


def test_tuned_one_vs_rest_rejects_one_label_per_row():
    X, Y = tagged_features()
    with pytest.raises(ValueError, match="multi-label indicator"):
        TunedOneVsRestClassifier(LogisticRegression()).fit(X, Y[:, 0])


def test_multilabel_baselines_choose_c_and_thresholds_on_the_dev_rows_only():
    X, Y, _ = tiny_tags(90)
    corpus = Corpus(X, Y, "tags", subsets={"train": 50, "dev": 20, "test": 20})
    cv, validation = corpus.official_split()
    models = make_models(["tfidf-word"], multilabel=True, validation=validation)

    def chosen(documents, labels):
        result = evaluate(models, documents, labels, cv=cv, return_estimators=True)
        final = result.estimators["tfidf-word"][0][-1]
        return final.best_params_, final.thresholds_, result

    params, thresholds, result = chosen(X, Y)
    # Other test documents and labels: the same choices, other scores.
    other_X = X[:70] + [f"nothing to see {i}" for i in range(20)]
    other_params, other_thresholds, other = chosen(other_X, np.r_[Y[:70], 1 - Y[70:]])
    assert other_params == params
    np.testing.assert_array_equal(other_thresholds, thresholds)
    assert other["tfidf-word"].macro_f1 != result["tfidf-word"].macro_f1
    assert result["tfidf-word"].n_train == 70 and result["tfidf-word"].n_test == 20


def test_fitted_multilabel_baseline_saves_with_skops(tmp_path):
    X, Y, _ = tiny_tags(60)
    model = make_models(["tfidf-char"], multilabel=True)["tfidf-char"].fit(X, Y)
    sio.dump(model, tmp_path / "model.skops")
    types = sio.get_untrusted_types(file=tmp_path / "model.skops")
    assert "sklearn_charcnn.compare.one_vs_rest.TunedOneVsRestClassifier" in types
    loaded = sio.load(tmp_path / "model.skops", trusted=types)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_multilabel_models_and_their_settings():
    models = make_models(multilabel=True, charcnn={"max_length": 160})
    assert models["char-cnn"][-1].threshold == "validation"
    assert models["char-cnn"][0].max_length == 160
    final = models["tfidf-char"][-1]
    assert final.param_grid == {"C": [1.0, 4.0, 10.0]}
    assert final.estimator.class_weight == "balanced"
    with pytest.raises(ValueError, match="ensemble=2 needs one label per document"):
        make_models(multilabel=True, ensemble=2)


def test_goemotions_max_length_is_small_but_accepted_by_the_network():
    length = CORPUS_CHARCNN["goemotions"]["max_length"]
    assert min_input_length() <= length < 256


def test_multilabel_split_is_shuffled_and_covers_every_document():
    Y = tiny_tags(30)[1]
    [(train, test)] = split_indices(Y)
    assert (len(train), len(test)) == (24, 6)
    folds = split_indices(Y, cv=3)
    tested = np.sort(np.concatenate([test for _, test in folds]))
    np.testing.assert_array_equal(tested, np.arange(30))


# ---------------------------------------------------------------- record


def test_run_comparison_of_a_multilabel_corpus_end_to_end():
    X, Y, names = tiny_tags(60)
    result = run_comparison(X, Y, charcnn=TINY_CHARCNN, target_names=names)
    assert result.multilabel
    assert result.corpus["classes"] == TAGS
    assert result.settings["charcnn"]["threshold"] == "validation"
    assert result.settings["baseline_validation"] == 0.2
    header = result.table().splitlines()[0].split("  ")
    assert [cell.strip() for cell in header if cell.strip()] == [
        *Comparison.MULTILABEL_COLUMNS,
        "permutation p vs char-cnn",
    ]
    row = result["tfidf-word"]
    assert row.scores["macro_f1"] == row.macro_f1
    assert row.accuracy == row.scores["subset_accuracy"]
    assert set(row.intervals) == set(MULTILABEL_METRICS)
    assert row.params["C"] in (1.0, 4.0, 10.0)
    history = result["char-cnn"].history
    assert {"valid_f1_micro", "test_macro_f1"} <= set(history[0])
    tests = result.paired_tests
    assert [type(t) for t in tests] == [PairedPermutationTest] * 2
    assert tests[0].n_documents == 12 and tests[0].metric == "macro_f1"
    assert "permutation test" in result.evaluation["paired_test"]
    expected = row.scores["macro_f1"] - result["char-cnn"].scores["macro_f1"]
    assert tests[0].difference == pytest.approx(-expected)


def test_multilabel_record_round_trips_through_json(tmp_path):
    X, Y, names = tiny_tags(40)
    result = run_comparison(
        X, Y, models=["tfidf-word", "tfidf-char"], cv=2, target_names=names
    )
    assert result.evaluation["interval"] == "Student t across folds"
    again = Comparison.from_json(result.to_json(tmp_path / "record.json"))
    assert again.to_dict() == result.to_dict()
    assert again["tfidf-char"].intervals == result["tfidf-char"].intervals
    assert isinstance(again["tfidf-char"].intervals["macro_f1"], tuple)
    assert again.table("markdown") == result.table("markdown")
    assert [line for line in again.summary_lines() if "macro-F1" in line]


def test_a_single_label_record_has_no_multilabel_keys():
    row = ModelResult("tfidf-word", 0.9, (0.88, 0.92), 0.89, 1.0, 0.1, "cpu", 80, 20)
    data = Comparison(models=[row]).to_dict()
    assert "scores" not in data["models"][0] and "intervals" not in data["models"][0]
    assert not Comparison.from_dict(json.loads(json.dumps(data))).multilabel


def test_multilabel_figure_plots_macro_f1(tmp_path):
    from sklearn_charcnn.plotting import plot_comparison_figure

    X, Y, names = tiny_tags(60)
    result = run_comparison(
        X, Y, charcnn=TINY_CHARCNN, models=["char-cnn", "tfidf-word"]
    )
    figure = plot_comparison_figure(result)
    left, right = figure.axes
    assert right.get_title() == "Test macro-F1, 95% CI"
    assert "permutation p" in right.texts[1].get_text()
    labels = [line.get_label() for line in left.get_lines()]
    assert labels == ["validation micro-F1", "test macro-F1", "tfidf-word"]
    figure.savefig(tmp_path / "compare.png")


def test_render_results_lays_out_multilabel_records_in_their_own_table():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "render_results.py"
    spec = importlib.util.spec_from_file_location("render_results", path)
    render_results = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_results)
    X, Y, names = tiny_tags(40)
    tagged = run_comparison(X, Y, models=["tfidf-word"], target_names=names)
    single = Comparison(
        models=[
            ModelResult("tfidf-word", 0.9, (0.88, 0.92), 0.89, 1.0, 0.1, "cpu", 80, 20)
        ]
    )
    results = {"tags": tagged, "news": single}
    table = render_results.model_table(results, multilabel=True)
    assert table.splitlines()[0].startswith(
        "| result | train / test | model | macro-F1"
    )
    assert "| tags |" in table and "| news |" not in table
    assert "| news |" in render_results.model_table(results)
    assert "Several labels per document" in render_results.render(results)


# ----------------------------------------------------------- GoEmotions


@pytest.mark.shared_data
def test_goemotions_corpus_brings_its_split_labels_and_settings(shared_data):
    corpus = load_corpus("goemotions", data_home=shared_data)
    assert corpus.subsets == {"train": 43410, "dev": 5426, "test": 5427}
    assert corpus.target.shape == (54263, 28) and corpus.multilabel
    assert (
        corpus.target_names[0] == "admiration" and corpus.target_names[-1] == "neutral"
    )
    assert corpus.charcnn == CORPUS_CHARCNN["goemotions"]
    [(train, test)], validation = corpus.official_split()
    assert (len(train), len(test)) == (48836, 5427)
    assert (validation.test_fold == 0).sum() == 5426
    assert corpus.details()["subsets"] == corpus.subsets
    dev = load_corpus("goemotions", subset="dev", data_home=shared_data)
    assert dev.subsets is None and len(dev.data) == 5426
