"""GET /v1/books (and its alias /v1/catalog): filters, sort, limit and a keyset cursor."""

from __future__ import annotations

import base64
import binascii
import json
from functools import cmp_to_key
from typing import Annotated, Any, Literal

from fastapi import HTTPException, Query

from . import store
from .models import present_book

Sort = Literal["title", "-title", "year", "-year"]
SORTS: dict[str, tuple[str, int]] = {"title": ("title", 1), "-title": ("title", -1), "year": ("year", 1),
                                     "-year": ("year", -1)}


def compare(a: dict[str, Any], b: dict[str, Any], sort: str | None) -> int:
    """Order of two books under a sort; null years go last in both directions; ties by id."""
    if sort:
        field, direction = SORTS[sort]
        x, y = a.get(field), b.get(field)
        if x != y:
            if x is None:
                return 1
            if y is None:
                return -1
            return (-1 if x < y else 1) * direction
    return int(a["id"]) - int(b["id"])


# The cursor is opaque to clients: base64url of the last item's position {s, id, v}. It
# names the exact (sort value, id) pair, so books that share a title or a year are neither
# skipped nor repeated, and deleting a book between pages changes nothing.
def encode_cursor(sort: str | None, book: dict[str, Any]) -> str:
    position = {"s": sort or "", "id": book["id"], "v": book[SORTS[sort][0]] if sort else None}
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(text: str, sort: str | None) -> dict[str, Any]:
    bad = HTTPException(422, "cursor is not a next_cursor of this list (with this sort)")
    try:
        position = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(position, dict) or position.get("s") != (sort or "") \
            or not isinstance(position.get("id"), str) or not position["id"].isdigit():
        raise bad
    return {"id": position["id"], SORTS[sort][0]: position.get("v")} if sort else {"id": position["id"]}


def page(
    author_id: str | None = None,
    tag: str | None = None,
    q: Annotated[str | None, Query(min_length=1)] = None,
    sort: Sort | None = None,
    limit: Annotated[int, Query(ge=1)] = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page; FastAPI reads and validates the query parameters (422 on a bad one)."""
    after = decode_cursor(cursor, sort) if cursor is not None else None
    rows = [b for b in store.books.values()
            if (author_id is None or b["author_id"] == author_id)
            and (tag is None or tag in b["tags"])
            and (q is None or q.lower() in b["title"].lower())]
    rows.sort(key=cmp_to_key(lambda a, b: compare(a, b, sort)))
    if after is not None:
        rows = [b for b in rows if compare(b, after, sort) > 0]
    items = rows[:limit]
    following = encode_cursor(sort, items[-1]) if len(rows) > limit else None
    return {"items": [present_book(b, store.authors[b["author_id"]]) for b in items], "next_cursor": following}
