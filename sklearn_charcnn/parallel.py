"""Running the estimators on a Dask cluster.

A ``GridSearchCV`` (or ``cross_validate``) over a pipeline of this package
runs on a Dask cluster through joblib's ``"dask"`` backend; nothing in the
estimators changes. This module adds what the workers and the search need:

- :class:`WordNetWorkerPlugin` makes every worker find and load WordNet for
  :class:`~sklearn_charcnn.ThesaurusAugmenter` before a search starts, and
  again on every worker that joins or restarts later;
- :func:`describe_workers` reports, from inside each worker's task thread,
  the PyTorch threads, the device ``device="auto"`` picks and the WordNet
  folder, so a setting can be checked before an hours-long search;
- :class:`DaskBackend` is joblib's Dask backend, except that a fit whose
  workers keep dying fails the search instead of leaving it waiting.

Requires the ``dask`` extra (``pip install sklearn-charcnn[dask]``). The
user guide page "Scaling out: grid search on Dask" gives the whole recipe:
the scheduler, the threads per worker, GPUs and what happens when a worker
dies.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

try:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin

    # The class behind joblib's "dask" backend name; joblib has no public
    # import path for it.
    from joblib._dask import DaskDistributedBackend as _DaskBackend
except ImportError:  # the `dask` extra is not installed; __init__ says so.
    _WorkerPlugin = _DaskBackend = object

__all__ = [
    "DaskBackend",
    "WordNetWorkerPlugin",
    "describe_workers",
    "find_nltk_data",
]

_EXTRA_HINT = (
    "needs dask.distributed, which is not installed. Install it with "
    "`pip install sklearn-charcnn[dask]` (or `pip install 'dask[distributed]'`)."
)


def _check_distributed(what: str) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{what} {_EXTRA_HINT}") from exc


def find_nltk_data() -> str | None:
    """Return the first folder of ``nltk.data.path`` that holds WordNet.

    A folder holds WordNet when it contains ``corpora/wordnet.zip`` or
    ``corpora/wordnet/``, the layouts nltk reads. ``nltk.data.path`` starts
    with the folders of the ``NLTK_DATA`` environment variable.

    Returns
    -------
    folder : str or None
        The folder, or ``None`` if nltk would not find WordNet here.

    Examples
    --------
    >>> from sklearn_charcnn.parallel import find_nltk_data
    >>> folder = find_nltk_data()
    >>> folder is None or isinstance(folder, str)
    True
    """
    import nltk

    for folder in nltk.data.path:
        corpora = Path(folder) / "corpora"
        if (corpora / "wordnet.zip").is_file() or (corpora / "wordnet").is_dir():
            return str(folder)
    return None


class WordNetWorkerPlugin(_WorkerPlugin):
    """A Dask worker plugin that makes every worker find and load WordNet.

    :class:`~sklearn_charcnn.ThesaurusAugmenter` looks WordNet up where nltk
    looks for data, in the process that runs the fit: on a Dask cluster,
    each worker. Registered with ``client.register_plugin``, this plugin
    puts ``nltk_data`` first on every worker's ``nltk.data.path`` and loads
    WordNet there, on the workers present and on every worker that joins
    or is restarted later (for example after a worker died).

    Loading at registration moves failures to the start: a worker that
    cannot read WordNet makes ``register_plugin`` raise
    :class:`~sklearn_charcnn.thesaurus.WordNetNotFoundError` naming the
    worker, instead of failing fits in the middle of a search (where
    ``GridSearchCV``'s default ``error_score=np.nan`` would turn the error
    into NaN scores and a warning).

    Parameters
    ----------
    nltk_data : str or path-like, default=None
        Folder holding ``corpora/wordnet.zip`` (or ``corpora/wordnet/``), as
        the workers see it. ``None`` takes the folder where this process
        finds WordNet (:func:`find_nltk_data`), right for workers that share
        this machine's file system (a ``LocalCluster``, or a cluster with a
        shared home); when this process finds none, the workers search their
        own ``nltk.data.path`` only.
    preload : bool, default=True
        Load WordNet on each worker when the plugin is set up there (a few
        seconds, once per worker process), so that a missing or damaged
        corpus fails the registration. ``False`` only sets the path; WordNet
        then loads at the first augmented fit on each worker.

    Attributes
    ----------
    name : str
        The plugin's name on the cluster: registering the plugin again
        replaces it rather than adding a second copy.

    See Also
    --------
    sklearn_charcnn.thesaurus.load_wordnet : What each worker calls.
    describe_workers : Check the workers' WordNet folder, threads and device.

    Notes
    -----
    ``distributed.diagnostics.plugin.Environ({"NLTK_DATA": folder})`` is the
    alternative without this package: it sets the environment variable in
    every worker's nanny and restarts the workers, but loads nothing, so a
    worker that cannot read the corpus is found only by the first fit that
    needs it.

    Examples
    --------
    >>> from sklearn_charcnn.parallel import WordNetWorkerPlugin
    >>> plugin = WordNetWorkerPlugin(nltk_data="/data/nltk_data")
    >>> plugin.nltk_data
    '/data/nltk_data'

    On a cluster (``pip install sklearn-charcnn[dask]``):

    >>> from distributed import Client  # doctest: +SKIP
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> client.register_plugin(WordNetWorkerPlugin())  # doctest: +SKIP
    """

    name = "sklearn-charcnn-wordnet"

    def __init__(self, nltk_data=None, preload=True):
        _check_distributed("WordNetWorkerPlugin")
        if nltk_data is None:
            nltk_data = find_nltk_data()
        self.nltk_data = None if nltk_data is None else os.fspath(nltk_data)
        self.preload = bool(preload)

    async def setup(self, worker):
        """Put ``nltk_data`` on the worker's nltk path and load WordNet there.

        Parameters
        ----------
        worker : distributed.Worker
            The worker being set up (called by Dask, not by users).
        """
        import nltk

        from sklearn_charcnn.thesaurus import WordNetNotFoundError, load_wordnet

        if self.nltk_data is not None and self.nltk_data not in nltk.data.path:
            nltk.data.path.insert(0, self.nltk_data)
        if not self.preload:
            return
        # Loading takes seconds: off the worker's event loop, which must keep
        # answering the scheduler meanwhile.
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, load_wordnet)
        except WordNetNotFoundError as exc:
            raise WordNetNotFoundError(f"Dask worker {worker.address}: {exc}") from None

    def __repr__(self):
        return (
            f"{type(self).__name__}(nltk_data={self.nltk_data!r}, "
            f"preload={self.preload!r})"
        )


def _describe_this_worker() -> dict:
    import torch

    return {
        "torch_threads": torch.get_num_threads(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "MKL_NUM_THREADS": os.environ.get("MKL_NUM_THREADS"),
        "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        "auto_device": "cuda" if torch.cuda.is_available() else "cpu",
        "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "nltk_data": find_nltk_data(),
        "pid": os.getpid(),
    }


def describe_workers(client) -> dict[str, dict]:
    """Report what each worker of a Dask cluster would train with.

    One small task runs on every worker, in the worker's task threads, where
    the fits of a search run (a PyTorch thread setting made elsewhere in the
    worker process may not apply there).

    Parameters
    ----------
    client : distributed.Client
        A client connected to the cluster.

    Returns
    -------
    workers : dict
        Keyed by worker address, each a dict with ``torch_threads``
        (``torch.get_num_threads()``), ``OMP_NUM_THREADS`` and
        ``MKL_NUM_THREADS`` (the variables torch's thread count follows),
        ``MALLOC_TRIM_THRESHOLD_`` (set by Dask's nanny by default, it makes
        glibc map and unmap every large tensor, which slows training; see
        the user guide page "Scaling out"), ``auto_device`` (what
        ``device="auto"`` picks: ``"cuda"``, the worker's first visible
        GPU, or ``"cpu"``),
        ``CUDA_VISIBLE_DEVICES``, ``nltk_data`` (the folder the worker finds
        WordNet in, or ``None``) and ``pid``.

    Examples
    --------
    >>> from distributed import Client  # doctest: +SKIP
    >>> from sklearn_charcnn.parallel import describe_workers
    >>> describe_workers(Client("tcp://scheduler:8786"))  # doctest: +SKIP
    {'tcp://10.0.0.5:40331': {'torch_threads': 1, 'OMP_NUM_THREADS': '1', ...}}
    """
    _check_distributed("describe_workers")
    addresses = sorted(client.nthreads())
    futures = {
        address: client.submit(
            _describe_this_worker,
            workers=[address],
            allow_other_workers=False,
            pure=False,
        )
        for address in addresses
    }
    return {address: future.result() for address, future in futures.items()}


class DaskBackend(_DaskBackend):
    """joblib's Dask backend, raising when a task has killed its workers.

    Pass an instance to ``joblib.parallel_config(backend=...)`` where you
    would write ``backend="dask"``. It is joblib's own backend with one
    change: when Dask gives up on a task because the workers running it
    died (more than ``distributed.scheduler.allowed-failures`` times,
    3 by default), the search raises ``distributed.scheduler.KilledWorker``.
    With ``backend="dask"``, joblib (1.6.0, the version tested) never
    hears of that failure, and ``GridSearchCV.fit`` waits forever.

    Parameters
    ----------
    **kwargs
        Passed to joblib's ``DaskDistributedBackend``: ``client`` (default:
        the current Dask client), ``scatter``, ``wait_for_workers_timeout``
        and keyword arguments of ``Client.submit``.

    See Also
    --------
    WordNetWorkerPlugin : Make the workers find WordNet.

    Notes
    -----
    A worker that dies while it runs a fit (killed for memory, a crash in a
    native library, a lost machine) makes Dask run the fit again on another
    worker, up to ``allowed-failures`` times; the search then completes
    with every fit done once, and the same scores as an uninterrupted run
    when ``random_state`` is fixed. A fit that keeps killing its workers
    fails the search with ``KilledWorker`` and no ``cv_results_``: partial
    results are never returned as a complete search.

    Examples
    --------
    >>> import joblib  # doctest: +SKIP
    >>> from distributed import Client  # doctest: +SKIP
    >>> from sklearn_charcnn.parallel import DaskBackend
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> with joblib.parallel_config(backend=DaskBackend()):  # doctest: +SKIP
    ...     search.fit(X_train, y_train)
    """

    def __init__(self, **kwargs):
        _check_distributed("DaskBackend")
        super().__init__(**kwargs)

    def submit(self, func, callback=None):
        """Submit a batch of tasks; an error of the task itself reaches joblib.

        Parameters
        ----------
        func : callable
            The batch, as joblib builds it.
        callback : callable, default=None
            joblib's completion callback.

        Returns
        -------
        future : concurrent.futures.Future
            The batch's result.
        """
        future = super().submit(func, callback=callback)
        if callback is not None:
            # joblib's backend sets the exception of a task that Dask gave up
            # on (KilledWorker) on this future but never calls the callback,
            # which is how joblib.Parallel learns that a batch ended.
            def report_failure(done):
                if not done.cancelled() and done.exception() is not None:
                    callback(done.exception())

            future.add_done_callback(report_failure)
        return future
