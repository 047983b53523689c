"""The read cache: books in Redis, in front of PostgreSQL (cache-aside).

GET /v1/books/{id} asks get_book first and, on a miss, reads PostgreSQL and calls put_book
(shelf/routes/books.py). A changed book is dropped when its book_changed signal comes.
"""

from __future__ import annotations

import os

import redis

from . import schemas, signals

# One client for the process: it keeps a pool of connections (never one client per request).
client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
# A missed invalidation heals after this long.
TTL_S = 60


def _key(book_id: int) -> str:
    return f"book:{book_id}"


def get_book(book_id: int) -> schemas.Book | None:
    """The cached book, or None on a miss."""
    value = client.get(_key(book_id))
    return schemas.Book.model_validate_json(value) if value is not None else None


def put_book(book: schemas.Book) -> None:
    """Keep `book` for the next reads, for TTL_S."""
    client.set(_key(int(book.id)), book.model_dump_json(), ex=TTL_S)


def drop_book(book_id: int) -> None:
    """Forget the cached copy of a book."""
    client.delete(_key(book_id))


@signals.book_changed.connect
def _forget_changed(book_id: int) -> None:
    # Module-level: blinker holds receivers weakly, and a module's function lives as long as it.
    drop_book(book_id)
