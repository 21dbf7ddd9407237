"""Export for serving: ONNX, torch.export, the preprocessing spec, skops."""

import json

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer, ThesaurusAugmenter
from sklearn_charcnn.datasets import load_ag_news
from sklearn_charcnn.export import (
    PortableCharCNN,
    encode,
    export_onnx,
    export_torch,
    load_spec,
    preprocessing_spec,
    skops_trusted_types,
)
from sklearn_charcnn.network import CharCNNModule


@pytest.fixture(scope="module")
def ag_news():
    X, y = load_ag_news(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    train, test = order[:1000], order[-1000:]
    return [X[i] for i in train], y[train], [X[i] for i in test]


@pytest.fixture(scope="module")
def model(ag_news):
    X_train, y_train, _ = ag_news
    labels = np.asarray(["World", "Sports", "Business", "Sci/Tech"])[y_train]
    return make_pipeline(
        CharQuantizer(max_length=256),
        CharCNNClassifier(
            n_filters=8,
            fc_width=16,
            max_epochs=1,
            validation_fraction=0,
            device="cpu",
            random_state=0,
        ),
    ).fit(X_train, labels)


def test_onnx_probabilities_equal_the_pipeline_on_1000_ag_news_documents(
    model, ag_news, tmp_path
):
    pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    documents = ag_news[2]
    spec = export_onnx(model, tmp_path / "model.onnx")
    assert spec == load_spec(tmp_path / "model.preprocessing.json")
    session = onnxruntime.InferenceSession(
        str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    (proba,) = session.run(None, {spec["input_name"]: encode(documents, spec)})
    expected = model.predict_proba(documents)
    assert proba.shape == (1000, 4)
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-5)
    # Columns follow classes_: the labels travel in the spec.
    assert spec["classes"] == model.classes_.tolist()
    assert np.array(spec["classes"])[proba.argmax(1)].tolist() == (
        model.predict(documents).tolist()
    )


def test_onnx_model_carries_the_spec_and_takes_any_batch_size(model, tmp_path):
    onnx = pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    spec = export_onnx(model, tmp_path / "m.onnx")
    stored = {
        p.key: p.value for p in onnx.load(str(tmp_path / "m.onnx")).metadata_props
    }
    assert json.loads(stored["sklearn_charcnn.preprocessing"]) == spec
    session = onnxruntime.InferenceSession(
        str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]
    )
    (graph_input,) = session.get_inputs()
    assert graph_input.name == "codes" and graph_input.type == "tensor(uint8)"
    for n in (1, 3):
        (proba,) = session.run(None, {"codes": encode(["A short text."] * n, spec)})
        assert proba.shape == (n, 4)


def test_torch_export_probabilities_equal_the_pipeline(model, ag_news, tmp_path):
    documents = ag_news[2][:200]
    spec = export_torch(model, tmp_path / "model.pt2")
    assert (tmp_path / "model.preprocessing.json").is_file()
    program = torch.export.load(str(tmp_path / "model.pt2")).module()
    with torch.no_grad():
        proba = program(torch.from_numpy(encode(documents, spec))).numpy()
    np.testing.assert_allclose(proba, model.predict_proba(documents), rtol=0, atol=1e-5)


def test_encode_gives_the_quantizer_rows(ag_news):
    documents = ag_news[2][:100] + [
        "İstanbul ΟΔΟΣ Straße",
        "Привет, мир! 日本語 😀",
        "lone \udcff surrogate",
        "",
        "x" * 2000,
    ]
    for params in (
        {"max_length": 256},
        {"max_length": 200, "reverse": False},
        {"max_length": 256, "alphabet": "paper-full"},
        {"max_length": 256, "alphabet": "bytes"},
        {"max_length": 256, "alphabet": "bytes", "lowercase": True},
        {"max_length": 64, "alphabet": "abcжß日"},
    ):
        quantizer = CharQuantizer(**params).fit(documents)
        spec = preprocessing_spec(quantizer)
        rows = encode(documents, json.loads(json.dumps(spec)))
        np.testing.assert_array_equal(rows, quantizer.transform(documents))


