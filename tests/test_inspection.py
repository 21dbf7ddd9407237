"""Character attributions: scores line up with the text and find the evidence."""

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn.export import PortableCharCNN, preprocessing_spec
from sklearn_charcnn.inspection import (
    _position_map,
    attributions_to_html,
    char_attributions,
)

pytest.importorskip("captum")

KEYWORD = "zebra"
FILLER = "cdfghijklmnopqstuvw"  # no letter of the keyword


def _synthetic(n_docs, seed):
    """Filler words; class 1 documents have KEYWORD planted at a random place."""
    rng = np.random.default_rng(seed)
    docs, labels, spans = [], [], []
    for i in range(n_docs):
        words = [
            "".join(rng.choice(list(FILLER), size=rng.integers(2, 7)))
            for _ in range(rng.integers(12, 22))
        ]
        label = i % 2
        span = None
        if label:
            at = int(rng.integers(0, len(words)))
            words.insert(at, KEYWORD)
            start = len(" ".join(words[:at])) + (1 if at else 0)
            span = (start, start + len(KEYWORD))
        docs.append(" ".join(words))
        labels.append(label)
        spans.append(span)
    return docs, np.array(labels), spans


@pytest.fixture(scope="module")
def keyword_model():
    docs, labels, _ = _synthetic(600, seed=0)
    model = make_pipeline(
        CharQuantizer(max_length=128),
        CharCNNClassifier(
            n_filters=8,
            fc_width=16,
            max_epochs=4,
            lr=1e-2,
            validation_fraction=0,
            device="cpu",
            # The same arithmetic on every CPU: bf16 training (the default
            # where the CPU has it) needs more than these 4 epochs here.
            precision="float32",
            random_state=0,
        ),
    )
    return model.fit(docs, labels)


def test_top_scoring_characters_fall_inside_the_planted_keyword(keyword_model):
    docs, labels, spans = _synthetic(24, seed=1)
    positive = [(d, s) for d, y, s in zip(docs, labels, spans, strict=True) if y == 1]
    assert keyword_model.score(docs, labels) > 0.9
    results = char_attributions(keyword_model, [d for d, _ in positive], target=1)
    hits = 0
    for result, (_doc, (start, end)) in zip(results, positive, strict=True):
        top = np.argsort(np.nan_to_num(result.scores, nan=-np.inf))[::-1][:3]
        hits += all(start <= i < end for i in top)
    assert hits >= 0.9 * len(positive)


def test_occlusion_also_finds_the_keyword(keyword_model):
    docs, labels, spans = _synthetic(10, seed=2)
    positive = [(d, s) for d, y, s in zip(docs, labels, spans, strict=True) if y == 1]
    results = char_attributions(
        keyword_model, [d for d, _ in positive], target=1, method="occlusion"
    )
    for result, (_doc, (start, end)) in zip(results, positive, strict=True):
        assert start <= int(np.nanargmax(result.scores)) < end


def test_integrated_gradients_scores_sum_to_the_logit_change(keyword_model):
    docs, _, _ = _synthetic(4, seed=3)
    results = char_attributions(keyword_model, docs, target=1, n_steps=64)
    network = PortableCharCNN(keyword_model[-1].net_.module_, probabilities=False)
    codes = torch.from_numpy(keyword_model[0].transform(docs))
    with torch.no_grad():
        change = (network(codes) - network(torch.zeros_like(codes)))[:, 1].numpy()
    totals = [np.nansum(result.scores) for result in results]
    np.testing.assert_allclose(totals, change, rtol=0.05, atol=1e-3)


def test_scores_line_up_with_the_original_text(keyword_model):
    long_doc = "Zebra " + "x" * 200  # longer than max_length=128
    (result,) = char_attributions(keyword_model, [long_doc], target=1)
    assert result.scores.shape == (len(long_doc),)
    assert np.isnan(result.scores[128:]).all()  # never read
    assert np.isfinite(result.scores[:128]).all()
    assert result.scores[5] == 0.0  # the space is code 0
    assert result.target == 1
    assert 0.0 <= result.probability <= 1.0


