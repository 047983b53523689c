"""The reference's fixtures, but the app runs as a real server in a subprocess and the tests
talk to it over HTTP. Every route is still exercised and every seeded bug still caught (the
subprocess runs this project's code), but coverage measures the pytest process only: the
routes' lines run in the server, where nothing records them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from alembic import command
from alembic.config import Config

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def migrated() -> None:
    if not os.environ.get("DATABASE_URL"):
        pytest.exit("the tests need DATABASE_URL", returncode=2)
    command.upgrade(Config(str(PROJECT / "alembic.ini")), "head")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def client(migrated: None) -> Iterator[httpx.Client]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "shelf.main:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], cwd=PROJECT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.exit("the app did not start", returncode=3)
                time.sleep(0.1)
            yield http
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def unique() -> Callable[[str], str]:
    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make
