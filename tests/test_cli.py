"""Tests of the ``compare`` command, end to end on a 40-document CSV."""

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_charcnn.cli import evaluate, format_table, main, make_models
from sklearn_charcnn.datasets import _ag_news
from sklearn_charcnn.datasets._base import RemoteFile

FIXTURES = Path(__file__).parent / "fixtures"
TINY_CSV = FIXTURES / "tiny_news.csv"  # 20 sports + 20 sci/tech headlines
# The smallest network the command can build: 128 characters is above the
# 123 the six convolutions and three poolings need.
TINY_NET = [
    "--max-length",
    "128",
    "--max-epochs",
    "2",
    "--n-filters",
    "8",
    "--fc-width",
    "16",
    "--device",
    "cpu",
]


def read_tiny_csv():
    import csv

    with open(TINY_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([r["label"] for r in rows])


def test_compare_end_to_end_writes_table_png_and_json(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(
        [
            "compare",
            "--csv",
            str(TINY_CSV),
            "--size",
            "small",
            *TINY_NET,
            "--output-dir",
            str(out),
        ]
    )
    assert status == 0
    stdout = capsys.readouterr().out
    table = stdout[stdout.index("model     ") :].splitlines()
    assert table[0].split() == [
        "model",
        "accuracy",
        "macro-F1",
        "fit",
        "s",
        "predict",
        "s",
        "device",
    ]
    assert [line.split()[0] for line in table[2:5]] == [
        "char-cnn",
        "tfidf-word",
        "tfidf-char",
    ]
    assert all(line.split()[-1] == "cpu" for line in table[2:5])

    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    payload = json.loads((out / "compare.json").read_text())
    assert payload["png"] == "compare.png"
    assert payload["corpus"] == {
        "name": "tiny_news.csv",
        "n_documents": 40,
        "classes": ["scitech", "sports"],
    }
    assert payload["evaluation"] == {"test_size": 0.2, "cv": None, "random_state": 0}
    assert payload["char_cnn"]["n_filters"] == 8
    assert payload["machine"]["cpu_count"] >= 1
    results = {row["model"]: row for row in payload["results"]}
    assert list(results) == ["char-cnn", "tfidf-word", "tfidf-char"]
    for row in results.values():
        assert (row["n_train"], row["n_test"]) == (32, 8)
        # 8 test documents: every accuracy is a multiple of 1/8.
        assert row["accuracy"] * 8 == pytest.approx(round(row["accuracy"] * 8))
        assert 0 <= row["macro_f1"] <= 1 and row["fit_s"] > 0
    history = results["char-cnn"]["history"]
    assert [epoch["epoch"] for epoch in history] == [1, 2]
    assert set(history[0]) >= {"train_loss", "valid_loss", "valid_acc", "test_acc"}
    # The last epoch's test accuracy is the reported one (no early stop here).
    assert history[-1]["test_acc"] == results["char-cnn"]["accuracy"]
    assert payload["table"] in stdout


def test_compare_baseline_matches_a_hand_built_pipeline(tmp_path, capsys):
    """The split is stratified with the given seed, and tfidf-word is the
    documented word 1-2-gram TF-IDF + LogisticRegression."""
    main(
        [
            "compare",
            "--csv",
            str(TINY_CSV),
            "--models",
            "tfidf-word",
            "--random-state",
            "3",
            "--quiet",
            "--no-plot",
            "--output-dir",
            str(tmp_path),
        ]
    )
    [row] = json.loads((tmp_path / "compare.json").read_text())["results"]
    X, y = read_tiny_csv()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=3
    )
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=1000),
    )
    assert row["accuracy"] == model.fit(X_train, y_train).score(X_test, y_test)
    assert capsys.readouterr().out.count("tfidf-word") == 1
    assert not (tmp_path / "compare.png").exists()


