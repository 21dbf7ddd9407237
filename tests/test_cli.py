"""Tests of the ``compare`` command, end to end on a 40-document CSV."""

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from _tiny_news import TINY_CSV, read_tiny_csv, tiny_rows, write_csv
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

import sklearn_charcnn
from sklearn_charcnn.cli import main
from sklearn_charcnn.compare import evaluate, make_models, split_indices
from sklearn_charcnn.datasets import _ag_news
from sklearn_charcnn.datasets._base import RemoteFile

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
        "file": str(TINY_CSV),
        "format": "csv",
        "text_columns": ["text"],
        "label_column": "label",
        "sep": ",",
        "encoding": "utf-8",
        "n_dropped": 0,
        "n_empty": 0,
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
    [model] = evaluate(models, docs, labels, return_estimators=True).estimators[
        "char-cnn"
    ]
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    code = f"import pickle; print(pickle.loads(open({str(path)!r}, 'rb').read())"
    code += ".predict(['good film', 'bad film']).tolist())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = model.predict(["good film", "bad film"]).tolist()
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


# ------------------------------------------------------ the user's own file


def write_news(path, *, sep=";", encoding="latin-1"):
    """Write the tiny news as ``title, body, label`` rows; return the path.

    The title is the headline with an accented word added; the body is the
    same for every row, so that a document read from the body alone says
    nothing of its class.
    """
    rows = [[f"{text} café", "Read more", label] for text, label in tiny_rows()]
    return write_csv(
        path, rows, header=("title", "body", "label"), sep=sep, encoding=encoding
    )


def compare_file(path, output_dir, *options):
    """Run ``compare --input`` with the word baseline; return compare.json."""
    status = main(
        [
            "compare",
            "--input",
            str(path),
            "--models",
            "tfidf-word",
            "--quiet",
            "--no-plot",
            *options,
            "--output-dir",
            str(output_dir),
        ]
    )
    assert status == 0
    return json.loads((output_dir / "compare.json").read_text())


def test_compare_reads_a_semicolon_separated_latin_1_file_with_two_text_columns(
    tmp_path,
):
    path = write_news(tmp_path / "news.csv")
    assert b"caf\xe9" in path.read_bytes()  # Latin-1, not UTF-8
    payload = compare_file(
        path,
        tmp_path / "out",
        "--encoding",
        "latin-1",
        "--text-column",
        "title",
        "--text-column",
        "body",
    )
    corpus = payload["corpus"]
    assert corpus["text_columns"] == ["title", "body"]
    assert (corpus["sep"], corpus["encoding"], corpus["format"]) == (
        ";",
        "latin-1",
        "csv",
    )
    assert (corpus["n_documents"], corpus["classes"]) == (40, ["scitech", "sports"])


def test_load_corpus_joins_every_text_column_in_the_order_given(tmp_path):
    from sklearn_charcnn.compare import load_corpus

    path = write_news(tmp_path / "news.csv")
    corpus = load_corpus(path=path, text_column=["title", "body"], encoding="latin-1")
    X, _ = read_tiny_csv()
    assert corpus.data[0] == f"{X[0]} café Read more"
    body_only = load_corpus(csv=path, text_column="body", encoding="latin-1")
    assert set(body_only.data) == {"Read more"}
    with pytest.raises(ValueError, match="not both"):
        load_corpus(path=path, csv=path)


