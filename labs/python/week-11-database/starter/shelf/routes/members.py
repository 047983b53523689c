from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/members", tags=["members"])


# TODO (README, task 2): POST /v1/members {email, name}
# 201 + Location (/v1/members/<id>) + the member. 422 when email or name is invalid
# (schemas.MemberCreate), 409 when the email is taken. Let the database enforce
# uniqueness (a unique constraint) and turn its error into 409: session.commit() raises
# sqlalchemy.exc.IntegrityError, whose .orig is a psycopg.errors.UniqueViolation.
# Checking first and inserting second races.
@router.post("")
def create_member() -> None:
    raise not_implemented("task 2, POST /v1/members")


# TODO (README, task 2): GET /v1/members/{member_id} -> 200 or 404.
@router.get("/{member_id}")
def get_member(member_id: str) -> None:
    raise not_implemented("task 2, GET /v1/members/{id}")
