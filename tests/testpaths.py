"""Paths the tests read: the repository, its seeds and test data, and ../shared beside it."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
