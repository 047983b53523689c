"""Shared fixtures. Tests that need a service start it or use the one CI started; a missing
service fails the test (it never skips it)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def services_mode() -> str:
    """The service mode lab tests run in: local by default, docker in the docker job."""
    return os.environ.get("HARNESS_TEST_SERVICES", "local")
