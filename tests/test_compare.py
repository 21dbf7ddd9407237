"""Tests of the experiment engine (and of the command's --scheduler option)."""

import math
import os
import socket
import time

import joblib
import numpy as np
import pytest
from _local_cluster import local_cluster
from _tiny_news import TINY_CHARCNN, TINY_CSV, read_tiny_csv
from _torch_threads import one_torch_thread
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.utils.validation import check_is_fitted

from sklearn_charcnn.cli import main
from sklearn_charcnn.compare import (
    BASELINE_C_GRID,
    CHARCNN_DEFAULTS,
    Comparison,
    charcnn_params,
    evaluate,
    load_corpus,
    make_models,
    run_comparison,
)
from sklearn_charcnn.compare.stats import bootstrap_accuracy_ci, fold_mean_ci, mcnemar

# ------------------------------------------------------------ statistics


def test_mcnemar_exact_binomial_matches_the_hand_computed_p_value():
    # 6 discordant documents, 1 against 5: P[X <= 1] = (1 + 6) / 2**6.
    assert mcnemar(1, 5).p_value == pytest.approx(2 * 7 / 64)
    assert mcnemar(5, 1).p_value == pytest.approx(2 * 7 / 64)
    assert mcnemar(0, 3).p_value == pytest.approx(2 / 8)
    assert mcnemar(1, 5).method == "exact binomial"
    # 24 discordant, all on one side: still exact, 2 / 2**24.
    assert mcnemar(0, 24).p_value == pytest.approx(2 / 2**24)
    assert mcnemar(12, 12).p_value == 1.0
    assert mcnemar(0, 0).p_value == 1.0


def test_mcnemar_uses_the_corrected_chi_square_for_many_discordant_documents():
    # (|10 - 30| - 1)^2 / 40 = 9.025; a chi-square(1) tail is erfc(sqrt(x / 2)).
    result = mcnemar(10, 30)
    assert result.method == "chi-square, continuity-corrected"
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(9.025 / 2)))
    assert mcnemar(0, 25).method == "chi-square, continuity-corrected"


def test_mcnemar_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        mcnemar(-1, 3)


def test_bootstrap_interval_matches_the_normal_approximation():
    # 1,176 of 1,520 right: p = 0.7737, sd = sqrt(p (1 - p) / n) = 0.01073.
    low, high = bootstrap_accuracy_ci(1176, 1520)
    p = 1176 / 1520
    sd = math.sqrt(p * (1 - p) / 1520)
    assert low == pytest.approx(p - 1.96 * sd, abs=0.002)
    assert high == pytest.approx(p + 1.96 * sd, abs=0.002)
    assert bootstrap_accuracy_ci(1176, 1520) == (low, high)  # seeded


def test_bootstrap_interval_equals_resampling_the_documents():
    correct = np.zeros(400, dtype=bool)
    correct[:300] = True
    rng = np.random.default_rng(42)
    resampled = correct[rng.integers(0, 400, size=(4000, 400))].mean(axis=1)
    expected = np.quantile(resampled, [0.025, 0.975])
    assert bootstrap_accuracy_ci(300, 400) == pytest.approx(expected, abs=0.005)


def test_bootstrap_interval_of_a_perfect_score_is_a_point():
    assert bootstrap_accuracy_ci(20, 20) == (1.0, 1.0)
    assert bootstrap_accuracy_ci(0, 20) == (0.0, 0.0)


def test_fold_interval_is_the_student_t_interval_of_the_mean():
    # mean 0.82, sd 0.02, t(0.975, 2) = 4.302653: 0.82 -/+ 0.049683.
    low, high = fold_mean_ci([0.80, 0.82, 0.84])
    assert (low, high) == pytest.approx((0.770317, 0.869683), abs=1e-6)
    assert fold_mean_ci([0.9, 1.0]) == pytest.approx((0.3147, 1.0), abs=1e-4)


# ---------------------------------------------------------------- models


