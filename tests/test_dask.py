"""Grid search on a Dask cluster through joblib (sklearn_charcnn.parallel).

Real local clusters of worker processes bound to 127.0.0.1, tiny networks.
Each search is compared with the same search run sequentially in this
process: with ``random_state`` fixed, every split's scores must be equal.
"""

import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from _local_cluster import local_cluster
from _tiny_tags import tiny_tags
from _torch_threads import one_torch_thread

distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from sklearn_charcnn import (  # noqa: E402
    CharCNNClassifier,
    CharQuantizer,
    ThesaurusAugmenter,
)
from sklearn_charcnn.datasets import load_ag_news  # noqa: E402
from sklearn_charcnn.parallel import (  # noqa: E402
    DaskBackend,
    WordNetWorkerPlugin,
    describe_workers,
    find_nltk_data,
)
from sklearn_charcnn.thesaurus import WordNetNotFoundError  # noqa: E402

# Each cluster's scheduler serves /metrics on port 8787 or, when taken, another.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")

CV = StratifiedKFold(2, shuffle=True, random_state=0)
SCORING = ("accuracy", "neg_log_loss")
# Several labels per document: stratified folds cannot take an indicator Y.
MULTILABEL_CV = KFold(2, shuffle=True, random_state=0)
MULTILABEL_SCORING = ("f1_macro", "roc_auc")


@pytest.fixture(scope="module")
def docs():
    """40 short AG News articles, 10 per topic."""
    X, y = load_ag_news(return_X_y=True)
    rows = np.concatenate([np.flatnonzero(y == label)[:10] for label in range(4)])
    return [X[i][:200] for i in rows], y[rows]


def tiny_classifier(**params):
    defaults = {
        "n_filters": 4,
        "fc_width": 8,
        "max_epochs": 1,
        "validation_fraction": 0,
        "random_state": 0,
    }
    return CharCNNClassifier(**{**defaults, **params})


def split_scores(search):
    """Every split's test scores, as the search recorded them."""
    return {
        key: search.cv_results_[key]
        for key in search.cv_results_
        if key.startswith("split") and "_test_" in key
    }


def assert_same_scores(search, reference, cv=CV, scoring=SCORING):
    expected = split_scores(reference)
    assert len(expected) == cv.n_splits * len(scoring)
    got = split_scores(search)
    assert got.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


def die_once(folder, at):
    """A skorch callback that ends its worker process at the ``at``-th fit.

    Fits are counted across processes by creating numbered files in
    ``folder``; the ``at``-th fit to start (from 0) calls ``os._exit``, as a
    worker killed for memory or a crash in native code would end. Defined
    in a function so that Dask ships the class to the workers by value.
    """
    from skorch.callbacks import Callback

    class DieOnce(Callback):
        def __init__(self, folder, at, test_pid):
            self.folder = folder
            self.at = at
            self.test_pid = test_pid

        def on_train_begin(self, net, **kwargs):
            number = 0
            while True:
                try:
                    fd = os.open(
                        Path(self.folder) / f"fit-{number}", os.O_CREAT | os.O_EXCL
                    )
                except FileExistsError:
                    number += 1
                else:
                    os.close(fd)
                    break
            if number == self.at:
                if os.getpid() == self.test_pid:
                    raise RuntimeError("the fit ran in the test process, not on Dask")
                os._exit(1)

    return DieOnce(str(folder), at, os.getpid())


