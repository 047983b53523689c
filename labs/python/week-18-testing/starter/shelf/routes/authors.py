from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from .. import models, schemas
from ..db import DbSession

router = APIRouter(prefix="/authors", tags=["authors"])


@router.post("", status_code=201, response_model=schemas.Author)
def create_author(body: schemas.AuthorCreate, response: Response, session: DbSession) -> schemas.Author:
    author = models.Author(name=body.name)
    session.add(author)
    session.commit()  # INSERT ... RETURNING id
    response.headers["Location"] = f"/v1/authors/{author.id}"
    return schemas.Author.model_validate(author)


@router.get("/{author_id}", response_model=schemas.Author)
def get_author(author_id: str, session: DbSession) -> schemas.Author:
    key = schemas.as_id(author_id)
    author = session.get(models.Author, key) if key is not None else None
    if author is None:
        raise HTTPException(404, "author not found")
    return schemas.Author.model_validate(author)