def test_charcnn_settings_take_one_route():
    assert charcnn_params() == CHARCNN_DEFAULTS
    models = make_models(
        ["char-cnn"],
        charcnn={"max_length": 300, "max_epochs": 3, "batch_size": 16, "n_filters": 8},
        random_state=7,
    )
    quantizer, classifier = models["char-cnn"].named_steps.values()
    assert quantizer.max_length == 300
    assert (
        classifier.max_epochs,
        classifier.batch_size,
        classifier.n_filters,
        classifier.random_state,
    ) == (3, 16, 8, 7)


def test_unknown_charcnn_setting_names_the_known_ones():
    with pytest.raises(
        ValueError, match=r"Unknown char-CNN setting\(s\) \['n_layers'\]"
    ):
        charcnn_params({"n_layers": 3})


def test_unknown_model_is_rejected():
    with pytest.raises(ValueError, match=r"Unknown model\(s\) \['svm'\]"):
        make_models(["svm"])


def test_baselines_are_the_tuned_tfidf_models():
    models = make_models(["tfidf-word", "tfidf-char"])
    for name, analyzer, ngrams in [
        ("tfidf-word", "word", (1, 2)),
        ("tfidf-char", "char_wb", (1, 5)),
    ]:
        vectorizer, search = models[name].named_steps.values()
        assert isinstance(vectorizer, TfidfVectorizer)
        assert (vectorizer.analyzer, vectorizer.ngram_range) == (analyzer, ngrams)
        assert vectorizer.sublinear_tf and vectorizer.min_df == 2
        assert isinstance(search, GridSearchCV)
        assert search.param_grid == {"C": list(BASELINE_C_GRID)}


@pytest.mark.wordnet
def test_augment_puts_a_thesaurus_augmenter_with_n_copies_first():
    models = make_models(["char-cnn"], augment=2, random_state=1)
    steps = models["char-cnn"].steps
    assert [name for name, _ in steps] == [
        "thesaurusaugmenter",
        "charquantizer",
        "charcnnclassifier",
    ]
    assert (steps[0][1].n_copies, steps[0][1].random_state) == (2, 1)


# ------------------------------------------------------------ evaluation


@pytest.fixture(scope="module")
def tiny_comparison():
    X, y = read_tiny_csv()
    return run_comparison(X, y, charcnn=TINY_CHARCNN, corpus_name="tiny")


def test_hold_out_comparison_scores_every_model_on_the_same_documents(
    tiny_comparison,
):
    record = tiny_comparison
    assert [m.name for m in record.models] == ["char-cnn", "tfidf-word", "tfidf-char"]
    assert record.corpus == {
        "name": "tiny",
        "n_documents": 40,
        "classes": ["scitech", "sports"],
    }
    assert record.evaluation["test_size"] == 0.2 and record.evaluation["cv"] is None
    assert record.settings["charcnn"] == TINY_CHARCNN
    for model in record.models:
        assert (model.n_train, model.n_test) == (32, 8)
        # 8 test documents: every accuracy is a multiple of 1/8.
        assert model.accuracy * 8 == pytest.approx(round(model.accuracy * 8))
        low, high = model.accuracy_ci
        assert low <= model.accuracy <= high
    assert record["tfidf-word"].params["C"] in BASELINE_C_GRID
    history = record["char-cnn"].history
    assert [epoch["epoch"] for epoch in history] == [1]
    assert history[-1]["test_acc"] == record["char-cnn"].accuracy


def test_paired_tests_count_the_discordant_documents(tiny_comparison):
    record = tiny_comparison
    assert [(t.model, t.reference) for t in record.paired_tests] == [
        ("char-cnn", "tfidf-word"),
        ("char-cnn", "tfidf-char"),
    ]
    for test in record.paired_tests:
        assert test.n_documents == 8
        assert test.accuracy_difference == pytest.approx(
            record[test.model].accuracy - record[test.reference].accuracy
        )
        assert test.p_value == mcnemar(test.only_model, test.only_reference).p_value


