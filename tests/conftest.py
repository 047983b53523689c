"""Shared fixtures. Tests that need a service start it or use the one CI started; a missing
service fails the test (it never skips it)."""

from __future__ import annotations

import pytest

from tests.support import docker_env

MODES = ["local", "docker"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Parametrized service modes: the docker ones carry the docker marker, so
    # `-m "not docker"` runs everything that needs no engine.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("services_mode") == "docker":
            item.add_marker(pytest.mark.docker)
        # Load tests measure throughput: they run after the rest, one at a time (scripts/test),
        # so that no other test takes the cores they measure.
        if "/integration/load/" in str(item.path) or (
                callspec is not None and callspec.params.get("lab_id") == "backend/production"):
            item.add_marker(pytest.mark.load)


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
