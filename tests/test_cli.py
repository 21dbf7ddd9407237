"""Tests of the ``compare`` command, end to end on a 40-document CSV."""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

import sklearn_charcnn
from sklearn_charcnn.cli import main
from sklearn_charcnn.compare import evaluate, make_models
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


def compare_tiny_csv(output_dir, *options):
    """Run ``compare`` on the tiny CSV with ``options``; return its compare.json."""
    status = main(
        ["compare", "--csv", str(TINY_CSV), *options, "--output-dir", str(output_dir)]
    )
    assert status == 0
    return json.loads((output_dir / "compare.json").read_text())


def read_tiny_csv():
    import csv

    with open(TINY_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([r["label"] for r in rows])


def test_compare_end_to_end_writes_table_png_and_json(tmp_path, capsys):
    out = tmp_path / "out"
    payload = compare_tiny_csv(out, *TINY_NET)
    stdout = capsys.readouterr().out
    table = stdout[stdout.index("model     ") :].splitlines()
    assert table[0].startswith("model       accuracy  95% CI")
    assert "95% CI" in table[0] and table[0].endswith("McNemar p vs char-cnn")
    assert [line.split()[0] for line in table[2:5]] == [
        "char-cnn",
        "tfidf-word",
        "tfidf-char",
    ]
    # The paired tests are printed in words under the table.
    assert "char-cnn - tfidf-word:" in stdout and "McNemar p" in stdout

    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert payload["schema"] == "sklearn-charcnn/comparison/1"
    assert payload["corpus"] == {
        "name": "tiny_news.csv",
        "n_documents": 40,
        "classes": ["scitech", "sports"],
    }
    assert payload["evaluation"]["test_size"] == 0.2
    assert payload["evaluation"]["cv"] is None
    assert payload["settings"]["charcnn"]["n_filters"] == 8
    assert payload["settings"]["charcnn"]["max_length"] == 128
    assert payload["machine"]["cpu_count"] >= 1
    assert payload["command"].startswith("sklearn-charcnn compare --csv")
    models = {row["name"]: row for row in payload["models"]}
    assert list(models) == ["char-cnn", "tfidf-word", "tfidf-char"]
    for row in models.values():
        assert (row["n_train"], row["n_test"]) == (32, 8)
        low, high = row["accuracy_ci"]
        assert low <= row["accuracy"] <= high
    history = models["char-cnn"]["folds"][0]["history"]
    assert [epoch["epoch"] for epoch in history] == [1, 2]
    assert set(history[0]) >= {"train_loss", "valid_loss", "valid_acc", "test_acc"}
    assert [t["reference"] for t in payload["paired_tests"]] == [
        "tfidf-word",
        "tfidf-char",
    ]
    assert payload["table"] in stdout


def test_compare_baseline_matches_a_hand_built_pipeline(tmp_path, capsys):
    """The split is stratified with the given seed, and tfidf-word is the
    documented tuned word 1-2-gram TF-IDF + LogisticRegression."""
    payload = compare_tiny_csv(
        tmp_path,
        "--models",
        "tfidf-word",
        "--random-state",
        "3",
        "--quiet",
        "--no-plot",
    )
    [row] = payload["models"]
    X, y = read_tiny_csv()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=3
    )
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        GridSearchCV(
            LogisticRegression(solver="saga", max_iter=1000, random_state=0),
            {"C": [1, 3, 10, 30]},
            cv=5,
        ),
    )
    assert row["accuracy"] == model.fit(X_train, y_train).score(X_test, y_test)
    assert row["params"] == {"C": model[-1].best_params_["C"]}
    assert capsys.readouterr().out.count("tfidf-word") == 1
    assert not (tmp_path / "compare.png").exists()


def test_compare_cross_validation_reports_intervals_across_folds(tmp_path, capsys):
    payload = compare_tiny_csv(
        tmp_path, "--cv", "2", "--models", "tfidf-word,tfidf-char", "--quiet"
    )
    assert payload["evaluation"]["cv"] == 2
    assert payload["evaluation"]["interval"] == "Student t across folds"
    for row in payload["models"]:
        accuracies = [fold["accuracy"] for fold in row["folds"]]
        assert len(accuracies) == 2
        assert row["accuracy"] == pytest.approx(np.mean(accuracies))
        assert row["n_test"] == 20
    assert (tmp_path / "compare.png").is_file()


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
        (["--max-length", "0"], "--max-length: must be at least 1, got 0"),
        (["--test-size", "1.5"], "--test-size: must be between 0 and 1"),
        (["--cv", "1"], "--cv: must be at least 2"),
        (["--ensemble", "0"], "--ensemble: must be at least 1, got 0"),
        (["--dataset", "yelp"], "invalid choice: 'yelp'"),
    ],
)
def test_compare_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", *args])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_model_exits_2_before_any_data_is_read(tmp_path, capsys):
    # The CSV does not exist: reading it would fail with status 1 instead.
    missing = tmp_path / "missing.csv"
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", "--csv", str(missing), "--models", "tfidf-word,bogus"])
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert "unknown model(s) ['bogus']" in err and "char-cnn, tfidf-word" in err


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--version"])
    assert excinfo.value.code == 0
    assert (
        capsys.readouterr().out.strip()
        == f"sklearn-charcnn {sklearn_charcnn.__version__}"
    )


