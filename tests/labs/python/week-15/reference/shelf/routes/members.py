from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response

from .. import store
from ..models import Member, MemberCreate
from ..problems import errors

router = APIRouter(prefix="/members", tags=["members"])


@router.post("", status_code=201, response_model=Member, responses=errors(400, 409, 422, 429))
async def create_member(body: MemberCreate, response: Response) -> dict[str, Any]:
    if body.email.lower() in store.emails:
        raise HTTPException(409, "a member with this email already exists")
    member = {"id": store.next_id("members"), "email": body.email, "name": body.name}
    store.members[member["id"]] = member
    store.emails[body.email.lower()] = member["id"]
    response.headers["Location"] = f"/v1/members/{member['id']}"
    return member