def test_paired_test_on_constant_predictions_is_hand_checked():
    # 6 documents of class "a" then 2 of "b": always-"a" is right on 6,
    # always-"b" on 2, never both.
    X = [f"doc {i}" for i in range(16)]
    y = np.array(["a"] * 6 + ["b"] * 2 + ["a"] * 6 + ["b"] * 2)
    models = {
        "always-a": DummyClassifier(strategy="constant", constant="a"),
        "always-b": DummyClassifier(strategy="constant", constant="b"),
    }
    record = evaluate(
        models, X, y, cv=[(np.arange(8, 16), np.arange(8))], reference="always-a"
    )
    [test] = record.paired_tests
    assert (test.only_model, test.only_reference) == (6, 2)
    assert test.p_value == pytest.approx(2 * (1 + 8 + 28) / 256)  # P[X <= 2], n=8
    assert record.evaluation["cv"] == "predefined"
    assert record["always-a"].accuracy == 0.75


def test_cross_validation_gives_an_interval_across_folds():
    X, y = read_tiny_csv()
    record = evaluate(make_models(["tfidf-word"]), X, y, cv=2)
    [model] = record.models
    accuracies = [fold["accuracy"] for fold in model.folds]
    assert len(accuracies) == 2
    assert model.accuracy == pytest.approx(np.mean(accuracies))
    assert model.accuracy_ci == fold_mean_ci(accuracies)
    assert record.evaluation["cv"] == 2 and record.paired_tests == []


def test_evaluate_leaves_the_given_models_unchanged():
    X, y = read_tiny_csv()
    models = make_models(["char-cnn", "tfidf-word"], charcnn=TINY_CHARCNN, ensemble=2)
    before = {name: joblib.hash(model) for name, model in models.items()}
    record = evaluate(models, X, y, epoch_lines=True, return_estimators=True)
    assert {name: joblib.hash(model) for name, model in models.items()} == before
    for model in models.values():
        with pytest.raises(NotFittedError):
            check_is_fitted(model)
    # The fitted clones come back with return_estimators, one per fold.
    [search] = record.estimators["tfidf-word"]
    assert search[-1].best_params_ == record["tfidf-word"].params
    assert not hasattr(evaluate(models, X, y, test_curve=False), "estimators")


def test_fitted_char_cnn_keeps_neither_the_test_set_nor_extra_callbacks():
    X, y = read_tiny_csv()
    models = make_models(["char-cnn"], charcnn=TINY_CHARCNN)
    record = evaluate(models, X, y, epoch_lines=True, return_estimators=True)
    [fitted] = record.estimators["char-cnn"]
    classifier = fitted[-1]
    assert classifier.callbacks is None
    callbacks = dict(classifier.net_.callbacks_)
    assert callbacks["test_score"].codes is None


def test_epoch_lines_go_to_stderr_without_carriage_returns(capsys):
    X, y = read_tiny_csv()
    models = make_models(["char-cnn"], charcnn={**TINY_CHARCNN, "max_epochs": 2})
    evaluate(models, X, y, epoch_lines=True)
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = [line for line in err.splitlines() if "epoch" in line]
    assert [line.split(",")[0] for line in lines] == [
        "char-cnn: epoch 1/2",
        "char-cnn: epoch 2/2",
    ]


# ---------------------------------------------------------------- record


def test_record_round_trips_through_json(tiny_comparison, tmp_path):
    path = tmp_path / "compare.json"
    text = tiny_comparison.to_json(path)
    again = Comparison.from_json(path)
    assert again == tiny_comparison
    assert Comparison.from_json(text) == tiny_comparison
    assert again.summary_lines() == tiny_comparison.summary_lines()
    data = tiny_comparison.to_dict()
    assert data["schema"] == "sklearn-charcnn/comparison/1"
    assert data["table"] == tiny_comparison.table()
    assert data["summary"][0] == "tiny: 32 training / 8 test documents (one split)"


