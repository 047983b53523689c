from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response

from .. import store
from ..models import Author, AuthorCreate
from ..problems import errors

router = APIRouter(prefix="/authors", tags=["authors"])


@router.post("", status_code=201, response_model=Author, responses=errors(400, 422, 429))
async def create_author(body: AuthorCreate, response: Response) -> dict[str, Any]:
    author = {"id": store.next_id("authors"), "name": body.name}
    store.authors[author["id"]] = author
    response.headers["Location"] = f"/v1/authors/{author['id']}"
    return author


@router.get("/{author_id}", response_model=Author, responses=errors(404))
async def get_author(author_id: str) -> dict[str, Any]:
    author = store.authors.get(author_id)
    if author is None:
        raise HTTPException(404, "author not found")
    return author
