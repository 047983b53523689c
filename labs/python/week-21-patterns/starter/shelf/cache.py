"""The read cache: books in Redis, in front of PostgreSQL (cache-aside).

GET /v1/books/{id} asks get_book first and, on a miss, reads PostgreSQL and calls put_book
(shelf/routes/books.py). The harness gives the app REDIS_URL.
"""

from __future__ import annotations

import os

import redis

from . import schemas

# One client for the process: it keeps a pool of connections (never one client per request).
client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


def get_book(book_id: int) -> schemas.Book | None:
    """The cached book, or None on a miss."""
    # TODO (README, task 1): read the book's key (e.g. book:<id>) and, if it is there, return
    # schemas.Book.model_validate_json(value).
    return None


def put_book(book: schemas.Book) -> None:
    """Keep `book` for the next reads."""
    # TODO (README, task 1): SET its key to book.model_dump_json(), with an expiry (ex=60).


def drop_book(book_id: int) -> None:
    """Forget the cached copy of a book."""
    # TODO (README, task 2): delete its key.


# TODO (README, task 2): connect a receiver to signals.book_changed that drops the changed book,
# so that the next read after a PATCH or DELETE goes to PostgreSQL (see shelf/signals.py).
