"""CharCNNClassifier on multi-label targets: a 0/1 indicator matrix Y."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from _classifier_data import LENGTH, make_codes
from scipy.special import expit, softmax
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback, Checkpoint, EarlyStopping
from test_classifier_fit import augmented

from sklearn_charcnn import CharCNNClassifier, CharQuantizer
from sklearn_charcnn._training import best_f1_threshold
from sklearn_charcnn.export import export_onnx, skops_trusted_types

SMALL = {"n_filters": 4, "fc_width": 8, "max_epochs": 2, "device": "cpu"}


def small(**params):
    return CharCNNClassifier(**{**SMALL, "random_state": 0, **params})


def keyword_docs(n_samples=48, seed=0):
    """Documents of 24 words: label 0 adds "goal" to the words drawn from,
    label 1 adds "stock"; every combination of the two labels occurs.
    """
    rng = np.random.default_rng(seed)
    Y = np.array([[k % 2, (k // 2) % 2] for k in range(n_samples)])
    docs = []
    for goal, stock in Y:
        words = ["aha", "ihi", "uhu"] + ["goal"] * 3 * goal + ["stock"] * 3 * stock
        docs.append(" ".join(rng.choice(words, 24)))
    return docs, Y


def keyword_codes(n_samples=40, seed=0):
    """Codes where label k writes code 10 + k in a block of 20 positions."""
    rng = np.random.default_rng(seed)
    Y = np.array([[k % 2, (k // 2) % 2, (k // 4) % 2] for k in range(n_samples)])
    X = rng.integers(20, 70, size=(n_samples, LENGTH)).astype(np.uint8)
    for label in range(Y.shape[1]):
        X[Y[:, label] == 1, 20 * label : 20 * label + 20] = 10 + label
    return X, Y


# ------------------------------------------------------------ outputs


def test_outputs_of_a_multilabel_fit():
    X, Y = keyword_codes()
    clf = small().fit(X, Y)
    assert clf.classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(clf.thresholds_, [0.5, 0.5, 0.5])
    predicted = clf.predict(X)
    assert predicted.shape == (40, 3)
    assert set(np.unique(predicted)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 3) and proba.dtype == np.float64
    assert ((proba > 0) & (proba < 1)).all()
    logits = clf.decision_function(X)
    assert logits.shape == (40, 3)
    np.testing.assert_allclose(expit(logits), proba)
    np.testing.assert_array_equal(predicted, proba > 0.5)
    assert clf.net_.module_.classifier[-1].out_features == 3


def test_history_records_f1_instead_of_accuracy():
    X, Y = keyword_codes()
    clf = small().fit(X, Y)
    last = clf.history_[-1]
    assert {"train_loss", "valid_loss", "train_f1_micro", "valid_f1_micro"} <= set(last)
    assert "valid_acc" not in last and "train_acc" not in last
    assert 0.0 <= last["valid_f1_micro"] <= 1.0


def test_early_stopping_watches_validation_micro_f1():
    X, Y = keyword_codes()
    clf = small(early_stopping=1, max_epochs=3).fit(X, Y)
    (stopper,) = [cb for _, cb in clf.net_.callbacks_ if isinstance(cb, EarlyStopping)]
    assert stopper.monitor == "valid_f1_micro"


def test_sparse_targets_train_as_the_dense_ones():
    X, Y = keyword_codes()
    dense = small().fit(X, Y).predict_proba(X)
    sparse = small().fit(X, sp.csr_matrix(Y)).predict_proba(X)
    np.testing.assert_array_equal(dense, sparse)


def test_single_label_targets_are_unchanged_by_the_threshold():
    X, y = make_codes()
    default = small().fit(X, y)
    other = small(threshold=0.9).fit(X, y)
    np.testing.assert_array_equal(default.predict_proba(X), other.predict_proba(X))
    assert not hasattr(default, "thresholds_")


def test_learns_two_keywords():
    docs, Y = keyword_docs(n_samples=64)
    model = make_pipeline(
        CharQuantizer(max_length=LENGTH),
        small(
            n_filters=16,
            fc_width=32,
            dropout=0.0,
            max_epochs=20,
            lr=1e-2,
            batch_size=16,
            validation_fraction=0,
        ),
    )
    model.fit(docs, Y)
    test_docs, test_Y = keyword_docs(n_samples=32, seed=1)
    predicted = model.predict(test_docs)
    assert (predicted == test_Y).all(axis=1).mean() >= 0.75


# ---------------------------------------------------- decision_function


def test_decision_function_of_two_classes_is_the_log_odds():
    X, y = make_codes()
    clf = small().fit(X, y)
    scores = clf.decision_function(X)
    assert scores.shape == (40,)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(expit(scores), proba[:, 1], rtol=1e-5)
    np.testing.assert_array_equal(
        clf.classes_[(scores > 0).astype(int)], clf.predict(X)
    )


def test_decision_function_of_several_classes_is_the_logits():
    X, y = make_codes(n_classes=3, n_samples=42)
    clf = small().fit(X, y)
    logits = clf.decision_function(X)
    assert logits.shape == (42, 3)
    np.testing.assert_allclose(softmax(logits, axis=1), clf.predict_proba(X), rtol=1e-5)


# ----------------------------------------------------------- thresholds


def test_best_f1_threshold_by_hand():
    # Predicting the two highest scores positive gives F1 = 1; the cut lies
    # between them and the next lower score.
    assert best_f1_threshold(
        np.array([0, 1, 0, 1]), np.array([0.2, 0.7, 0.4, 0.9])
    ) == (pytest.approx(0.55))
    # No positive row: nothing to tune on.
    assert best_f1_threshold(np.zeros(4), np.array([0.2, 0.7, 0.4, 0.9])) == 0.5


def test_validation_thresholds_are_tuned_per_label_and_used_by_predict():
    X, Y = keyword_codes(n_samples=60)
    clf = small(threshold="validation", validation_fraction=0.3).fit(X, Y)
    assert clf.thresholds_.shape == (3,)
    assert ((clf.thresholds_ > 0) & (clf.thresholds_ < 1)).all()
    assert not np.allclose(clf.thresholds_, 0.5)
    np.testing.assert_array_equal(
        clf.predict(X), clf.predict_proba(X) > clf.thresholds_
    )


def test_a_fixed_threshold_applies_to_every_label():
    X, Y = keyword_codes()
    clf = small(threshold=0.3).fit(X, Y)
    np.testing.assert_array_equal(clf.thresholds_, [0.3, 0.3, 0.3])
    np.testing.assert_array_equal(clf.predict(X), clf.predict_proba(X) > 0.3)


def test_validation_thresholds_need_a_validation_split():
    X, Y = keyword_codes()
    with pytest.raises(ValueError, match='threshold="validation".*validation_fraction'):
        small(threshold="validation", validation_fraction=0).fit(X, Y)


# -------------------------------------------------------------- weights


def test_multilabel_targets_train_without_label_smoothing_unless_set():
    X, Y = keyword_codes()
    plain = small().fit(X, Y)
    assert plain.net_.criterion_.label_smoothing == 0.0
    smoothed = small(label_smoothing=0.1).fit(X, Y)
    assert smoothed.net_.criterion_.label_smoothing == 0.1
    assert not np.allclose(plain.predict_proba(X), smoothed.predict_proba(X))
    # Smoothing moves each 0/1 target 0.05 towards 0.5 before the BCE.
    logits, target = np.zeros((1, 2)), np.array([[0.0, 1.0]])
    loss = smoothed.net_.criterion_(torch.tensor(logits), torch.tensor(target))
    np.testing.assert_allclose(loss.item(), np.log(2), rtol=1e-6)
    logits = np.array([[-3.0, 3.0]])
    loss = smoothed.net_.criterion_(torch.tensor(logits), torch.tensor(target))
    expected = -(0.05 * np.log(expit(-3.0)) + 0.95 * np.log(expit(3.0)))
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)


def test_balanced_class_weight_gives_negatives_over_positives():
    X, Y = keyword_codes(n_samples=40)
    Y[:, 2] = 0
    Y[:8, 2] = 1  # 8 positives, 32 negatives: weight 4
    clf = small(class_weight="balanced").fit(X, Y)
    # Labels 0 and 1 alternate: as many positives as negatives.
    np.testing.assert_allclose(clf.net_.criterion_.pos_weight.numpy(), [1.0, 1.0, 4.0])


def test_class_weight_dict_weighs_named_labels():
    X, Y = keyword_codes()
    clf = small(class_weight={2: 3.0}).fit(X, Y)
    np.testing.assert_allclose(clf.net_.criterion_.pos_weight.numpy(), [1.0, 1.0, 3.0])
    with pytest.raises(ValueError, match=r"class_weight names \['5'\].*0 to 2"):
        small(class_weight={5: 3.0}).fit(X, Y)


def test_unit_weights_equal_no_weights():
    X, Y = keyword_codes()
    plain = small().fit(X, Y)
    unit_rows = small().fit(X, Y, sample_weight=np.ones(len(X)))
    unit_labels = small(class_weight={0: 1.0, 1: 1.0, 2: 1.0}).fit(X, Y)
    np.testing.assert_array_equal(plain.predict_proba(X), unit_rows.predict_proba(X))
    np.testing.assert_array_equal(plain.predict_proba(X), unit_labels.predict_proba(X))


def test_sample_weight_changes_the_fit():
    X, Y = keyword_codes()
    weight = np.where(Y[:, 0] == 1, 5.0, 1.0)
    plain = small().fit(X, Y).predict_proba(X)
    weighted = small().fit(X, Y, sample_weight=weight).predict_proba(X)
    assert not np.allclose(plain, weighted)


# ---------------------------------------------- validation split and rows


def test_default_validation_split_works_on_small_multilabel_data():
    X, Y = keyword_codes(n_samples=12)
    clf = small().fit(X, Y)  # validation_fraction=0.1: a shuffled split
    assert "valid_f1_micro" in clf.history_[-1]


class RecordSplit(Callback):
    """Remember the rows skorch trains and validates on."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        train, valid = net.train_split.plan.train, net.train_split.plan.valid
        self.train_rows, self.valid_rows = train, valid


