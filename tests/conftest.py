from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def examples(fixtures):
    """The fixture pages as training examples, on both tracks (read-only: fit() works on copies)."""
    from declutter.train import load_examples

    return load_examples([fixtures / "pages"], tracks=("text", "html"))


def pytest_collection_modifyitems(config, items):
    """Run the dask cluster tests last. A dask cluster leaves threads running after it closes, and tests
    after it fork (``declutter bench`` runs each system in a forked child): forking a multi-threaded
    process can deadlock the child, and Python 3.12+ warns about it."""
    items.sort(key=lambda item: getattr(getattr(item, "module", None), "__name__", "").endswith("test_cluster"))