def test_record_of_another_schema_is_refused():
    with pytest.raises(ValueError, match="Not a comparison record"):
        Comparison.from_dict({"benchmark": "quantizer_speed"})


def test_table_shows_interval_and_mcnemar_column(tiny_comparison):
    header, rule, *rows = tiny_comparison.table().splitlines()
    assert header.startswith("model       accuracy  95% CI ")
    assert header.endswith("McNemar p vs char-cnn")
    assert rows[0].rstrip().endswith("cpu")  # no test of char-cnn against itself
    p_value = tiny_comparison.paired_tests[0].p_value
    assert rows[1].endswith(f"{p_value:.3f}" if p_value >= 0.001 else "< 0.001")


def test_load_corpus_reads_the_embedded_split_and_csv_files():
    corpus = load_corpus()
    assert (len(corpus.data), corpus.name) == (7600, "AG News test split (embedded)")
    tiny = load_corpus(csv=TINY_CSV)
    assert (len(tiny.data), tiny.name) == (40, "tiny_news.csv")
    with pytest.raises(ValueError, match=r"no column\(s\) \['body'\]"):
        load_corpus(csv=TINY_CSV, text_column="body")


def test_load_corpus_reads_a_data_set_from_the_data_home():
    corpus = load_corpus(
        "ag_news", subset="all", data_home=TINY_CSV.parent / "data_home"
    )
    # 6 training + 2 test articles of the fixture.
    assert (len(corpus.data), corpus.name) == (8, "AG News all")


# ------------------------------------------------------------ on Dask


@pytest.fixture(scope="module")
def scheduler():
    """A scheduler with two worker processes of one thread, on 127.0.0.1.

    The workers start without ``NLTK_DATA``: only the WordNet plugin that
    ``evaluate`` registers can point them at WordNet.
    """
    pytest.importorskip("distributed")
    with local_cluster(2, 1, env={"NLTK_DATA": ""}) as cluster:
        yield cluster.scheduler_address


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def without_timings(record):
    """The record's results, less the seconds, which differ from run to run."""
    rows = []
    for model in record.models:
        row = {k: v for k, v in vars(model).items() if not k.endswith("_s")}
        row["folds"] = [
            {
                **{k: v for k, v in fold.items() if not k.endswith("_s")},
                "history": [
                    {k: v for k, v in epoch.items() if k != "dur"}
                    for epoch in fold.get("history", [])
                ],
            }
            for fold in model.folds
        ]
        rows.append(row)
    return rows, record.paired_tests


