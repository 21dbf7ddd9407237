"""Tests of the commands on several labels per document: compare, fit, predict."""

import csv
import io
import json

import numpy as np
import pytest
import skops.io as sio
from _tiny_news import TINY_NET, write_csv
from _tiny_tags import TAGS, tiny_tags, write_tags_csv

from sklearn_charcnn.cli import main

TAGGED = ["--label-column", "labels", "--label-sep", ","]


@pytest.fixture(scope="module")
def tags_csv(tmp_path_factory):
    return write_tags_csv(tmp_path_factory.mktemp("tags") / "tags.csv")


def read_rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_compare_a_multilabel_csv_end_to_end(tags_csv, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(
        [
            "compare",
            "--csv",
            str(tags_csv),
            *TAGGED,
            *TINY_NET,
            "--output-dir",
            str(out),
        ]
    )
    assert status == 0
    captured = capsys.readouterr()
    assert "tags.csv: 60 documents, 3 labels (several per document)" in captured.err
    table = captured.out[captured.out.index("model     ") :].splitlines()
    assert table[0].startswith("model       macro-F1  95% CI")
    assert table[0].endswith("permutation p vs char-cnn")
    assert [line.split()[0] for line in table[2:5]] == [
        "char-cnn",
        "tfidf-word",
        "tfidf-char",
    ]
    assert (
        "char-cnn - tfidf-word:" in captured.out and "macro-F1 points" in captured.out
    )
    payload = json.loads((out / "compare.json").read_text())
    assert payload["corpus"]["classes"] == TAGS
    assert payload["corpus"]["label_sep"] == ","
    assert payload["settings"]["charcnn"]["threshold"] == "validation"
    row = payload["models"][1]
    assert (
        set(row["scores"])
        == set(row["intervals"])
        == {
            "macro_f1",
            "micro_f1",
            "samples_f1",
            "subset_accuracy",
            "hamming_loss",
        }
    )
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_multilabel_with_cross_validation(tags_csv, tmp_path):
    out = tmp_path / "out"
    status = main(
        ["compare", "--csv", str(tags_csv), *TAGGED, "--models", "tfidf-word",
         "--cv", "3", "--no-plot", "--quiet", "--output-dir", str(out)]
    )  # fmt: skip
    assert status == 0
    payload = json.loads((out / "compare.json").read_text())
    assert len(payload["models"][0]["folds"]) == 3
    assert payload["models"][0]["n_test"] == 20


@pytest.mark.parametrize("model", ["tfidf-word", "char-cnn"])
def test_fit_and_predict_write_the_names_of_the_predicted_labels(
    tags_csv, tmp_path, capsys, model
):
    saved = tmp_path / "model.skops"
    fit = ["fit", "--csv", str(tags_csv), "--label-column", "labels"]
    assert main([*fit, "--label-sep", ",", "--model", model, *TINY_NET,
                 "--output", str(saved), "--quiet"]) == 0  # fmt: skip
    documents = tiny_tags(60)[0][:8]
    new = write_csv(
        tmp_path / "new.csv", [[text] for text in documents], header=["text"]
    )
    assert main(["predict", str(saved), str(new), "--quiet"]) == 0
    rows = read_rows(capsys.readouterr().out)
    assert rows[0] == ["labels", "probabilities"]
    fitted = sio.load(saved, trusted=sio.get_untrusted_types(file=saved))
    assert fitted.target_names_ == TAGS
    proba, predicted = fitted.predict_proba(documents), fitted.predict(documents)
    for (labels, probabilities), p, y in zip(rows[1:], proba, predicted, strict=True):
        names = labels.split(",") if labels else []
        # The model's own predictions, most probable first, by name.
        assert sorted(names) == [TAGS[k] for k in np.flatnonzero(y)]
        values = [float(v) for v in probabilities.split(",")] if probabilities else []
        assert values == sorted(values, reverse=True)
        assert values == pytest.approx([p[TAGS.index(n)] for n in names], abs=1e-4)


def test_predict_options_for_a_multilabel_model(tmp_path, capsys):
    train = write_tags_csv(tmp_path / "train.csv", label_sep="|")
    saved = tmp_path / "model.skops"
    assert main(["fit", "--csv", str(train), "--label-column", "labels",
                 "--label-sep", "|", "--model", "tfidf-word", "--output",
                 str(saved), "--quiet"]) == 0  # fmt: skip
    new = write_csv(
        tmp_path / "new.csv", [["heavy rain and a late goal"]] * 3, header=["text"]
    )
    main(["predict", str(saved), str(new), "--threshold", "0", "--quiet"])
    rows = read_rows(capsys.readouterr().out)
    # Every label at threshold 0, joined by the training file's separator.
    assert all(sorted(row[0].split("|")) == TAGS for row in rows[1:])
    assert all(len(row[1].split("|")) == 3 for row in rows[1:])
    main(["predict", str(saved), str(new), "--threshold", "0", "--k", "1", "--quiet"])
    rows = read_rows(capsys.readouterr().out)
    assert all(row[0] in TAGS for row in rows[1:])
    main(["predict", str(saved), str(new), "--threshold", "1", "--quiet"])
    assert read_rows(capsys.readouterr().out)[1:] == [["", ""]] * 3


def test_single_label_predict_output_is_unchanged(tmp_path, capsys):
    rows = [[text, "a" if i % 2 else "b"] for i, text in enumerate(tiny_tags(30)[0])]
    train = write_csv(tmp_path / "train.csv", rows)
    saved = tmp_path / "model.skops"
    assert main(["fit", "--csv", str(train), "--model", "tfidf-word",
                 "--output", str(saved), "--quiet"]) == 0  # fmt: skip
    main(["predict", str(saved), str(train), "--quiet"])
    output = read_rows(capsys.readouterr().out)
    assert output[0] == ["label", "probability"]
    assert {row[0] for row in output[1:]} <= {"a", "b"}


@pytest.mark.parametrize("empty", ["", ",", " , "])
def test_a_row_without_any_label_follows_the_missing_label_rules(
    tmp_path, capsys, empty
):
    documents, Y, _ = tiny_tags(30)
    labels = [",".join(t for t, on in zip(TAGS, row, strict=True) if on) for row in Y]
    labels[4] = labels[9] = empty
    path = write_csv(
        tmp_path / "gaps.csv",
        zip(documents, labels, strict=True),
        header=("text", "labels"),
    )
    options = ["compare", "--csv", str(path), *TAGGED, "--models", "tfidf-word",
               "--no-plot", "--quiet", "--output-dir", str(tmp_path / "out")]  # fmt: skip
    assert main(options) == 1
    error = capsys.readouterr().err
    assert "2 row(s) have no 'labels' label (line(s) 6, 11)" in error
    assert "--drop-missing-labels" in error
    assert main([*options, "--drop-missing-labels"]) == 0
    payload = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert payload["corpus"]["n_dropped"] == 2
    assert payload["corpus"]["n_documents"] == 28


def test_multilabel_vote_is_refused(tags_csv, tmp_path, capsys):
    status = main(
        ["compare", "--csv", str(tags_csv), *TAGGED, "--ensemble", "2",
         "--output-dir", str(tmp_path / "out")]
    )  # fmt: skip
    assert status == 1
    assert "ensemble=2 needs one label per document" in capsys.readouterr().err


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "option, match",
    [
        (["--cv", "3"], "--cv split the documents"),
        (["--n-samples", "500"], "--subset train"),
    ],
)
def test_goemotions_is_compared_on_its_published_split(
    shared_data, tmp_path, capsys, option, match
):
    status = main(
        ["compare", "--dataset", "goemotions", "--data-home", str(shared_data),
         *option, "--output-dir", str(tmp_path / "out")]
    )  # fmt: skip
    assert status == 1
    assert match in capsys.readouterr().err


