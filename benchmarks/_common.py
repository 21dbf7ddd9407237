"""Helpers shared by the benchmark scripts: data location, machine facts, JSON output."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SHARED_DATA = Path(
    os.environ.get(
        "SKLEARN_CHARCNN_SHARED_DATA", BENCH_DIR.parent.parent / "shared" / "data"
    )
)


def machine_info() -> dict:
    """Describe the machine a result was measured on."""
    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    try:
        import numpy
        import sklearn

        info["numpy"] = numpy.__version__
        info["scikit-learn"] = sklearn.__version__
    except ImportError:  # pragma: no cover
        pass
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:  # pragma: no cover
        pass
    return info


def best_of(func, repeat: int = 3) -> float:
    """Return the smallest wall time of ``repeat`` calls of ``func``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def write_result(name: str, payload: dict) -> Path:
    """Write ``payload`` with the machine facts to ``results/<name>.json``."""
    RESULTS_DIR.mkdir(exist_ok=True)
    payload = {"benchmark": name, "machine": machine_info(), **payload}
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