def where_fitted():
    """A classifier that records the process it was fitted in.

    Defined in a function, so that Dask ships the class to the workers by
    value rather than by a module name they cannot import.
    """

    class WhereFitted(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            self.pid_ = os.getpid()
            return super().fit(X, y, sample_weight)

    return WhereFitted(strategy="most_frequent")


# Each cluster's scheduler serves /metrics on port 8787 or, when taken, another.
ignore_metrics_port = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")


@ignore_metrics_port
def test_cross_validation_on_a_dask_scheduler_gives_the_sequential_scores(
    scheduler,
):
    X, y = read_tiny_csv()

    def compare(**options):
        return run_comparison(
            X,
            y,
            models=["char-cnn", "tfidf-word"],
            charcnn=TINY_CHARCNN,
            cv=2,
            corpus_name="tiny",
            **options,
        )

    with one_torch_thread():
        sequential = compare()
    on_dask = compare(scheduler=scheduler)
    assert on_dask.evaluation == {**sequential.evaluation, "scheduler": scheduler}
    assert without_timings(on_dask) == without_timings(sequential)
    assert len(on_dask["char-cnn"].folds) == 2


@ignore_metrics_port
def test_models_fitted_on_dask_come_back_fitted(scheduler):
    X, y = read_tiny_csv()
    models = {"dummy": where_fitted(), **make_models(["tfidf-word"])}
    record = evaluate(
        models,
        X,
        y,
        scheduler=scheduler,
        reference="tfidf-word",
        return_estimators=True,
    )
    [dummy], [pipeline] = record.estimators["dummy"], record.estimators["tfidf-word"]
    assert dummy.pid_ != os.getpid()  # it ran on a worker
    assert record["dummy"].accuracy == 0.5  # 4 of 8 test documents per topic
    assert dummy.classes_.tolist() == ["scitech", "sports"]
    assert not hasattr(models["dummy"], "classes_")
    search = pipeline[-1]
    assert search.best_params_ == record["tfidf-word"].params


@pytest.mark.wordnet
@ignore_metrics_port
def test_augmented_comparison_on_dask_sets_up_wordnet_on_the_workers(scheduler):
    X, y = read_tiny_csv()

    def compare(**options):
        return run_comparison(
            X, y, models=["char-cnn"], charcnn=TINY_CHARCNN, augment=1, **options
        )

    with one_torch_thread():
        sequential = compare()
    assert without_timings(compare(scheduler=scheduler)) == without_timings(sequential)


def test_unreachable_scheduler_fails_within_seconds():
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    X, y = read_tiny_csv()
    address = f"tcp://127.0.0.1:{closed_port()}"
    start = time.perf_counter()
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(
            OSError, match=f"No Dask scheduler answered at '{address}' within 1 s"
        ):
            evaluate(make_models(["tfidf-word"]), X, y, scheduler=address)
    assert time.perf_counter() - start < 10


def test_compare_command_reports_an_unreachable_scheduler(tmp_path, capsys):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{closed_port()}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = main(
            [
                "compare",
                "--csv",
                str(TINY_CSV),
                "--models",
                "tfidf-word",
                "--scheduler",
                address,
                "--quiet",
                "--no-plot",
                "--output-dir",
                str(tmp_path),
            ]
        )
    assert status == 1
    assert (
        f"error: No Dask scheduler answered at '{address}'" in capsys.readouterr().err
    )
    assert not (tmp_path / "compare.json").exists()


def test_make_models_puts_a_per_epoch_augmenter_first():
    from sklearn_charcnn.augmenter import ThesaurusAugmenter

    for per_epoch in (False, True):
        (augmenter, *_) = make_models(
            ["char-cnn"], augment=3, augment_per_epoch=per_epoch
        )["char-cnn"]
        assert isinstance(augmenter, ThesaurusAugmenter)
        assert (augmenter.n_copies, augmenter.per_epoch) == (3, per_epoch)


# -------------------------------------------------------------- ensembles


def test_ensemble_is_a_soft_vote_of_pipelines_with_consecutive_seeds():
    [vote] = make_models(["char-cnn"], ensemble=3, random_state=5).values()
    assert vote.voting == "soft"
    assert [name for name, _ in vote.estimators] == ["member_0", "member_1", "member_2"]
    assert [m[-1].random_state for _, m in vote.estimators] == [5, 6, 7]
    # A seed among the char-CNN's settings is the first member's.
    [vote] = make_models(
        ["char-cnn"], charcnn={"random_state": 2}, ensemble=2, random_state=5
    ).values()
    assert [m[-1].random_state for _, m in vote.estimators] == [2, 3]
    # With ensemble=1 it is the plain pipeline.
    [single] = make_models(["char-cnn"], ensemble=1).values()
    assert type(single).__name__ == "Pipeline"


@pytest.mark.parametrize("ensemble", [0, -1, 1.5, True])
def test_ensemble_size_must_be_a_positive_integer(ensemble):
    with pytest.raises(ValueError, match="ensemble must be a positive integer"):
        make_models(["char-cnn"], ensemble=ensemble)


@pytest.fixture(scope="module")
def ensemble_comparison():
    X, y = read_tiny_csv()
    charcnn = {**TINY_CHARCNN, "max_epochs": 2}
    models = make_models(["char-cnn"], charcnn=charcnn, ensemble=2)
    record = evaluate(models, X, y, epoch_lines=True, return_estimators=True)
    single = make_models(["char-cnn"], charcnn=charcnn)
    single = evaluate(single, X, y, return_estimators=True).estimators["char-cnn"]
    return record, record.estimators["char-cnn"][0], single[0], X, y


def test_ensemble_member_zero_is_the_single_model(ensemble_comparison):
    _, vote, single, X, _ = ensemble_comparison
    np.testing.assert_array_equal(
        vote.named_estimators_["member_0"].predict_proba(X), single.predict_proba(X)
    )
    # The other member has another seed, so other weights.
    other = vote.named_estimators_["member_1"].predict_proba(X)
    assert not np.allclose(other, single.predict_proba(X))


def test_ensemble_record_holds_each_member_and_the_vote(ensemble_comparison):
    record, vote, _, X, y = ensemble_comparison
    [row] = record.models
    [fold] = row.folds
    assert fold["params"] == {"members": 2} and "history" not in fold
    # evaluate's hold-out split.
    _, test = train_test_split(
        np.arange(len(X)), test_size=0.2, stratify=y, random_state=0
    )
    X_test, y_test = [X[i] for i in test], y[test]
    for member in fold["members"]:
        fitted = vote.named_estimators_[member["name"]]
        assert member["random_state"] == fitted[-1].random_state
        assert member["epochs_run"] == 2 == len(member["history"])
        # Members predict label indices; the record scores them as labels.
        predicted = vote.classes_[fitted.predict(X_test)]
        assert member["accuracy"] == np.mean(predicted == y_test)
        assert member["history"][-1]["test_acc"] == pytest.approx(member["accuracy"])
    assert len(row.histories) == 2 and row.history == fold["members"][0]["history"]
    # The vote averages the members' probabilities.
    probabilities = np.mean(
        [m.predict_proba(X_test) for m in vote.named_estimators_.values()], axis=0
    )
    np.testing.assert_allclose(vote.predict_proba(X_test), probabilities)
    assert row.accuracy == np.mean(vote.classes_[probabilities.argmax(1)] == y_test)
    assert row.device == "cpu"


def test_ensemble_members_keep_neither_the_test_set_nor_extra_callbacks(
    ensemble_comparison,
):
    _, vote, _, _, _ = ensemble_comparison
    for pipeline in [*vote.named_estimators_.values(), *dict(vote.estimators).values()]:
        assert pipeline[-1].callbacks is None
    for pipeline in vote.named_estimators_.values():
        callbacks = dict(pipeline[-1].net_.callbacks_)
        assert callbacks["test_score"].codes is None


def test_ensemble_epoch_lines_name_the_member(capsys):
    X, y = read_tiny_csv()
    models = make_models(["char-cnn"], charcnn=TINY_CHARCNN, ensemble=2)
    evaluate(models, X, y, epoch_lines=True)
    lines = [line for line in capsys.readouterr().err.splitlines() if "epoch" in line]
    assert [line.split(",")[0] for line in lines] == [
        "char-cnn member_0: epoch 1/1",
        "char-cnn member_1: epoch 1/1",
    ]


def test_ensemble_notes_give_the_members_accuracies():
    X, y = read_tiny_csv()
    record = run_comparison(
        X, y, models=["char-cnn"], charcnn=TINY_CHARCNN, ensemble=2, random_state=3
    )
    assert record.settings["ensemble"] == 2
    [fold] = record["char-cnn"].folds
    accuracies = ", ".join(f"{m['accuracy']:.4f}" for m in fold["members"])
    assert record.notes[0].startswith(
        f"char-cnn: a soft vote of 2 char-CNNs seeded 3, 4; alone, the members "
        f"score {accuracies} (mean "
    )
    assert record.notes[0] in record.summary_lines()
    again = Comparison.from_json(record.to_json())
    assert again["char-cnn"].histories == record["char-cnn"].histories
