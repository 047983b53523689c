from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

# from ..db import DbSession
# from .. import models, schemas

router = APIRouter(prefix="/authors", tags=["authors"])


# TODO (README, task 2): POST /v1/authors {name}
# 201 Created, a Location header (/v1/authors/<id>) and the author {id, name}.
# 422 problem+json when name is missing or not a non-empty string (schemas.AuthorCreate
# does that for you once it is the body parameter). Hint: status_code=201,
# response_model=schemas.Author, a `response: Response` parameter for the Location header,
# and a `session: DbSession` parameter: session.add(author); session.commit().
@router.post("")
def create_author() -> None:
    raise not_implemented("task 2, POST /v1/authors")


# TODO (README, task 2): GET /v1/authors/{author_id} -> 200 {id, name}, or 404.
# An id that is not made of digits names no author: 404, never a 500 from the database
# (schemas.as_id tells you whether a string is an id).
@router.get("/{author_id}")
def get_author(author_id: str) -> None:
    raise not_implemented("task 2, GET /v1/authors/{id}")
