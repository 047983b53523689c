"""What every test shares: the schema in the test database, the app, and unique values.

pytest reads this file before the tests and offers its fixtures to every test by name:

    def test_something(client, unique):
        res = client.post("/v1/authors", json={"name": unique("author")})
        assert res.status_code == 201, res.text

The tests talk to the app in-process (FastAPI's TestClient: real requests through every
route, dependency and error handler, no server or port) and the app talks to the real
PostgreSQL database in DATABASE_URL. The harness gives the tests an empty database of
their own, runs them a second time on the database the first run left behind, and once
more against each bug it plants in a copy of this project.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def migrated() -> None:
    """The schema, once per run, by the project's own migrations (`alembic upgrade head`):
    on an empty database they create every table, on a migrated one they change nothing."""
    if not os.environ.get("DATABASE_URL"):
        pytest.exit("the tests need DATABASE_URL: a PostgreSQL database of their own (an empty one is fine), "
                    "e.g. postgresql://shelf:shelf@127.0.0.1:5432/shelf_test", returncode=2)
    command.upgrade(Config(str(PROJECT / "alembic.ini")), "head")


@pytest.fixture(scope="session")
def client(migrated: None) -> Iterator[TestClient]:
    """The app, for the whole run: client.get("/health"), client.post(url, json={...}).

    A response has .status_code, .json(), .headers["location"] and .text."""
    from shelf.main import app  # imported here: shelf/db.py reads DATABASE_URL when imported

    with TestClient(app) as client:  # runs the app's startup and, at the end, its shutdown
        yield client


@pytest.fixture
def unique() -> Callable[[str], str]:
    """unique("isbn") -> "isbn-3f9c0a1b2c4d": a value no other test, and no earlier run on the
    same database, has used. For e-mails: f"{unique('ada')}@example.org"."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make
