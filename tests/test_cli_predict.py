"""Tests of the ``fit`` and ``predict`` commands: from a user's file to predictions."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from _tiny_news import TINY_NET, tiny_rows, write_csv

from sklearn_charcnn.cli import main

# How the spreadsheet export of the tests is read.
READ = ["--encoding", "latin-1", "--text-column", "title", "--text-column", "body"]


def write_export(path, rows, header=("title", "body", "label")):
    """Write ``rows`` as a spreadsheet would: semicolons, Latin-1, CRLF."""
    return write_csv(path, rows, header=header, sep=";", encoding="latin-1")


def new_documents(n=7):
    """Headlines to predict, with an accented word and no label column."""
    return [(f"{text} à", "Suite") for text, _ in tiny_rows()[::3][:n]]


def read_predictions(path_or_text):
    text = (
        path_or_text.read_text(encoding="utf-8")
        if isinstance(path_or_text, Path)
        else path_or_text
    )
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A semicolon-separated Latin-1 training file and a file of new documents."""
    folder = tmp_path_factory.mktemp("export")
    rows = [(f"{text} été", "Lire la suite", label) for text, label in tiny_rows()]
    train = write_export(folder / "train.csv", rows)
    new = write_export(folder / "new.csv", new_documents(), header=("title", "body"))
    return train, new


@pytest.fixture(scope="module")
def charcnn_model(export, tmp_path_factory):
    """A tiny char-CNN written by ``fit`` on the training export."""
    train, _ = export
    path = tmp_path_factory.mktemp("model") / "model.skops"
    status = main(
        ["fit", "--input", str(train), *READ, *TINY_NET, "--quiet"]
        + ["--output", str(path)]
    )
    assert status == 0
    return path


@pytest.fixture(scope="module")
def tfidf_model(export, tmp_path_factory):
    """The word TF-IDF baseline written by ``fit`` (its probabilities are exact)."""
    train, _ = export
    path = tmp_path_factory.mktemp("model") / "tfidf.skops"
    status = main(
        ["fit", "--input", str(train), *READ, "--model", "tfidf-word", "--quiet"]
        + ["--output", str(path)]
    )
    assert status == 0
    return path


def load(path):
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


def test_a_spreadsheet_export_goes_through_compare_fit_and_predict(
    export, charcnn_model, tmp_path
):
    train, new = export
    status = main(
        ["compare", "--input", str(train), *READ, *TINY_NET, "--quiet", "--no-plot"]
        + ["--output-dir", str(tmp_path / "compare")]
    )
    assert status == 0
    record = json.loads((tmp_path / "compare" / "compare.json").read_text())
    assert record["corpus"]["sep"] == ";"

    out = tmp_path / "predictions.csv"
    status = main(
        ["predict", str(charcnn_model), str(new), *READ, "--k", "2"]
        + ["--output", str(out)]
    )
    assert status == 0
    header, *rows = read_predictions(out)
    assert header == ["label_1", "probability_1", "label_2", "probability_2"]
    assert len(rows) == len(new_documents())
    for label_1, p_1, label_2, p_2 in rows:
        assert {label_1, label_2} == {"scitech", "sports"}
        assert float(p_1) >= float(p_2) and float(p_1) + float(p_2) == pytest.approx(
            1, abs=2e-4
        )


def test_predict_writes_the_models_best_label_per_document_in_input_order(
    export, charcnn_model, capsys
):
    _, new = export
    assert main(["predict", str(charcnn_model), str(new), *READ]) == 0
    captured = capsys.readouterr()
    header, *rows = read_predictions(captured.out)
    assert header == ["label", "probability"]
    model = load(charcnn_model)
    documents = [f"{title} {body}" for title, body in new_documents()]
    proba = model.predict_proba(documents)
    assert [label for label, _ in rows] == model.predict(documents).tolist()
    assert [float(p) for _, p in rows] == pytest.approx(proba.max(axis=1), abs=1e-4)
    assert f"predicted {len(documents)} documents (0 empty)" in captured.err


def test_fit_saves_the_pipeline_compare_builds_refitted_on_every_document(
    charcnn_model,
):
    model = load(charcnn_model)
    quantizer, classifier = model[-2], model[-1]
    assert quantizer.max_length == 128
    assert (classifier.n_filters, classifier.fc_width) == (4, 8)
    assert classifier.classes_.tolist() == ["scitech", "sports"]
    with zipfile.ZipFile(charcnn_model) as archive:  # a skops archive
        assert "schema.json" in archive.namelist()


def test_threshold_leaves_the_labels_below_it_empty(export, tfidf_model, capsys):
    _, new = export
    model = load(tfidf_model)
    documents = [f"{title} {body}" for title, body in new_documents()]
    proba = np.sort(model.predict_proba(documents), axis=1)[:, ::-1]
    threshold = float(np.median(proba[:, 0]))
    args = ["predict", str(tfidf_model), str(new), *READ, "--k", "2"]
    assert main([*args, "--threshold", str(threshold)]) == 0
    _, *rows = read_predictions(capsys.readouterr().out)
    for row, best in zip(rows, proba, strict=True):
        kept = best[0] >= threshold
        assert (row[0] != "", row[1] != "") == (kept, kept)
        assert row[2:] == ["", ""]  # a second label is below one half
    assert 0 < sum(row[0] != "" for row in rows) < len(rows)