def test_help_shows_the_real_defaults(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    # Each option with its help, whitespace normalised, after the usage line.
    text = " ".join(capsys.readouterr().out.split("options:", 1)[1].split())
    lines = {"--" + chunk.split()[0]: "--" + chunk for chunk in text.split(" --")[1:]}
    assert "(default: None)" not in "\n".join(lines.values())
    for option, default in [
        ("--max-length", "256"),
        ("--max-epochs", "10"),
        ("--size", "small"),
        ("--device", "auto"),
        ("--test-size", "0.2"),
        ("--random-state", "0"),
        ("--models", "char-cnn,tfidf-word,tfidf-char"),
        ("--output-dir", "charcnn_compare"),
        ("--augment", "0"),
    ]:
        assert f"(default: {default}" in lines[option], option
    assert "(default: the recipe's)" in lines["--batch-size"]


def test_augment_option_takes_a_count(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", "--augment", "-1"])
    assert excinfo.value.code == 2
    assert "must be at least 0" in capsys.readouterr().err


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "sklearn_charcnn", "compare", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--max-length" in done.stdout and "--data-home" in done.stdout


def test_output_off_a_terminal_has_no_carriage_returns(tmp_path):
    """Piped to a file, the command prints one plain line per epoch."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sklearn_charcnn",
            "compare",
            "--csv",
            str(TINY_CSV),
            "--models",
            "char-cnn",
            *TINY_NET,
            "--no-plot",
            "--output-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert "\r" not in done.stdout and "\r" not in done.stderr
    epochs = [line for line in done.stderr.splitlines() if ": epoch " in line]
    assert [line.split(",")[0] for line in epochs] == [
        "char-cnn: epoch 1/2",
        "char-cnn: epoch 2/2",
    ]


def test_models_fitted_with_the_test_curve_unpickle_in_a_fresh_process(tmp_path):
    docs = ["good film", "great plot", "bad film", "awful plot"] * 5
    labels = [1, 1, 0, 0] * 5
    models = make_models(
        ["char-cnn"],
        charcnn={
            "max_length": 128,
            "max_epochs": 1,
            "device": "cpu",
            "n_filters": 4,
            "fc_width": 8,
        },
    )
    evaluate(models, docs, labels)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(models["char-cnn"]))
    code = f"import pickle; print(pickle.loads(open({str(path)!r}, 'rb').read())"
    code += ".predict(['good film', 'bad film']).tolist())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = models["char-cnn"].predict(["good film", "bad film"]).tolist()
    assert done.stdout.strip() == str(expected)


@pytest.mark.wordnet
@pytest.mark.parametrize(
    "flag, count, per_epoch",
    [("--augment", "1", False), ("--augment-per-epoch", "2", True)],
)
def test_augment_trains_the_char_cnn_behind_a_thesaurus_augmenter(
    tmp_path, flag, count, per_epoch
):
    payload = compare_tiny_csv(
        tmp_path,
        "--models",
        "char-cnn",
        *TINY_NET,
        "--max-epochs",
        "1",
        flag,
        count,
        "--quiet",
        "--no-plot",
    )
    assert payload["settings"]["augment"] == int(count)
    assert payload["settings"]["augment_per_epoch"] is per_epoch
    assert payload["command"].endswith(
        f"{flag} {count} --quiet --no-plot --output-dir " + str(tmp_path)
    )


def test_augment_and_augment_per_epoch_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", "--augment", "2", "--augment-per-epoch", "4"])
    assert excinfo.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_ensemble_option_votes_k_char_cnns_and_plots_their_curves(tmp_path):
    payload = compare_tiny_csv(
        tmp_path,
        "--models",
        "char-cnn,tfidf-word",
        *TINY_NET,
        "--ensemble",
        "2",
        "--quiet",
    )
    assert payload["settings"]["ensemble"] == 2
    [fold] = next(m for m in payload["models"] if m["name"] == "char-cnn")["folds"]
    assert [m["random_state"] for m in fold["members"]] == [0, 1]
    assert payload["notes"][0].startswith("char-cnn: a soft vote of 2 char-CNNs")
    assert (tmp_path / "compare.png").stat().st_size > 0
