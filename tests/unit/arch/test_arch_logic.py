"""The arch.* checks' own logic, without an app: URLs the export contract accepts, and when a
repeated read counts as served from Redis."""

from __future__ import annotations

import httpx
import pytest

from harness.introspect.statements import require_tables
from harness.outcomes import Failure
from harness.validators.arch.cached_reads import CachedRead
from harness.validators.arch.export_job import EXPORTS, _path


@pytest.mark.parametrize(("location", "path"), [
    ("/v1/exports/7", "/v1/exports/7"),
    ("http://127.0.0.1:3000/v1/exports/7", "/v1/exports/7"),
    ("/v1/exports/7/download?format=json", "/v1/exports/7/download?format=json"),
])
def test_a_location_is_followed_by_its_path_relative_or_absolute(location: str, path: str) -> None:
    assert _path(location) == path and _path(location).startswith(EXPORTS + "/")


def _read(hits: int, statements: list[str]) -> CachedRead:
    response = httpx.Response(200, request=httpx.Request("GET", "http://app/v1/books/1"))
    return CachedRead("/v1/books/1", response, hits, statements, set())


def test_a_read_is_from_redis_only_with_a_hit_and_no_statement_on_books() -> None:
    assert _read(1, []).from_redis
    assert not _read(0, []).from_redis, "no hit: answered from somewhere else (a map in memory)"
    assert not _read(2, ["SELECT ... FROM books WHERE id = $1"]).from_redis, "a hit, but PostgreSQL read too"


class _Tables:
    """A PgProbe that knows only which tables exist (relation: their oid, or None)."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def relation(self, table: str) -> int | None:
        return 1 if table in self.names else None


def test_a_check_that_finds_statements_by_table_refuses_a_database_without_those_tables() -> None:
    require_tables(_Tables("books", "authors"), "books", "authors")  # type: ignore[arg-type]
    with pytest.raises(Failure, match="no table named authors: this check counts the statements"):
        # "no statement reads authors" holds of any app whose table has another name.
        require_tables(_Tables("books", "writers"), "books", "authors")  # type: ignore[arg-type]