def test_compare_cross_validation_reports_mean_and_std(tmp_path, capsys):
    status = main(
        [
            "compare",
            "--csv",
            str(TINY_CSV),
            "--cv",
            "2",
            "--models",
            "tfidf-word,tfidf-char",
            "--quiet",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert status == 0
    assert "±" in capsys.readouterr().out
    payload = json.loads((tmp_path / "compare.json").read_text())
    assert payload["evaluation"]["cv"] == 2
    for row in payload["results"]:
        assert len(row["folds"]) == 2
        accuracies = [fold["accuracy"] for fold in row["folds"]]
        assert row["accuracy"] == pytest.approx(np.mean(accuracies))
        assert row["accuracy_std"] == pytest.approx(np.std(accuracies))
        assert row["n_test"] == 20
    assert (tmp_path / "compare.png").is_file()


def test_compare_reads_a_data_set_from_the_data_home(tmp_path, capsys):
    status = main(
        [
            "compare",
            "--dataset",
            "ag_news",
            "--subset",
            "all",
            "--data-home",
            str(FIXTURES / "data_home"),
            "--models",
            "tfidf-char",
            "--test-size",
            "0.5",
            "--quiet",
            "--no-plot",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert status == 0
    payload = json.loads((tmp_path / "compare.json").read_text())
    # 6 training + 2 test articles of the fixture, 2 per class.
    assert payload["corpus"]["name"] == "AG News all"
    assert payload["corpus"]["n_documents"] == 8
    assert payload["results"][0]["n_test"] == 4


def test_compare_missing_csv_column_is_a_clean_error(tmp_path, capsys):
    status = main(
        [
            "compare",
            "--csv",
            str(TINY_CSV),
            "--text-column",
            "body",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "no column(s) ['body']" in err and "['text', 'label']" in err
    assert "Traceback" not in err


def test_compare_missing_data_says_where_to_put_files(tmp_path, capsys, monkeypatch):
    unreachable = (tmp_path / "offline" / "train.csv").as_uri()
    monkeypatch.setitem(
        _ag_news._REMOTES,
        "train",
        RemoteFile("train.csv", unreachable, "md5:" + "0" * 32),
    )
    status = main(
        [
            "compare",
            "--dataset",
            "ag_news",
            "--subset",
            "train",
            "--data-home",
            str(tmp_path),
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "train.csv" in err and str(tmp_path / "ag_news") in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-length", "0"], "--max-length must be at least 1"),
        (["--test-size", "1.5"], "--test-size must be between 0 and 1"),
        (["--cv", "1"], "--cv must be at least 2"),
        (["--dataset", "yelp"], "invalid choice: 'yelp'"),
    ],
)
def test_compare_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", *args])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_model_is_rejected(tmp_path, capsys):
    assert (
        main(
            [
                "compare",
                "--csv",
                str(TINY_CSV),
                "--models",
                "svm",
                "--output-dir",
                str(tmp_path),
            ]
        )
        == 1
    )
    assert "Unknown model(s) ['svm']" in capsys.readouterr().err


def test_make_models_builds_the_documented_pipelines():
    models = make_models(
        max_length=300,
        max_epochs=3,
        batch_size=16,
        device="cpu",
        random_state=7,
        classifier_params={"n_filters": 8},
    )
    quantizer, classifier = models["char-cnn"].named_steps.values()
    assert quantizer.max_length == 300
    assert (
        classifier.max_epochs,
        classifier.batch_size,
        classifier.n_filters,
        classifier.random_state,
    ) == (3, 16, 8, 7)
    word = models["tfidf-word"][0]
    assert (word.analyzer, word.ngram_range) == ("word", (1, 2))


@pytest.mark.wordnet
def test_make_models_with_augment_puts_the_augmenter_first():
    models = make_models(["char-cnn"], augment=True, random_state=1)
    assert [name for name, _ in models["char-cnn"].steps] == [
        "thesaurusaugmenter",
        "charquantizer",
        "charcnnclassifier",
    ]


def test_format_table_aligns_columns():
    table = format_table(
        [
            {
                "model": "a",
                "accuracy": 0.5,
                "macro_f1": 0.25,
                "fit_s": 12.345,
                "predict_s": 0.5,
                "device": "cuda",
            },
        ]
    )
    assert table.splitlines()[2] == "a        0.5000    0.2500   12.3       0.50  cuda"


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "sklearn_charcnn", "compare", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--max-length" in done.stdout and "--data-home" in done.stdout


def test_models_fitted_with_the_test_curve_unpickle_in_a_fresh_process(tmp_path):
    docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    labels = [1, 1, 0, 0] * 5
    models = make_models(
        ["char-cnn"],
        max_length=128,
        max_epochs=1,
        device="cpu",
        classifier_params={"n_filters": 4, "fc_width": 8},
    )
    evaluate(models, docs, labels, docs, labels, quiet=True)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(models["char-cnn"]))
    code = f"import pickle; print(pickle.loads(open({str(path)!r}, 'rb').read())"
    code += ".predict(['good film', 'bad film']).tolist())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = models["char-cnn"].predict(["good film", "bad film"]).tolist()
    assert done.stdout.strip() == str(expected)
