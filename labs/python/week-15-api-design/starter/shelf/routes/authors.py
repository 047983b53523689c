from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/authors", tags=["authors"])


# TODO (README, task 2): POST /v1/authors {name} -> 201 + Location: /v1/authors/<id> + the author;
# 422 when name is missing or not a non-empty string. Hint: status_code=201, response_model=Author,
# and a `response: Response` parameter to set the Location header.
@router.post("")
async def create_author() -> None:
    raise not_implemented("task 2, POST /v1/authors")


# TODO (README, task 2): GET /v1/authors/{author_id} -> 200 {id, name}, or 404.
@router.get("/{author_id}")
async def get_author(author_id: str) -> None:
    raise not_implemented("task 2, GET /v1/authors/{id}")