def test_compare_reads_tsv_bom_jsonl_gzip_and_a_folder_per_class(tmp_path):
    import gzip

    tsv = write_news(tmp_path / "news.tsv", sep="\t", encoding="utf-8")
    bom = write_news(tmp_path / "bom.csv", sep=",", encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    jsonl = tmp_path / "news.jsonl.gz"
    with gzip.open(jsonl, "wt", encoding="utf-8") as handle:
        for text, label in tiny_rows():
            handle.write(json.dumps({"title": text, "label": label}) + "\n")
    folder = tmp_path / "folder"
    for i, (text, label) in enumerate(tiny_rows()):
        (folder / label).mkdir(parents=True, exist_ok=True)
        (folder / label / f"{i}.txt").write_text(text, encoding="utf-8")
    for path, fmt, sep in [
        (tsv, "csv", "\t"),
        (bom, "csv", ","),
        (jsonl, "jsonl", None),
        (folder, "folder", None),
    ]:
        payload = compare_file(
            path, tmp_path / f"out_{path.name}", "--text-column", "title"
        )
        corpus = payload["corpus"]
        assert (corpus["format"], corpus["sep"]) == (fmt, sep), path.name
        assert (corpus["n_documents"], corpus["classes"]) == (
            40,
            ["scitech", "sports"],
        ), path.name


def test_compare_sep_option_reads_a_file_the_sniffer_would_misread(tmp_path):
    # Every line holds more commas than pipes: only --sep reads it right.
    rows = [[f"{text}, a, b", f"{label}, c, d"] for text, label in tiny_rows()]
    path = write_csv(
        tmp_path / "news.txt", rows, header=("text", "label, x, y"), sep="|"
    )
    payload = compare_file(
        path, tmp_path / "out", "--sep", "|", "--label-column", "label, x, y"
    )
    assert payload["corpus"]["sep"] == "|"
    assert len(payload["corpus"]["classes"]) == 2


def test_rows_without_a_label_are_an_error_or_dropped_and_counted(tmp_path, capsys):
    rows = tiny_rows()
    rows[3][1], rows[7][1] = "", " "
    path = write_csv(tmp_path / "news.csv", rows)
    out = tmp_path / "out"
    assert main(["compare", "--input", str(path), "--output-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sklearn-charcnn compare: error: ")
    assert "2 row(s)" in err and "5, 9" in err and "--drop-missing-labels" in err
    assert not out.exists()  # nothing written

    payload = compare_file(path, out, "--drop-missing-labels")
    assert payload["corpus"]["n_dropped"] == 2
    assert payload["corpus"]["n_documents"] == 38
    assert "" not in payload["corpus"]["classes"]


def test_empty_documents_are_counted_on_stderr_and_in_the_record(tmp_path, capsys):
    rows = tiny_rows()
    rows[0][0] = rows[25][0] = "  "
    path = write_csv(tmp_path / "news.csv", rows)
    payload = compare_file(path, tmp_path / "out")
    assert payload["corpus"]["n_empty"] == 2
    capsys.readouterr()
    options = ["--models", "tfidf-word", "--no-plot", "--output-dir", str(tmp_path)]
    assert main(["compare", "--input", str(path), *options]) == 0
    assert "2 empty document(s)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "options, message",
    [
        ([], "'rare' (3); a test part of 0.2 needs at least 5 documents per class"),
        (
            ["--cv", "4"],
            "'rare' (3); cv=4 (--cv 4) needs at least 4 documents per class",
        ),
    ],
)
def test_a_class_too_small_for_the_split_stops_before_any_fit(
    tmp_path, capsys, options, message
):
    rows = tiny_rows() + [["odd one", "rare"], ["odd two", "rare"], ["odd 3", "rare"]]
    path = write_csv(tmp_path / "news.csv", rows)
    out = tmp_path / "out"
    status = main(["compare", "--input", str(path), *options, "--output-dir", str(out)])
    assert status == 1
    err = capsys.readouterr().err
    assert message in err and "fitting" not in err
    assert not out.exists()


def test_documents_in_both_training_and_test_parts_are_noted(tmp_path):
    rows = tiny_rows()
    rows += rows[:5] + rows[20:25]  # five headlines of each class, twice
    payload = compare_file(write_csv(tmp_path / "news.csv", rows), tmp_path / "out")
    docs = [text for text, _ in rows]
    [(train, test)] = split_indices([label for _, label in rows])
    in_training = {docs[i] for i in train}
    shared = sum(docs[i] in in_training for i in test)
    assert shared > 0
    [note] = [n for n in payload["notes"] if "also appear in" in n]
    assert note.startswith(f"{shared} of the {len(test)} test documents")
    unique = compare_file(TINY_CSV, tmp_path / "unique")
    assert not [n for n in unique["notes"] if "also appear in" in n]


@pytest.mark.parametrize(
    "write, message",
    [
        (
            lambda p: write_csv(p, [["café", "a"]] * 3, encoding="latin-1"),
            "line 2: not utf-8 text",
        ),
        (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 60), "spreadsheet workbook"),
        (lambda p: p.write_text("3,Fears for pension,Talks\n"), "has no header row"),
    ],
    ids=["latin-1 read as utf-8", "xlsx", "no header"],
)
def test_bad_files_are_one_line_errors_naming_the_file(
    tmp_path, capsys, write, message
):
    path = tmp_path / "data.csv"
    write(path)
    out = tmp_path / "out"
    assert main(["compare", "--input", str(path), "--output-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and message in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--input", "a.csv", "--csv", "b.csv"], "not allowed with argument"),
        (["--sep", ";;"], "--sep: must be one character (or 'tab')"),
        (["--encoding", "klingon"], "--encoding: unknown encoding 'klingon'"),
    ],
)
def test_data_option_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", *args])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err
