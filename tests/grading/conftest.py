"""What the grading tests share within one session (they all run on one worker: tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.grading.corpus_grading import Gradings, grade_corpus
from tests.grading.lab_gradings import LabGradings
from tests.grading.support import DECOY, home_template


@pytest.fixture(scope="session")
def warm_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HOME template with the week-18 npm cache, filled once: gradings only copy it."""
    return home_template(tmp_path_factory.mktemp("home-template") / "home")


@pytest.fixture(scope="session")
def lab_gradings(tmp_path_factory: pytest.TempPathFactory) -> LabGradings:
    return LabGradings(tmp_path_factory)


@pytest.fixture(scope="session")
def gradings(tmp_path_factory: pytest.TempPathFactory, warm_home: Path) -> Iterator[Gradings]:
    """The corpus grading (corpus_grading.py), for test_grade_corpus and test_grade_warm_deps."""
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    yield grade_corpus(tmp_path_factory.mktemp("grading"), warm_home)
    DECOY.unlink(missing_ok=True)
