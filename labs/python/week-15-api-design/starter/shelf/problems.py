"""Every error leaves the API as RFC 9457 problem+json: {type, title, status, detail}.

Raise fastapi.HTTPException(status, detail) in a route and the client gets a problem
document with that status. The handlers below also turn FastAPI's and Starlette's own
errors (unknown routes, invalid input) into problem documents.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM = "application/problem+json"
log = logging.getLogger("shelf")


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


def not_implemented(task: str) -> HTTPException:
    """For the routes you have not built yet: 501. Delete it once every route works."""
    return HTTPException(501, f"not implemented yet: {task} (see README.md)")


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # TODO (README, task 3): a 405 must list in Allow every method the path takes.
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail, dict(exc.headers or {}))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # TODO (README, task 2): malformed JSON is a 400, not a 422.
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}" for e in exc.errors()[:5]]
    return problem(422, "; ".join(parts))


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("error: %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "an unexpected error occurred")


def install(app: FastAPI) -> None:
    # Starlette's HTTPException, not FastAPI's subclass: routing's 404 and 405 are Starlette's.
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
