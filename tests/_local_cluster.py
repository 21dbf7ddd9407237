"""A Dask LocalCluster for the tests, with this process's environment kept."""

import contextlib
import os


@contextlib.contextmanager
def local_cluster(n_workers, threads_per_worker, env, config=None):
    """Yield a ``LocalCluster`` of worker processes on 127.0.0.1.

    ``config`` is Dask configuration in force while the cluster starts. The
    nanny writes ``OMP_NUM_THREADS=1`` (and a few others) into this
    process's environment before it spawns workers: the environment is
    restored when the cluster closes.
    """
    import dask
    import distributed

    saved = dict(os.environ)
    with dask.config.set(config or {}):
        cluster = distributed.LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env=env,
        )
    try:
        yield cluster
    finally:
        cluster.close()
        os.environ.clear()
        os.environ.update(saved)