def started_fits(folder):
    return len(list(Path(folder).glob("fit-*")))


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each, Dask's default settings.

    The workers start without ``NLTK_DATA``, as on a cluster where nobody
    set it, so only :class:`WordNetWorkerPlugin` points them at WordNet.
    """
    with local_cluster(2, 1, env={"NLTK_DATA": ""}) as cluster:
        client = distributed.Client(cluster, set_as_default=False)
        yield client
        client.close()


@pytest.fixture(scope="module")
def strict_client():
    """One worker process, two torch threads, no retry of a task whose worker died.

    The worker runs two tasks at a time: with a single thread in the whole
    cluster, joblib would run the search in this process instead.
    """
    with local_cluster(
        1,
        2,
        env={"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
        config={"distributed.scheduler.allowed-failures": 0},
    ) as cluster:
        client = distributed.Client(cluster, set_as_default=False)
        yield client
        client.close()


def test_unreachable_scheduler_fails_within_the_timeout():
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(
        OSError, match=f"Timed out trying to connect to tcp://127.0.0.1:{port}"
    ):
        distributed.Client(f"tcp://127.0.0.1:{port}", timeout=1)
    assert time.perf_counter() - start < 10


def test_workers_run_one_torch_thread_by_default(client):
    workers = describe_workers(client)
    assert len(workers) == 2
    for worker in workers.values():
        assert worker["OMP_NUM_THREADS"] == worker["MKL_NUM_THREADS"] == "1"
        assert worker["torch_threads"] == 1
        assert worker["auto_device"] == "cpu"


def test_worker_environment_sets_torch_threads(strict_client):
    (worker,) = describe_workers(strict_client).values()
    assert worker["OMP_NUM_THREADS"] == worker["MKL_NUM_THREADS"] == "2"
    assert worker["torch_threads"] == 2


@pytest.mark.wordnet
def test_plugin_fails_registration_when_a_worker_lacks_wordnet(client, tmp_path):
    if any(worker["nltk_data"] for worker in describe_workers(client).values()):
        pytest.skip("the workers find WordNet in nltk's default folders")
    try:
        with pytest.raises(WordNetNotFoundError, match="Dask worker tcp://127.0.0.1:"):
            client.register_plugin(WordNetWorkerPlugin(nltk_data=tmp_path))
    finally:
        client.unregister_worker_plugin(WordNetWorkerPlugin.name)


@pytest.mark.wordnet
def test_grid_search_with_augmenter_on_dask_matches_sequential(client, docs):
    X, y = docs
    folder = find_nltk_data()
    client.register_plugin(WordNetWorkerPlugin())
    assert {w["nltk_data"] for w in describe_workers(client).values()} == {folder}

    def search():
        model = make_pipeline(
            ThesaurusAugmenter(random_state=0),
            CharQuantizer(max_length=128),
            tiny_classifier(),
        )
        grid = {"thesaurusaugmenter__p": [0.2, 0.8]}
        return GridSearchCV(model, grid, cv=CV, scoring=SCORING, refit=False)

    with one_torch_thread():
        reference = search().fit(X, y)
    with joblib.parallel_config(backend=DaskBackend(client=client)):
        on_dask = search().fit(X, y)
    assert_same_scores(on_dask, reference)
    # The augmenter's p changed the training text: the candidates differ.
    first, second = reference.cv_results_["split0_test_neg_log_loss"]
    assert first != second


@pytest.mark.wordnet
def test_multilabel_grid_search_with_augmenter_on_dask_matches_sequential(client):
    # Each document and its augmented copy train on the same label row, and
    # each label's threshold is tuned on the validation split, on workers
    # as in this process.
    X, Y, _ = tiny_tags(40)
    client.register_plugin(WordNetWorkerPlugin())

    def search():
        model = make_pipeline(
            ThesaurusAugmenter(n_copies=1, random_state=0),
            CharQuantizer(max_length=128),
            tiny_classifier(
                max_epochs=2, validation_fraction=0.25, threshold="validation"
            ),
        )
        grid = {"thesaurusaugmenter__p": [0.2, 0.8]}
        return GridSearchCV(
            model,
            grid,
            cv=MULTILABEL_CV,
            scoring=MULTILABEL_SCORING,
            refit="f1_macro",
        )

    with one_torch_thread():
        reference = search().fit(X, Y)
    with joblib.parallel_config(backend=DaskBackend(client=client)):
        on_dask = search().fit(X, Y)
    assert_same_scores(on_dask, reference, MULTILABEL_CV, MULTILABEL_SCORING)
    assert on_dask.best_params_ == reference.best_params_
    assert on_dask.predict(X[:5]).shape == (5, Y.shape[1])
    first, second = reference.cv_results_["split0_test_roc_auc"]
    assert first != second


def search_with_death(folder, at):
    model = make_pipeline(
        CharQuantizer(max_length=128), tiny_classifier(callbacks=[die_once(folder, at)])
    )
    grid = {"charcnnclassifier__lr": [1e-3, 1e-2]}
    return GridSearchCV(model, grid, cv=CV, scoring=SCORING, refit=False)


@pytest.mark.wordnet
def test_worker_killed_mid_search_is_replaced_and_search_completes(
    client, docs, tmp_path
):
    X, y = docs
    reference = search_with_death(tmp_path / "reference", at=-1)
    (tmp_path / "reference").mkdir()
    with one_torch_thread():
        reference.fit(X, y)
    pids = {w["pid"] for w in describe_workers(client).values()}
    client.register_plugin(WordNetWorkerPlugin())

    (tmp_path / "dask").mkdir()
    search = search_with_death(tmp_path / "dask", at=1)
    with joblib.parallel_config(backend=DaskBackend(client=client)):
        search.fit(X, y)

    # One worker died at the second fit; Dask ran its fits again elsewhere.
    assert started_fits(tmp_path / "dask") > started_fits(tmp_path / "reference") == 4
    assert_same_scores(search, reference)
    # The nanny started a new worker process, and the plugin set it up too.
    client.wait_for_workers(2, timeout=120)
    workers = describe_workers(client)
    assert len({w["pid"] for w in workers.values()} - pids) == 1
    assert {w["nltk_data"] for w in workers.values()} == {find_nltk_data()}


def test_worker_killed_without_retries_fails_search(strict_client, docs, tmp_path):
    X, y = docs
    search = search_with_death(tmp_path, at=0)
    start = time.perf_counter()
    with pytest.raises(distributed.scheduler.KilledWorker):
        with joblib.parallel_config(backend=DaskBackend(client=strict_client)):
            search.fit(X, y)
    assert time.perf_counter() - start < 60
    assert not hasattr(search, "cv_results_")