def test_default_target_is_the_predicted_class(keyword_model):
    docs, _, _ = _synthetic(6, seed=4)
    results = char_attributions(keyword_model, docs)
    assert [r.target for r in results] == keyword_model.predict(docs).tolist()


def test_unknown_target_and_method_raise(keyword_model):
    with pytest.raises(ValueError, match="not one of the classifier's classes_"):
        char_attributions(keyword_model, ["abc"], target="dog")
    with pytest.raises(ValueError, match="method must be one of"):
        char_attributions(keyword_model, ["abc"], method="saliency")
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        char_attributions(keyword_model, "abc")


def _fitted_spec(**params):
    return preprocessing_spec(CharQuantizer(**params).fit(["x"]))


def test_position_map_undoes_reversal_truncation_and_lowercasing():
    # "İ" lower-cases to two characters: "a", "i", U+0307, "b" -> 3 positions kept.
    spec = _fitted_spec(max_length=3)
    owner, positions = _position_map("aİb", spec)
    assert owner.tolist() == [0, 1, 1]  # "b" is not read
    assert positions.tolist() == [2, 1, 0]  # the last unit read sits at 0
    spec = _fitted_spec(max_length=5, reverse=False, alphabet="bytes")
    owner, positions = _position_map("aжb", spec)  # "ж" is two UTF-8 bytes
    assert owner.tolist() == [0, 1, 1, 2]
    assert positions.tolist() == [0, 1, 2, 3]


def _unit_codes(piece, spec):
    """The codes of one (lower-cased) character, written out from the spec."""
    if spec["unit"] == "byte":
        return list(piece.encode("utf-8"))  # byte b has code b
    return [spec["alphabet"].find(char) + 1 for char in piece]  # 0 if absent


@pytest.mark.parametrize(
    "params",
    [
        {"max_length": 12},
        {"max_length": 12, "reverse": False},
        {"max_length": 12, "alphabet": "paper-full"},
        {"max_length": 9, "alphabet": "bytes"},
        {"max_length": 9, "alphabet": "bytes", "lowercase": True},
    ],
)
def test_each_character_owns_the_codes_the_quantizer_wrote_for_it(params):
    quantizer = CharQuantizer(**params).fit(["x"])
    spec = preprocessing_spec(quantizer)
    for doc in ["Hello, World", "aİb Straße", "Привет мир", "日本 😀 ok", "x" * 20]:
        row = quantizer.transform([doc])[0]
        owner, positions = _position_map(doc, spec)
        for index in np.unique(owner):
            piece = doc[index].lower() if spec["lowercase"] else doc[index]
            got = row[positions[owner == index]].tolist()
            # The last character may be cut by the truncation (bytes, "İ").
            assert got == _unit_codes(piece, spec)[: len(got)]


def test_html_shades_characters_and_greys_those_not_read(keyword_model):
    (result,) = char_attributions(keyword_model, ["<zebra> & " + "y" * 130], target=1)
    page = result._repr_html_()
    assert page == result.to_html()
    assert "&lt;" in page and "&amp;" in page and "<zebra>" not in page
    assert page.count('title="not read"') == len(result.document) - 128
    assert "background-color: rgba(214, 38, 41" in page  # some red cell
    with pytest.raises(ValueError, match="scores for a document"):
        attributions_to_html("abc", [1.0])


def test_plot_draws_one_letter_per_visible_character(keyword_model):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (result,) = char_attributions(keyword_model, ["a zebra ran\nfar"], target=1)
    ax = result.plot(width=20)
    assert [t.get_text() for t in ax.texts] == list("azebraranfar")
    assert ax.get_ylim() == (-2.0, 0.0)  # the line break starts a second row
    plt.close(ax.figure)
