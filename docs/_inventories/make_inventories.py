"""Write the intersphinx inventories of docs/_inventories (run by hand).

The documentation build must not touch the network, and the projects' real
``objects.inv`` files are not stored here, so this script writes small
inventories with sphobjinv (``pip install sphobjinv``) listing only the names
these pages refer to. Each entry points at the page that documents the name
on the project's public site (the base URLs are in ``docs/conf.py``). A
reference that no inventory lists renders as plain text: to link it, add it
below and run ``python docs/_inventories/make_inventories.py``.
"""

from pathlib import Path

import sphobjinv as soi

HERE = Path(__file__).resolve().parent

# Each maker returns (project, version, {(domain:role, name): uri}); every "$"
# in a uri stands for the name (written out in full, then contracted).
_SKL_GEN = "modules/generated/{}.html#$"


def _sklearn():
    objects = {}
    classes = [
        "sklearn.base.BaseEstimator",
        "sklearn.base.ClassifierMixin",
        "sklearn.base.TransformerMixin",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.feature_extraction.text.CountVectorizer",
        "sklearn.linear_model.LogisticRegression",
        "sklearn.model_selection.GridSearchCV",
        "sklearn.model_selection.StratifiedKFold",
        "sklearn.model_selection.KFold",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing.TargetEncoder",
        "sklearn.preprocessing.LabelEncoder",
        "sklearn.metrics.ConfusionMatrixDisplay",
        "sklearn.model_selection.GroupKFold",
        "sklearn.utils.Bunch",
    ]
    functions = [
        "sklearn.model_selection.train_test_split",
        "sklearn.model_selection.cross_val_score",
        "sklearn.model_selection.cross_validate",
        "sklearn.pipeline.make_pipeline",
        "sklearn.metrics.accuracy_score",
        "sklearn.metrics.f1_score",
        "sklearn.metrics.classification_report",
        "sklearn.utils.check_random_state",
        "sklearn.set_config",
        "sklearn.base.clone",
        "sklearn.datasets.fetch_20newsgroups",
    ]
    for name in classes:
        objects[("py:class", name)] = _SKL_GEN.format(name)
    for name in functions:
        objects[("py:function", name)] = _SKL_GEN.format(name)
    for cls, methods in {
        "sklearn.pipeline.Pipeline": ["fit", "predict", "predict_proba", "score"],
        "sklearn.model_selection.GridSearchCV": ["fit"],
        "sklearn.metrics.ConfusionMatrixDisplay": ["from_predictions"],
    }.items():
        for method in methods:
            objects[("py:method", f"{cls}.{method}")] = _SKL_GEN.format(cls)
    objects[("py:module", "sklearn.datasets")] = "api/sklearn.datasets.html#module-$"
    objects[("py:data", "sklearn.feature_extraction.text.ENGLISH_STOP_WORDS")] = (
        "modules/feature_extraction.html#stop-words"
    )
    for term in ["estimator", "fit", "predict", "transform", "random_state"]:
        objects[("std:term", term)] = f"glossary.html#term-{term}"
    return "scikit-learn", "stable", objects


def _skorch():
    pages = {
        "skorch.net.NeuralNet": "net.html#$",
        "skorch.classifier.NeuralNetClassifier": "classifier.html#$",
        "skorch.history.History": "history.html#$",
        "skorch.dataset.ValidSplit": "dataset.html#$",
        "skorch.callbacks.Callback": "callbacks.html#$",
        "skorch.callbacks.EarlyStopping": "callbacks.html#$",
        "skorch.callbacks.EpochScoring": "callbacks.html#$",
        "skorch.callbacks.LRScheduler": "callbacks.html#$",
        "skorch.callbacks.Checkpoint": "callbacks.html#$",
    }
    return "skorch", "stable", {("py:class", k): v for k, v in pages.items()}


