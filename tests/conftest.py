"""Fixtures and markers shared by the test suite.

- ``shared_data``: the benchmark data folder ``../shared/data`` beside the
  repository (or ``$SKLEARN_CHARCNN_SHARED_DATA``); tests that use it skip
  when it is absent.
- ``@pytest.mark.wordnet``: tests that need WordNet for nltk. They skip when
  nltk cannot find it, except under CI (``CI=true``), where a missing WordNet
  must fail the run instead of silently skipping the thesaurus tests.
"""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("SKLEARN_CHARCNN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")
)
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _wordnet_available() -> bool:
    import nltk

    for resource in ("corpora/wordnet.zip", "corpora/wordnet"):
        try:
            nltk.data.find(resource)
        except LookupError:
            continue
        return True
    return False


def pytest_collection_modifyitems(config, items):
    wordnet_items = [item for item in items if "wordnet" in item.keywords]
    if not wordnet_items or _wordnet_available():
        return
    if UNDER_CI:
        # Let them run and fail with the library's own "WordNet not found" error.
        return
    skip = pytest.mark.skip(
        reason="WordNet for nltk not found; set NLTK_DATA to a folder with "
        "corpora/wordnet (e.g. ../shared/data/nltk_data)"
    )
    for item in wordnet_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return the shared benchmark data folder, or skip the test."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"benchmark data folder not found ({SHARED_DATA.name}/)")
    return SHARED_DATA
