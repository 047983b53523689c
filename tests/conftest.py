"""Shared fixtures. Tests that need a service start it or use the one CI started; a missing
service fails the test (it never skips it)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support import docker_env, timing

MODES = ["local", "docker"]


def pytest_configure(config: pytest.Config) -> None:
    # Registered here too, so that `-p no:xdist` runs accept the marker set below.
    config.addinivalue_line("markers", "xdist_group(name): run the group's tests on one xdist worker")


# First among the hooks: xdist's worker turns the xdist_group marker into its scheduling key
# (a suffix of the nodeid) in its own pytest_collection_modifyitems, which otherwise runs
# before this one and sees no marker: the grading tests then spread over both workers, wait
# for each other's machine lock, and each worker grades the shared corpus again.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Parametrized service modes: the docker ones carry the docker marker, so
    # `-m "not docker"` runs everything that needs no engine.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("services_mode") == "docker":
            item.add_marker(pytest.mark.docker)
        # Load tests measure throughput: they run after the rest, one at a time (scripts/test),
        # so that no other test takes the cores they measure. (The lab runs that include a load
        # check carry the marker from tests/integration/test_labs.py.)
        if "/integration/load/" in str(item.path):
            item.add_marker(pytest.mark.load)
        # The grading tests take turns on a machine lock (tests/grading/support.py grading_alone):
        # on one worker (scripts/test runs --dist loadgroup), so that the other runs other tests
        # instead of waiting for the lock.
        if "tests/grading/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("grading"))
        # The lab a test proves, for the proof-time table (reports carry it to xdist's controller).
        if callspec is not None and "lab_id" in callspec.params:
            item.user_properties.append((timing.LAB_PROPERTY, callspec.params["lab_id"]))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """In xdist's controller, with each worker's collection: under --dist loadgroup, a grading
    test without its group's suffix would be scheduled apart from the others (see above) and
    the run would quietly cost minutes more. Said at once instead."""
    if node.config.getoption("dist") != "loadgroup":
        return
    stray = [nodeid for nodeid in ids if nodeid.startswith("tests/grading/") and not nodeid.endswith("@grading")]
    if stray:
        raise pytest.UsageError(
            f"the grading tests are not in their xdist group ({stray[0]}): pytest-xdist's --dist loadgroup "
            "does not work with this pytest (pyproject.toml's dev dependencies say which one it needs)")


# Where the time goes: summed in the process that prints (xdist's controller, or the only
# one), from every test's reports, and shown at the end of each run.
_TALLY = timing.Tally()
_STARTED = time.monotonic()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker: its reports are summed where they arrive
    _TALLY.add(report.nodeid, report.when, report.duration, report.keywords, report.user_properties)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if _is_worker(config) or not _TALLY.seconds:
        return
    _TALLY.wall_s = time.monotonic() - _STARTED
    terminalreporter.section("where the time went")
    for line in _TALLY.lines():
        terminalreporter.write_line(line)
    target = os.environ.get("HARNESS_TEST_TIMES")
    if target:
        timing.append(Path(target), _TALLY)


@pytest.fixture(scope="session")
def docker_ready() -> None:
    docker_env.ensure_engine_and_images()


@pytest.fixture(params=MODES)
def services_mode(request: pytest.FixtureRequest) -> str:
    """Each test that takes this runs once with local binaries and once in Docker."""
    mode = str(request.param)
    if mode == "docker":
        request.getfixturevalue("docker_ready")
    return mode


@pytest.fixture
def docker_if_needed(request: pytest.FixtureRequest) -> None:
    """For tests parametrized with services_mode directly (not through the fixture)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("services_mode") == "docker":
        request.getfixturevalue("docker_ready")