def _torch():
    gen = "generated/$.html#$"
    classes = {
        "torch.nn.Module": gen,
        "torch.nn.Conv1d": gen,
        "torch.nn.Linear": gen,
        "torch.nn.BatchNorm1d": gen,
        "torch.nn.Dropout": gen,
        "torch.nn.Embedding": gen,
        "torch.nn.CrossEntropyLoss": gen,
        "torch.optim.SGD": gen,
        "torch.optim.AdamW": gen,
        "torch.optim.Optimizer": "optim.html#$",
        "torch.Tensor": "tensors.html#$",
        "torch.device": "tensor_attributes.html#$",
        "torch.dtype": "tensor_attributes.html#$",
        "torch.Generator": "generated/$.html#$",
    }
    functions = {
        "torch.cuda.is_available": gen,
        "torch.set_num_threads": gen,
        "torch.manual_seed": gen,
        "torch.save": gen,
        "torch.load": gen,
        "torch.nn.functional.embedding_bag": gen,
    }
    objects = {("py:class", k): v for k, v in classes.items()}
    objects.update({("py:function", k): v for k, v in functions.items()})
    for method in ["load_state_dict", "state_dict", "to"]:
        objects[("py:method", f"torch.nn.Module.{method}")] = (
            "generated/torch.nn.Module.html#$"
        )
    return "PyTorch", "stable", objects


def _numpy():
    gen = "reference/generated/$.html#$"
    objects = {
        ("py:class", "numpy.ndarray"): gen,
        ("py:class", "numpy.dtype"): gen,
        ("py:class", "numpy.uint8"): "reference/arrays.scalars.html#$",
        ("py:class", "numpy.random.Generator"): "reference/random/generator.html#$",
        ("py:class", "numpy.random.RandomState"): "reference/random/legacy.html#$",
        ("py:function", "numpy.random.default_rng"): (
            "reference/random/generator.html#$"
        ),
        ("py:function", "numpy.asarray"): gen,
    }
    return "NumPy", "stable", objects


def _python():
    objects = {}
    for name in ["str", "bytes", "list", "dict", "tuple", "set", "int", "float"]:
        objects[("py:class", name)] = "library/stdtypes.html#$"
    for name in ["bool", "object", "range"]:
        objects[("py:class", name)] = "library/functions.html#$"
    for name in ["None", "True", "False"]:
        objects[("py:data", name)] = "library/constants.html#$"
    for name in [
        "Exception",
        "ImportError",
        "LookupError",
        "OSError",
        "TypeError",
        "ValueError",
        "FileNotFoundError",
    ]:
        objects[("py:exception", name)] = "library/exceptions.html#$"
    objects[("py:class", "pathlib.Path")] = "library/pathlib.html#$"
    objects[("py:class", "os.PathLike")] = "library/os.html#$"
    objects[("py:class", "collections.abc.Iterable")] = "library/collections.abc.html#$"
    objects[("py:class", "collections.abc.Mapping")] = "library/collections.abc.html#$"
    objects[("py:class", "collections.abc.Sequence")] = "library/collections.abc.html#$"
    objects[("py:module", "csv")] = "library/csv.html#module-$"
    objects[("py:function", "functools.partial")] = "library/functools.html#$"
    objects[("py:module", "pickle")] = "library/pickle.html#module-$"
    objects[("py:function", "pickle.dump")] = "library/pickle.html#$"
    objects[("py:function", "pickle.load")] = "library/pickle.html#$"
    return "Python", "3", objects


def _write(filename, project, version, objects):
    inventory = soi.Inventory()
    inventory.project, inventory.version = project, version
    for (role, name), uri in sorted(objects.items()):
        domain, role = role.split(":")
        inventory.objects.append(
            soi.DataObjStr(
                name=name,
                domain=domain,
                role=role,
                priority="1",
                uri=uri.replace("$", name),
                dispname="-",
            )
        )
    text = inventory.data_file(contract=True)
    soi.writebytes(HERE / filename, soi.compress(text))


def main():
    for filename, make in {
        "sklearn.inv": _sklearn,
        "skorch.inv": _skorch,
        "torch.inv": _torch,
        "numpy.inv": _numpy,
        "python.inv": _python,
    }.items():
        _write(filename, *make())


if __name__ == "__main__":
    main()
