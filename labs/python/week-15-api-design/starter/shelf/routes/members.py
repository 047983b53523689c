from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/members", tags=["members"])


# TODO (README, task 2): POST /v1/members {email, name} -> 201 + Location; 422 invalid, 409 duplicate email.
@router.post("")
async def create_member() -> None:
    raise not_implemented("task 2, POST /v1/members")
