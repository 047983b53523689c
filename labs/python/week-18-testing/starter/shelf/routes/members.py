from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from psycopg import errors as pg
from sqlalchemy.exc import IntegrityError

from .. import models, schemas
from ..db import DbSession

router = APIRouter(prefix="/members", tags=["members"])


@router.post("", status_code=201, response_model=schemas.Member)
def create_member(body: schemas.MemberCreate, response: Response, session: DbSession) -> schemas.Member:
    member = models.Member(email=body.email, name=body.name)
    session.add(member)
    try:
        session.commit()
    except IntegrityError as exc:
        # The unique constraint decides, not a SELECT before the INSERT: two requests
        # with the same email at the same moment would both pass such a check.
        if isinstance(exc.orig, pg.UniqueViolation):
            raise HTTPException(409, "a member with this email already exists") from None
        raise
    response.headers["Location"] = f"/v1/members/{member.id}"
    return schemas.Member.model_validate(member)


@router.get("/{member_id}", response_model=schemas.Member)
def get_member(member_id: str, session: DbSession) -> schemas.Member:
    key = schemas.as_id(member_id)
    member = session.get(models.Member, key) if key is not None else None
    if member is None:
        raise HTTPException(404, "member not found")
    return schemas.Member.model_validate(member)