def test_augmented_copies_stay_on_the_side_of_their_original():
    X, Y = keyword_codes(n_samples=40)
    X_aug = augmented(X, n_copies=2)
    origin, copy_index = X_aug.origin, X_aug.copy_index
    clf = small(max_epochs=1, validation_fraction=0.25, callbacks=[RecordSplit()])
    clf.fit(X_aug, Y)  # Y per original document, expanded by origin
    ran = dict(clf.net_.callbacks_)["RecordSplit"]
    assert (copy_index[ran.valid_rows] == 0).all()
    assert len(ran.valid_rows) == 10
    assert not set(origin[ran.valid_rows]) & set(origin[ran.train_rows])
    assert len(ran.train_rows) == 3 * 30


def test_a_label_never_present_in_training_warns():
    X, Y = keyword_codes()
    Y[:, 1] = 0
    with pytest.warns(UserWarning, match="Label not 1 is present in all training"):
        small(validation_fraction=0).fit(X, Y)


def test_a_label_present_everywhere_warns():
    X, Y = keyword_codes()
    Y[:, 2] = 1
    with pytest.warns(UserWarning, match="Label 2 is present in all training"):
        small(validation_fraction=0).fit(X, Y)


# ---------------------------------------------------------- bad targets


def test_values_other_than_0_and_1_are_refused():
    X, Y = keyword_codes()
    with pytest.raises(ValueError, match=r"0 and 1 only; Y contains \[0, 2\]"):
        small().fit(X, Y * 2)