@pytest.mark.shared_data
def test_goemotions_part_compares_with_a_held_out_split(shared_data, tmp_path):
    out = tmp_path / "out"
    status = main(
        ["compare", "--dataset", "goemotions", "--data-home", str(shared_data),
         "--subset", "dev", "--n-samples", "400", "--models", "tfidf-word",
         "--no-plot", "--quiet", "--output-dir", str(out)]
    )  # fmt: skip
    assert status == 0
    payload = json.loads((out / "compare.json").read_text())
    assert payload["corpus"]["name"] == "GoEmotions dev"
    assert len(payload["corpus"]["classes"]) == 28
    assert payload["models"][0]["n_test"] == 80


@pytest.mark.shared_data
def test_a_model_fitted_on_goemotions_predicts_emotion_names(
    shared_data, tmp_path, capsys
):
    saved = tmp_path / "model.skops"
    status = main(
        ["fit", "--dataset", "goemotions", "--data-home", str(shared_data),
         "--subset", "dev", "--n-samples", "600", "--model", "tfidf-word",
         "--output", str(saved), "--quiet"]
    )  # fmt: skip
    assert status == 0
    new = write_csv(
        tmp_path / "new.csv",
        [["Thank you so much, this is wonderful!"], ["I am so sad and angry."]],
        header=["text"],
    )
    # A 600-comment sample lacks some emotions: their classifiers are
    # constant, and the file still loads.
    predict = ["predict", str(saved), str(new), "--threshold", "0", "--k", "3"]
    assert main([*predict, "--quiet"]) == 0
    rows = read_rows(capsys.readouterr().out)
    names = {name for row in rows[1:] for name in row[0].split(",")}
    emotions = sio.load(
        saved, trusted=sio.get_untrusted_types(file=saved)
    ).target_names_
    assert len(emotions) == 28 and names <= set(emotions) and len(names) >= 3
