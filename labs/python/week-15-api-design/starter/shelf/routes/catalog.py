from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/catalog", tags=["books"])


# TODO (README, task 5): GET /v1/catalog is the deprecated name of GET /v1/books: the same
# parameters and body, plus the headers Deprecation, Sunset and Link (see the README), and
# deprecated=True so that the OpenAPI document says so.
@router.get("")
async def list_catalog() -> None:
    raise not_implemented("task 5, GET /v1/catalog")
