"""Every error leaves the API as RFC 9457 problem+json: {type, title, status, detail}.

Also the errors that FastAPI and Starlette make themselves: unknown routes (404), wrong
methods (405), malformed JSON (400 here, not FastAPI's 422) and invalid input (422).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from .models import Problem

PROBLEM = "application/problem+json"
CANDIDATES = ("GET", "POST", "PUT", "PATCH", "DELETE")
log = logging.getLogger("shelf")


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers, media_type=PROBLEM)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route, for the OpenAPI document (422 replaces FastAPI's own)."""
    schema = Problem.model_json_schema()
    return {status: {"description": HTTPStatus(status).phrase, "content": {PROBLEM: {"schema": schema}}}
            for status in statuses}


def allowed_methods(request: Request) -> str:
    """Every method that some route takes on this path. Starlette's own Allow names only the
    methods of the first route that matched the path, and FastAPI makes one route per method,
    so ask every route about every method instead."""
    allowed = {method for method in CANDIDATES for route in request.app.router.routes
               if route.matches({**request.scope, "method": method})[0] is Match.FULL}
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(sorted(allowed))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        return problem(405, f"{request.method} is not allowed here", {"Allow": allowed_methods(request)})
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route for {request.method} {request.url.path}"
    return problem(exc.status_code, detail, dict(exc.headers or {}))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = exc.errors()
    parts = []
    for error in found[:5]:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or str(error.get("loc", ("body",))[0])
        parts.append(f"{where}: {error.get('msg')}")
    return problem(422, "; ".join(parts))


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Our fault: log it, tell the client nothing about the code.
    log.error("error: %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "an unexpected error occurred")


def install(app: FastAPI) -> None:
    # Starlette's HTTPException, not FastAPI's subclass: routing's 404 and 405 are Starlette's.
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
