"""The benchmarks, examples and documentation scripts are users of the package.

- They import only its public names: no ``_``-prefixed module or name of
  ``sklearn_charcnn``, so a change inside the package cannot break them
  unseen.
- Every benchmark script still runs: each one's ``--smoke`` setting (a
  handful of documents, one epoch of a tiny network, no record written into
  ``benchmarks/results/``) runs here in a subprocess.
- ``render_results.py`` lays out every record in ``benchmarks/results/``
  and rewrites only the marked block of a README.
"""

import ast
import importlib.util
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO_ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results"
SCRIPTS = sorted(
    path
    for folder in ("benchmarks", "docs", "examples")
    for path in (REPO_ROOT / folder).rglob("*.py")
    if "_build" not in path.parts
)

# ------------------------------------------------------------ public names


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_path(dotted: str) -> bool:
    return any(_is_private(part) for part in dotted.split("."))


def _dotted(node) -> str | None:
    """``a.b.c`` for an attribute chain on a plain name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def private_uses(source: str) -> list[str]:
    """The private ``sklearn_charcnn`` names a module's source imports or reads.

    Imports of a private module or name, and attribute chains such as
    ``sklearn_charcnn.x._y`` or ``thesaurus._cache`` where ``thesaurus``
    was imported from the package.
    """
    tree = ast.parse(source)
    bound = {"sklearn_charcnn": "sklearn_charcnn"}  # local name -> dotted path
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "sklearn_charcnn":
                    continue
                if _private_path(alias.name):
                    found.append(f"import {alias.name}")
                if alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            module = node.module or ""
            if module.split(".")[0] != "sklearn_charcnn":
                continue
            for alias in node.names:
                dotted = f"{module}.{alias.name}"
                if _private_path(dotted):
                    found.append(f"from {module} import {alias.name}")
                bound[alias.asname or alias.name] = dotted
    attributes = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute)]
    inner = {id(node.value) for node in attributes}  # read the outermost chain
    for node in attributes:
        dotted = None if id(node) in inner else _dotted(node)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        if head in bound and _private_path(rest):
            found.append(f"{bound[head]}.{rest}")
    return found


def test_private_uses_finds_every_form():
    source = "\n".join(
        [
            "import sklearn_charcnn._training",
            "import sklearn_charcnn.compare as compare",
            "from sklearn_charcnn._stats import mcnemar",
            "from sklearn_charcnn.quantizer import _TO_NUL, CharQuantizer",
            "from sklearn_charcnn import thesaurus",
            "thesaurus._ranked.clear()",
            "compare._splits(1)",
            "sklearn_charcnn.augmenter._split_words('a b')",
        ]
    )
    assert private_uses(source) == [
        "import sklearn_charcnn._training",
        "from sklearn_charcnn._stats import mcnemar",
        "from sklearn_charcnn.quantizer import _TO_NUL",
        "sklearn_charcnn.thesaurus._ranked.clear",
        "sklearn_charcnn.compare._splits",
        "sklearn_charcnn.augmenter._split_words",
    ]


def test_private_uses_allows_public_and_dunder_names():
    source = "\n".join(
        [
            "import sklearn_charcnn",
            "from sklearn_charcnn.compare import Comparison, evaluate",
            "from sklearn_charcnn.compare.stats import mcnemar",
            "import torch",
            "torch.ops.mkldnn._is_mkldnn_bf16_supported()",
            "sklearn_charcnn.__version__, sklearn_charcnn.__all__",
            "self._started = None",
        ]
    )
    assert private_uses(source) == []


@pytest.mark.parametrize(
    "path", SCRIPTS, ids=[str(p.relative_to(REPO_ROOT)) for p in SCRIPTS]
)
def test_script_uses_public_names_only(path):
    found = private_uses(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(REPO_ROOT)} uses private names of sklearn_charcnn: "
        f"{found}. Use the public API, or ask for the name to be made public."
    )


# ------------------------------------------------------------ smoke runs

WORDNET = pytest.mark.wordnet
SHARED = pytest.mark.shared_data
SMOKE_RUNS = {
    # script: (extra arguments, marks)
    "bench_accuracy_ag.py": ([], []),
    "bench_accuracy_ag_defaults.py": ([], []),
    "bench_accuracy_imdb.py": ([], [SHARED]),
    "bench_attribution.py": ([], []),
    "bench_augmentation_ag.py": (["--augment", "1"], [WORDNET]),
    "bench_augmentation_search.py": ([], [WORDNET]),
    "bench_augmenter.py": ([], [WORDNET, SHARED]),
    "bench_bytes_alphabet.py": ([], []),
    "bench_classifier_speed.py": ([], []),
    "bench_export.py": ([], []),
    "bench_goemotions_settings.py": ([], [SHARED]),
    "bench_grid_search_dask.py": ([], []),
    "bench_long_documents.py": (
        ["--variants", "first-512,windows-512,windows-512-all"],
        [],
    ),
    "bench_memmap_fit.py": ([], []),
    "bench_partial_fit.py": ([], []),
    "bench_predict_memory.py": ([], []),
    "bench_quantizer.py": ([], []),
    "bench_quantizer_memory.py": ([], []),
    "bench_stacking_ag.py": ([], []),
}
SMOKE_TEST = "test_benchmark_smoke_run"
# Smoke runs at a time: one per core of a 2-core machine, each on one core:
# one torch and BLAS thread, and n_jobs=-1 (the TF-IDF baselines' search)
# taken as one job.
SMOKE_PROCESSES = 2
ONE_CORE = {"OMP_NUM_THREADS": "1", "LOKY_MAX_CPU_COUNT": "1"}


def test_every_benchmark_has_a_smoke_run():
    scripts = {path.name for path in BENCHMARKS.glob("bench_*.py")}
    assert scripts == set(SMOKE_RUNS)


def _skip_reason(script, request) -> str | None:
    """Why the smoke run of ``script`` cannot run here, or None."""
    if script == "bench_bytes_alphabet.py" and not importlib.util.find_spec("snownlp"):
        return "snownlp is not installed (the bench extra)"
    if SHARED in SMOKE_RUNS[script][1]:
        try:
            request.getfixturevalue("shared_data")
        except pytest.skip.Exception as skip:
            return str(skip)
    return None


def _run_smoke(script, arguments):
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--smoke", *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, **ONE_CORE, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def smoke_runs(request):
    """Start the selected smoke runs, a few at a time, when the first is needed.

    Returns ``{script: future}`` of their completed processes; the state of
    ``benchmarks/results/`` before them is under the key ``None``.
    """
    selected = [
        item.callspec.params
        for item in request.session.items
        if getattr(item, "originalname", None) == SMOKE_TEST
        and item.get_closest_marker("skip") is None
    ]
    runs = {None: _results_state()}
    with ThreadPoolExecutor(SMOKE_PROCESSES) as pool:
        for params in selected:
            script = params["script"]
            if _skip_reason(script, request) is None:
                runs[script] = pool.submit(_run_smoke, script, params["arguments"])
        yield runs
        pool.shutdown(cancel_futures=True)


def _results_state():
    return {path.name: path.stat().st_mtime_ns for path in RESULTS.iterdir()}


@pytest.mark.parametrize(
    "script, arguments",
    [
        pytest.param(script, arguments, marks=marks, id=script[:-3])
        for script, (arguments, marks) in SMOKE_RUNS.items()
    ],
)
def test_benchmark_smoke_run(script, arguments, request, smoke_runs):
    reason = _skip_reason(script, request)
    if reason is not None:
        pytest.skip(reason)
    completed = smoke_runs[script].result()
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"{script} --smoke failed:\n{output[-6000:]}"
    assert "smoke run: " in completed.stdout, output[-2000:]


def test_smoke_runs_write_no_record(smoke_runs):
    for script, run in smoke_runs.items():
        if script is not None:
            run.exception()  # wait for it
    assert _results_state() == smoke_runs[None], (
        "a smoke run wrote into benchmarks/results/"
    )


# ------------------------------------------------------------ rendering


@pytest.fixture(scope="module")
def render_results():
    spec = importlib.util.spec_from_file_location(
        "render_results", BENCHMARKS / "render_results.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_record_renders(render_results):
    from sklearn_charcnn.compare import Comparison

    results = render_results.load_results(RESULTS)
    assert set(results) == {path.stem for path in RESULTS.glob("*.json")}
    markdown, rst = (render_results.render(results, fmt) for fmt in ("markdown", "rst"))
    for name, result in results.items():
        assert f"**{name}**" in markdown and f"**{name}**" in rst
        if isinstance(result, Comparison):
            for model in result.models:
                assert f"| {name} | " in markdown
                assert f"{model.accuracy:.4f}" in markdown
        else:
            assert result["summary"], f"{name}.json has no summary lines"


def test_readme_blocks_are_rewritten_between_the_markers(render_results, tmp_path):
    text = (
        "# Title\n\nbefore `<!-- results:start -->`\n\n<!-- results:start -->\n"
        "old\n<!-- results:end -->\n\nafter\n"
    )
    readme, bench_readme = tmp_path / "README.md", tmp_path / "BENCH.md"
    readme.write_text(text)
    bench_readme.write_text(text)
    render_results.main(
        [
            "--results",
            str(RESULTS),
            "--readme",
            str(readme),
            "--benchmarks-readme",
            str(bench_readme),
            "--no-plot",
        ]
    )
    results = render_results.load_results(RESULTS)
    head = results[render_results.HEADLINE]
    for path in (readme, bench_readme):
        new = path.read_text()
        assert new.startswith(
            "# Title\n\nbefore `<!-- results:start -->`\n\n<!-- results:start -->\n"
        )
        assert new.endswith("<!-- results:end -->\n\nafter\n")
        assert "\nold\n" not in new
    headline = readme.read_text()
    assert head.table("markdown") in headline
    assert head.paired_tests[0].summary() in headline
    assert "benchmarks/README.md" in headline and "docs/results.rst" in headline
    assert "stacking_ag" not in headline
    assert "| stacking_ag | " in bench_readme.read_text()


def test_a_readme_without_markers_is_left_alone(render_results, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no block here\n")
    with pytest.raises(SystemExit, match="results:start"):
        render_results.main(["--readme", str(readme), "--no-plot"])
    assert readme.read_text() == "no block here\n"


def test_a_quoted_marker_is_not_a_block(render_results, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("quoted: `<!-- results:start -->` and `<!-- results:end -->`\n")
    with pytest.raises(SystemExit, match="it has 0"):
        render_results.main(["--readme", str(readme), "--no-plot"])