def test_several_classes_per_column_are_refused():
    X, Y = keyword_codes()
    Y[0, 0] = 2
    with pytest.raises(ValueError, match="multi-label indicator matrix of 0 and 1"):
        small().fit(X, Y)


def test_targets_of_another_length_are_refused():
    X, Y = keyword_codes()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        small().fit(X, Y[:-1])


def test_warm_start_with_another_label_count_is_refused():
    X, Y = keyword_codes()
    clf = small(warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="3 labels of a multi-label Y.*got 2 labels"):
        clf.fit(X, Y[:, :2])
    assert clf.classes_.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="got classes \\[0, 1\\]"):
        clf.fit(X, Y[:, 0])


def test_warm_start_continues_the_fitted_network():
    X, Y = keyword_codes()
    clf = small(warm_start=True, max_epochs=1).fit(X, Y)
    first = clf.predict_proba(X)
    clf.fit(X, Y)
    fresh = small(max_epochs=1).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(first, fresh)
    assert not np.array_equal(clf.predict_proba(X), fresh)


# ---------------------------------------------------------- scikit-learn


def test_grid_search_and_cross_validation_on_documents():
    docs, Y = keyword_docs()
    model = make_pipeline(CharQuantizer(max_length=LENGTH), small(max_epochs=1))
    search = GridSearchCV(
        model, {"charcnnclassifier__lr": [1e-3, 3e-3]}, cv=2, scoring="f1_macro"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # F1 of an unpredicted label
        search.fit(docs, Y)
        scores = cross_val_score(model, docs, Y, cv=KFold(2), scoring="f1_samples")
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.predict(docs[:3]).shape == (3, 2)
    assert scores.shape == (2,) and np.isfinite(scores).all()


def test_paper_recipe_trains_multilabel_targets():
    X, Y = keyword_codes()
    clf = small(recipe="paper").fit(X, Y)
    assert clf.predict(X).shape == Y.shape


# ----------------------------------------------------- persistence, export


def test_pickle_round_trip_keeps_labels_and_thresholds():
    X, Y = keyword_codes(n_samples=60)
    clf = small(threshold="validation", validation_fraction=0.3).fit(X, Y)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.thresholds_, clf.thresholds_)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_skops_round_trip(tmp_path):
    sio = pytest.importorskip("skops.io")
    docs, Y = keyword_docs()
    model = make_pipeline(CharQuantizer(max_length=LENGTH), small()).fit(docs, Y)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    loaded = sio.load(path, trusted=skops_trusted_types())
    np.testing.assert_array_equal(loaded.predict_proba(docs), model.predict_proba(docs))
    np.testing.assert_array_equal(loaded.predict(docs), model.predict(docs))


