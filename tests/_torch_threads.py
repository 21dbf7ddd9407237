"""A sequential reference fitted on one torch thread, shared by the parallel tests."""

import contextlib

import torch


@contextlib.contextmanager
def one_torch_thread():
    """Run the body on one torch thread, as a Dask or torchrun worker does.

    With another thread count, float sums run in another order, so a
    reference fitted on the default threads differs from the workers' fits
    in the last digits (more under bf16 training).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