def test_predict_in_chunks_gives_the_same_rows_as_one_pass(
    export, charcnn_model, tmp_path
):
    _, new = export
    outputs = []
    for chunk_size in ("1000", "2"):
        out = tmp_path / f"chunks_{chunk_size}.csv"
        args = ["predict", str(charcnn_model), str(new), *READ, "--k", "2"]
        assert main([*args, "--chunk-size", chunk_size, "--output", str(out)]) == 0
        outputs.append(read_predictions(out))
    assert outputs[0][0] == outputs[1][0]
    one_pass, chunked = (
        np.array([[float(p) for p in row[1::2]] for row in rows[1:]])
        for rows in outputs
    )
    assert [row[0::2] for row in outputs[0]] == [row[0::2] for row in outputs[1]]
    np.testing.assert_allclose(chunked, one_pass, atol=1e-4)


def test_a_failed_predict_leaves_the_output_as_it_was(export, tfidf_model, tmp_path):
    _, new = export
    out = tmp_path / "predictions.csv"
    out.write_text("the previous predictions\n")
    # Rows 2 to 5 read fine (and are predicted chunk by chunk); row 6 has a
    # field too many.
    bad = tmp_path / "bad.csv"
    lines = new.read_text(encoding="latin-1").splitlines()
    bad.write_text("\n".join(lines[:5] + ["a;b;c"] + lines[5:]) + "\n", "latin-1")
    args = ["predict", str(tfidf_model), str(bad), *READ, "--chunk-size", "2"]
    assert main([*args, "--output", str(out)]) == 1
    assert out.read_text() == "the previous predictions\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "predictions.csv"]

    args[2] = str(new)
    assert main([*args, "--output", str(out)]) == 0
    header, *rows = read_predictions(out)
    assert header == ["label", "probability"] and len(rows) == len(new_documents())
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temp file's 0600


def test_a_failed_fit_leaves_the_model_file_as_it_was(tmp_path, capsys):
    out = tmp_path / "model.skops"
    out.write_bytes(b"previous model")
    rows = [(f"{text} été", "", label) for text, label in tiny_rows()]
    rows[4] = (rows[4][0], "", "")
    train = write_export(tmp_path / "train.csv", rows)
    args = ["fit", "--input", str(train), *READ, "--model", "tfidf-word"]
    assert main([*args, "--output", str(out)]) == 1
    assert "--drop-missing-labels" in capsys.readouterr().err
    assert out.read_bytes() == b"previous model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.skops", "train.csv"]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b"not a model at all\n",
            "is not a model file written by `sklearn-charcnn fit`",
        ),
        ("cut", "is not a model file written by `sklearn-charcnn fit`"),
        ("system", "holds types a model written by `sklearn-charcnn fit` does not"),
        ("kmeans", "holds a KMeans, not a fitted classifier with predict_proba"),
    ],
    ids=["text", "cut short", "untrusted type", "not a classifier"],
)
def test_a_damaged_or_foreign_model_file_is_a_clean_error(
    export, tfidf_model, tmp_path, capsys, content, message
):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "model.skops"
    if content == "cut":
        data = tfidf_model.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif content == "system":
        sio.dump(FunctionTransformer(os.system), path)
    elif content == "kmeans":
        sio.dump(KMeans(2, n_init=1).fit(np.eye(3)), path)
    else:
        path.write_bytes(content)
    out = tmp_path / "predictions.csv"
    args = ["predict", str(path), str(export[1]), *READ, "--output", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"sklearn-charcnn predict: error: {path} ")
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_fit_and_predict_read_jsonl_and_a_folder(tmp_path, capsys):
    rows = tiny_rows()
    jsonl = tmp_path / "train.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in rows)
    )
    model = tmp_path / "model.skops"
    status = main(
        ["fit", "--input", str(jsonl), "--model", "tfidf-char", "--quiet"]
        + ["--output", str(model)]
    )
    assert status == 0
    folder = tmp_path / "new"
    for i, (text, label) in enumerate(rows[:6]):
        (folder / label).mkdir(parents=True, exist_ok=True)
        (folder / label / f"{i}.txt").write_text(text)
    assert main(["predict", str(model), str(folder), "--quiet"]) == 0
    header, *predicted = read_predictions(capsys.readouterr().out)
    assert header == ["label", "probability"] and len(predicted) == 6


def test_k_above_the_number_of_labels_is_an_error(export, tfidf_model, capsys):
    args = ["predict", str(tfidf_model), str(export[1]), *READ, "--k", "3"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "--k 3, but the model knows 2 labels (scitech, sports)" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["predict"], "the following arguments are required: MODEL, FILE"),
        (["predict", "m", "f", "--threshold", "1.5"], "must be between 0 and 1"),
        (["predict", "m", "f", "--k", "0"], "--k: must be at least 1"),
        (["fit", "--input", "f.csv"], "the following arguments are required: --output"),
        (["fit", "--model", "bogus", "--output", "m"], "invalid choice: 'bogus'"),
    ],
)
def test_fit_and_predict_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(args)
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


def test_installed_command_predicts_from_a_pipe(export, tfidf_model):
    """``python -m sklearn_charcnn predict`` writes CSV to standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "sklearn_charcnn", "predict", str(tfidf_model)]
        + [str(export[1]), *READ, "--quiet"],
        capture_output=True,
        text=True,
        check=True,
    )
    header, *rows = read_predictions(done.stdout)
    assert header == ["label", "probability"] and len(rows) == len(new_documents())
    assert done.stderr == ""


def test_predict_ends_quietly_when_its_reader_stops_reading(tfidf_model, tmp_path):
    """``predict ... | head -1``: no traceback and no error message."""
    many = write_export(
        tmp_path / "many.csv", new_documents() * 5000, ("title", "body")
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "sklearn_charcnn", "predict", str(tfidf_model)]
        + [str(many), *READ, "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline() == "label,probability\n"
    child.stdout.close()  # far more rows than a pipe holds are still to come
    stderr = child.stderr.read()
    assert child.wait() == 1
    assert stderr == ""
