"""The hot reads (GET /v1/books and GET /v1/books/{id}) on a fast path (README, task 5).

The rest of Shelf runs `def` routes on SQLAlchemy's Session, which FastAPI calls in a thread
pool: every request crosses to a thread and back, then builds ORM objects and pydantic models
that response_model validates again. These two routes are 95% of the load check's mix, so they
are `async def` on psycopg's own async pool instead: one hand-written SELECT of the columns they
show (the author's name by a JOIN), tuples rather than objects, and the JSON written by orjson
straight from them. The same answers as schemas.Book and schemas.BookPage, for well under
half the CPU: what 1000 requests a second need on two cores.
"""

from __future__ import annotations

import os
from typing import Any

import orjson
import psycopg
from fastapi import HTTPException, Response
from psycopg_pool import AsyncConnectionPool

from .cursor import After, decode_cursor, encode_cursor
from .listing import Filters

# Connections per worker beside the Session's pool, as many: an async request holds one only for
# its one query, but requests that wait on the database (a lock, a slow query) each hold one.
POOL_SIZE = 10
pool = AsyncConnectionPool(os.environ.get("DATABASE_URL", ""), min_size=2, max_size=POOL_SIZE, open=False,
                           kwargs={"connect_timeout": 2})

SELECT = ("SELECT b.id, b.title, b.isbn, b.year, b.tags, b.author_id, b.copies_total, b.copies_available, a.name "
          "FROM books b JOIN authors a ON a.id = b.author_id")
# sort -> (column, descending), as cursor.SORTS; ties break on id, ascending, and nulls come last.
SORTS = {"title": ("b.title", False), "-title": ("b.title", True), "year": ("b.year", False),
         "-year": ("b.year", True)}
NULLABLE = {"b.year"}


class Row:
    """A fetched book with the attributes cursor.encode_cursor reads."""

    __slots__ = ("id", "title", "year")

    def __init__(self, row: tuple[Any, ...]) -> None:
        self.id, self.title, self.year = row[0], row[1], row[3]


def _shown(row: tuple[Any, ...]) -> dict[str, Any]:
    """A book as schemas.Book shows it: ids as strings, its author nested."""
    book_id, title, isbn, year, tags, author_id, total, available, name = row
    return {"id": str(book_id), "title": title, "isbn": isbn, "year": year, "tags": tags,
            "author_id": str(author_id), "copies_total": total, "copies_available": available,
            "author": {"id": str(author_id), "name": name}}


def _json(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


def _like(text: str) -> str:
    """q as a LIKE pattern that matches it literally anywhere (ESCAPE '/')."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_").lower() + "%"


def _page_sql(filters: Filters, sort: str | None, limit: int, after: After | None) -> tuple[str, list[Any]]:
    """listing.page_query's filters, order and keyset, as one parameterised statement."""
    where: list[str] = []
    args: list[Any] = []
    if filters.author_id is not None:
        where.append("b.author_id = %s")
        args.append(filters.author_id)
    if filters.tag is not None:
        where.append("b.tags @> ARRAY[%s]::text[]")
        args.append(filters.tag)
    if filters.q is not None:
        where.append("lower(b.title) LIKE %s ESCAPE '/'")
        args.append(_like(filters.q))
    column, descending = SORTS[sort] if sort else ("b.id", False)
    if after is not None:
        if sort is None:
            where.append("b.id > %s")
            args.append(after.id)
        elif after.value is None:
            where.append(f"({column} IS NULL AND b.id > %s)")
            args.append(after.id)
        else:
            nulls = f" OR {column} IS NULL" if column in NULLABLE else ""
            where.append(f"({column} {'<' if descending else '>'} %s OR ({column} = %s AND b.id > %s){nulls})")
            args += [after.value, after.value, after.id]
    order = "b.id" if sort is None else f"{column} {'DESC' if descending else 'ASC'} NULLS LAST, b.id"
    text = SELECT + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} LIMIT %s"
    return text, [*args, limit + 1]


async def _rows(text: str, args: list[Any]) -> list[tuple[Any, ...]]:
    # A connection the server ended (a restart, a failover) fails its first query and the pool
    # drops it: the query goes again on the next one, as many times as the pool has connections.
    # (The pool's check= would ask the server before every query instead: a round trip each.)
    for attempt in range(POOL_SIZE + 1):
        try:
            async with pool.connection() as conn:
                cursor = await conn.execute(text, args)
                return await cursor.fetchall()
        except psycopg.OperationalError:
            if attempt == POOL_SIZE:
                raise
    raise AssertionError("unreachable")


async def page(filters: Filters, sort: str | None, limit: int, cursor: str | None) -> Response:
    after = decode_cursor(cursor, sort) if cursor is not None else None
    rows = await _rows(*_page_sql(filters, sort, limit, after))
    items = rows[:limit]
    following = encode_cursor(sort, Row(items[-1])) if len(rows) > limit else None  # type: ignore[arg-type]
    return _json({"items": [_shown(row) for row in items], "next_cursor": following})


async def book(key: int | None) -> Response:
    rows = await _rows(SELECT + " WHERE b.id = %s", [key]) if key is not None else []
    if not rows:
        raise HTTPException(404, "book not found")
    return _json(_shown(rows[0]))
