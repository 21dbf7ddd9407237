"""What the benchmark scripts share: data location, timing, the smoke setting, the record.

Every result file in ``results/`` has one envelope, whatever it measures:

``schema``
    ``"sklearn-charcnn/comparison/1"`` for an accuracy comparison (the
    :class:`sklearn_charcnn.compare.Comparison` record, as ``compare.json``),
    ``"sklearn-charcnn/benchmark/1"`` for any other measurement;
``benchmark``
    the result's name (its file name without ``.json``);
``question``
    the one question it answers;
``command``
    the command that produced it (the running script's, if not given);
``summary``
    its findings as a list of sentences, written by the benchmark itself;
``machine``
    where it ran (:func:`sklearn_charcnn.compare.machine_info`).

The rest is the benchmark's own detail. ``render_results.py`` and the
documentation print only the envelope (and, for comparisons, the model rows).

Every script takes ``--smoke``: a handful of documents, one epoch of a tiny
network (:data:`SMOKE_CHARCNN`), and a record written to a temporary folder
and read back instead of into ``results/``. It runs in seconds and checks
that the script still runs; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

from sklearn_charcnn.compare import SCHEMA, Comparison

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SHARED_DATA = Path(
    os.environ.get(
        "SKLEARN_CHARCNN_SHARED_DATA", BENCH_DIR.parent.parent / "shared" / "data"
    )
)
BENCHMARK_SCHEMA = "sklearn-charcnn/benchmark/1"
ENVELOPE = ("schema", "benchmark", "question", "command", "summary", "machine")

SMOKE_DOCS = 200
"""Documents of a smoke run (50 per AG News topic)."""
SMOKE_NETWORK = {"n_filters": 8, "fc_width": 16}
"""The tiny network of a smoke run."""
SMOKE_CHARCNN = {"max_length": 128, "max_epochs": 1, **SMOKE_NETWORK}
"""A smoke run's char-CNN settings: just above the network's shortest input."""


def add_smoke_option(parser) -> None:
    """Add ``--smoke`` to a script's options."""
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a run of seconds that checks the script: a handful of documents, "
        "one epoch of a tiny network, no record written into results/",
    )


def _setting(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def add_settings_option(parser) -> None:
    """Add ``--set KEY=VALUE`` (repeatable): char-CNN settings, in ``args.settings``."""
    parser.add_argument(
        "--set",
        dest="settings",
        type=_setting,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a char-CNN setting (max_length or a CharCNNClassifier parameter; "
        "VALUE read as JSON), e.g. --set max_epochs=20 --set batch_norm=false",
    )


def add_variants_option(parser, variants, default=None, help="") -> None:
    """Add ``--variants a,b,...``: which of ``variants`` to run, in that order.

    ``default`` is a comma-separated list (all of them if None); an unknown
    name is a usage error that lists the known ones.
    """

    def names(text: str) -> list[str]:
        chosen = text.split(",")
        unknown = sorted(set(chosen) - set(variants))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown variants {unknown}; choose among {list(variants)}"
            )
        return chosen

    parser.add_argument(
        "--variants",
        type=names,
        default=names(default or ",".join(variants)),
        help=f"comma-separated, among {list(variants)}{help}",
    )


def find_wordnet() -> None:
    """Let nltk find WordNet in the shared data folder when it has none."""
    import nltk

    try:
        nltk.data.find("corpora/wordnet.zip")
    except LookupError:
        nltk.data.path.append(str(SHARED_DATA / "nltk_data"))


def machine_info() -> dict:
    """Describe the machine a result was measured on.

    The engine's description plus the CPU model and whether it computes
    bfloat16 natively: CPU speed ratios depend on both (a BLAS or a
    precision that is fast on one processor can be slow on another).
    """
    from sklearn_charcnn.classifier import has_native_bf16
    from sklearn_charcnn.compare import machine_info

    info = machine_info()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        fields = {}
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
        if "model name" in fields:
            info["cpu_model"] = (
                f"{fields['model name']} (family {fields.get('cpu family', '?')}, "
                f"model {fields.get('model', '?')})"
            )
    info["cpu_native_bf16"] = has_native_bf16("cpu")
    return info


def command_line(argv=None) -> str:
    """The command that runs this script with ``argv`` (``sys.argv`` if None)."""
    args = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(["python", f"benchmarks/{Path(sys.argv[0]).name}", *args])


CLOCKS = {
    # Wall time is what a user waits. CPU time of the process (one thread)
    # is what a measurement on a shared, loaded machine can trust: time
    # spent waiting for a core is not counted.
    "wall": time.perf_counter,
    "cpu": time.process_time,
}


def best_of(func, repeat: int = 3, clock=time.perf_counter) -> float:
    """Return the smallest time of ``repeat`` calls of ``func`` on ``clock``."""
    times = []
    for _ in range(repeat):
        start = clock()
        func()
        times.append(clock() - start)
    return min(times)


def envelope(name: str, payload: dict) -> dict:
    """Put ``payload`` in the results' envelope (keys first, in order)."""
    summary = payload.get("summary") or []
    if isinstance(summary, str):
        summary = [summary]
    head = {
        "schema": payload.get("schema", BENCHMARK_SCHEMA),
        "benchmark": name,
        "question": payload.get("question", ""),
        "command": payload.get("command") or command_line(),
        "summary": list(summary),
        "machine": payload.get("machine") or machine_info(),
    }
    return {**head, **{k: v for k, v in payload.items() if k not in ENVELOPE}}


def write_result(name: str, payload, *, smoke: bool = False) -> Path:
    """Write a result to ``results/<name>.json`` in the common envelope.

    ``payload`` is a dict (``question``, ``command`` and ``summary`` should
    be in it; the machine is added) or a ``Comparison`` record. With
    ``smoke``, the record goes to a temporary folder and is read back (a
    comparison record through ``Comparison.from_json``), then deleted.
    Either way it prints where the record went.
    """
    if isinstance(payload, Comparison):
        payload = payload.to_dict()
    text = json.dumps(envelope(name, payload), indent=2) + "\n"
    if smoke:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.json"
            path.write_text(text, encoding="utf-8")
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["schema"] == SCHEMA:
                Comparison.from_json(path)
        print(f"smoke run: {name}.json written to a temporary folder, read back")
        return path
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(BENCH_DIR.parent)}")
    return path


def one_epoch_ag_model(
    *, size, max_length, n_train, n_docs, batch_size=None, smoke=False
):
    """A char-CNN trained one epoch on AG News, and documents it never saw.

    For benchmarks that time what a fitted pipeline does (serving,
    attributions), not how well it does it. Returns ``(model, documents)``.
    """
    import numpy as np
    from sklearn.pipeline import make_pipeline

    from sklearn_charcnn import CharCNNClassifier, CharQuantizer
    from sklearn_charcnn.datasets import load_ag_news

    X, y = load_ag_news(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(X))
    train = order[:n_train]
    documents = [X[i] for i in order[n_train : n_train + n_docs]]
    start = time.perf_counter()
    model = make_pipeline(
        CharQuantizer(max_length=max_length),
        CharCNNClassifier(
            size=size,
            max_epochs=1,
            batch_size=batch_size,
            validation_fraction=0,
            device="cpu",
            random_state=0,
            **(SMOKE_NETWORK if smoke else {}),
        ),
    ).fit([X[i] for i in train], y[train])
    print(f"fitted in {time.perf_counter() - start:.1f} s")
    return model, documents
