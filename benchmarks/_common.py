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
    import numpy
    import sklearn

    from sklearn_charcnn.cli import _machine

    return {
        **_machine(),
        "processor": platform.processor() or platform.machine(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }


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
