"""GET /v1/catalog: the deprecated name of GET /v1/books. Same parameters, same body; the
headers tell clients since when (RFC 9745), until when (RFC 8594) and what to use instead."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from ..listing import page
from ..models import BookPage
from ..problems import errors

DEPRECATED_AT = datetime(2026, 1, 1, tzinfo=UTC)
SUNSET = datetime(2028, 1, 1, tzinfo=UTC)

router = APIRouter(tags=["books"])


@router.get("/catalog", response_model=BookPage, responses=errors(422), deprecated=True,
            summary="Deprecated alias of GET /v1/books")
async def list_catalog(listed: Annotated[dict[str, Any], Depends(page)], response: Response) -> dict[str, Any]:
    response.headers["Deprecation"] = f"@{int(DEPRECATED_AT.timestamp())}"
    response.headers["Sunset"] = format_datetime(SUNSET, usegmt=True)
    response.headers["Link"] = '</v1/books>; rel="successor-version"'
    return listed