def test_spec_describes_the_quantizer():
    spec = preprocessing_spec(CharQuantizer(max_length=6, reverse=False).fit(["x"]))
    assert spec["unit"] == "char" and spec["alphabet"].startswith("abc")
    assert (spec["max_length"], spec["reverse"], spec["lowercase"]) == (6, False, True)
    assert "classes" not in spec
    spec = preprocessing_spec(CharQuantizer(alphabet="bytes").fit(["x"]))
    assert (spec["unit"], spec["alphabet"], spec["lowercase"]) == ("byte", None, False)
    # Hand-checked: "Ab" reversed -> b, a -> codes 2, 1 with the paper alphabet.
    spec = preprocessing_spec(CharQuantizer(max_length=3).fit(["x"]))
    assert encode(["Ab"], spec).tolist() == [[2, 1, 0]]


def test_load_spec_refuses_other_json(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"max_length": 5}')
    with pytest.raises(ValueError, match="Not a sklearn-charcnn preprocessing spec"):
        load_spec(path)
    path.write_text('{"format": "sklearn-charcnn-preprocessing", "version": 99}')
    with pytest.raises(ValueError, match="version 99 is not supported"):
        load_spec(path)


def test_only_quantizer_and_classifier_pipelines_export(model, tmp_path):
    with pytest.raises(TypeError, match="Expected a fitted Pipeline"):
        export_torch(model[-1], tmp_path / "m.pt2")
    other = make_pipeline(CharQuantizer(), LogisticRegression())
    with pytest.raises(ValueError, match="last two steps are CharQuantizer"):
        preprocessing_spec(other)
    augmented = make_pipeline(ThesaurusAugmenter(), *[step for _, step in model.steps])
    assert preprocessing_spec(augmented) == preprocessing_spec(model)
    unfitted = make_pipeline(CharQuantizer(), CharCNNClassifier())
    with pytest.raises(NotFittedError):
        preprocessing_spec(unfitted)


@pytest.mark.parametrize("length", [123, 300, 40])
def test_portable_network_computes_what_the_module_computes(length):
    torch.manual_seed(0)
    net = CharCNNModule(70, length, 3, n_filters=6, fc_width=8, batch_norm=True)
    with torch.no_grad():  # non-trivial running statistics to fold
        for norm in net.norms:
            norm.running_mean.uniform_(-1, 1)
            norm.running_var.uniform_(0.5, 2)
    net.eval()
    codes = torch.randint(
        0, 70, (5, length), generator=torch.Generator().manual_seed(1)
    )
    with torch.no_grad():
        expected = net(codes)
    portable = PortableCharCNN(net, probabilities=False)
    assert net.norms is not None  # the fitted network is left as it was
    torch.testing.assert_close(portable(codes), expected, atol=1e-5, rtol=1e-5)
    one_hot = torch.nn.functional.one_hot(portable._pad(codes), 70)
    one_hot = one_hot.transpose(1, 2).float()
    torch.testing.assert_close(
        portable.forward_one_hot(one_hot), expected, atol=1e-5, rtol=1e-5
    )
    probabilities = PortableCharCNN(net)(codes)
    torch.testing.assert_close(probabilities, torch.softmax(expected, 1))


def test_skops_round_trip_with_the_documented_trusted_types(model, ag_news, tmp_path):
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    unknown = set(sio.get_untrusted_types(file=path))
    assert unknown <= set(skops_trusted_types()), unknown - set(skops_trusted_types())
    loaded = sio.load(path, trusted=skops_trusted_types())
    documents = ag_news[2][:50]
    np.testing.assert_array_equal(
        loaded.predict_proba(documents), model.predict_proba(documents)
    )
    assert loaded.classes_.tolist() == model.classes_.tolist()


def test_skops_file_holds_the_weights_as_arrays_not_a_pickled_net(model, tmp_path):
    # skorch pickles its module, optimizer and loss into one byte string that
    # skops cannot inspect; a skops file of a fitted pipeline should need
    # no net type to be trusted, only the estimators (weights as arrays).
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    unknown = set(sio.get_untrusted_types(file=path))
    assert not any("CharCNNNet" in name or "skorch" in name for name in unknown), (
        sorted(unknown)
    )