def test_onnx_export_gives_each_label_probability(tmp_path):
    pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    docs, Y = keyword_docs()
    model = make_pipeline(CharQuantizer(max_length=LENGTH), small()).fit(docs, Y)
    spec = export_onnx(model, tmp_path / "model.onnx")
    assert spec["multilabel"] is True and spec["classes"] == [0, 1]
    session = onnxruntime.InferenceSession(
        str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    (proba,) = session.run(None, {"codes": model[0].transform(docs)})
    assert proba.shape == (len(docs), 2)
    np.testing.assert_allclose(proba, model.predict_proba(docs), atol=1e-5)


def test_onnx_spec_of_a_single_label_model_says_so(tmp_path):
    pytest.importorskip("onnx")
    docs, Y = keyword_docs()
    model = make_pipeline(CharQuantizer(max_length=LENGTH), small()).fit(docs, Y[:, 0])
    assert export_onnx(model, tmp_path / "model.onnx")["multilabel"] is False


def test_a_checkpoint_reloads_as_a_multilabel_classifier(tmp_path):
    X, Y = keyword_codes()
    checkpoint = Checkpoint(dirname=str(tmp_path), monitor=None)  # every epoch
    clf = small(threshold=0.4, early_stopping=False, callbacks=[checkpoint])
    clf.fit(X, Y)
    (folder,) = clf.checkpoint_dirs_
    loaded = CharCNNClassifier.from_checkpoint(folder, device="cpu")
    np.testing.assert_array_equal(loaded.thresholds_, [0.4, 0.4, 0.4])
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), atol=1e-5)
    assert loaded.predict(X).shape == Y.shape
