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
