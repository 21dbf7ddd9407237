"""Running a comparison's fits on a Dask cluster."""

from __future__ import annotations

from contextlib import contextmanager

from joblib import parallel_config

from sklearn_charcnn.compare.models import pipelines

__all__ = ["SCHEDULER_TIMEOUT_S", "connect", "dask_backend"]

SCHEDULER_TIMEOUT_S = 10.0
"""Seconds :func:`~sklearn_charcnn.compare.connect` waits for a Dask scheduler to answer.

Less when Dask's ``distributed.comm.timeouts.connect`` setting is lower.
"""


def connect(address: str):
    """Return a Dask client of the scheduler at ``address``.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://10.0.0.5:8786"``.

    Returns
    -------
    client : distributed.Client

    Raises
    ------
    OSError
        If no scheduler answers within :data:`~sklearn_charcnn.compare.SCHEDULER_TIMEOUT_S` seconds.
    """
    from sklearn_charcnn.parallel import _check_distributed

    _check_distributed("evaluate(scheduler=...)")
    import dask
    import distributed
    from dask.utils import parse_timedelta

    timeout = min(
        SCHEDULER_TIMEOUT_S,
        parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s"),
    )
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise OSError(
            f"No Dask scheduler answered at {address!r} within {timeout:g} s "
            f"({exc}). Check the address, or start a scheduler there "
            "(`dask scheduler`) and its workers (`dask worker ADDRESS`)."
        ) from None


def _uses_wordnet(models) -> bool:
    from sklearn_charcnn.augmenter import ThesaurusAugmenter

    return any(
        isinstance(step, ThesaurusAugmenter)
        for model in models.values()
        for _, pipeline in pipelines(model)
        for _, step in pipeline.steps
    )


@contextmanager
def dask_backend(scheduler: str | None, models):
    """Run the enclosed :class:`joblib.Parallel` on a Dask cluster, if given.

    Parameters
    ----------
    scheduler : str or None
        The scheduler's address; None runs the enclosed code unchanged.
    models : mapping of str to estimator
        The models to be fitted: when one has a ``ThesaurusAugmenter``,
        :class:`~sklearn_charcnn.parallel.WordNetWorkerPlugin` is registered
        on the workers first.
    """
    if scheduler is None:
        yield
        return
    from sklearn_charcnn.parallel import DaskBackend, WordNetWorkerPlugin

    client = connect(scheduler)
    try:
        if _uses_wordnet(models):
            client.register_plugin(WordNetWorkerPlugin())
        with parallel_config(backend=DaskBackend(client=client), n_jobs=-1):
            yield
    finally:
        client.close()
