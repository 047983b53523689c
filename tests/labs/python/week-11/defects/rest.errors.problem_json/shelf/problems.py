"""Every error leaves the API as RFC 9457 problem+json: {type, title, status, detail}.

Raise fastapi.HTTPException(status, detail) in a route and the client gets a problem
document with that status. The handlers below also turn the errors that FastAPI and
Starlette make themselves into problem documents: unknown routes (404), wrong methods
(405), malformed JSON (400) and invalid input (422). Anything unexpected (a lost database
connection, a bug) is a 500 that tells the client nothing about SQL or code.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
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
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route for {request.method} {request.url.path}"
    return problem(exc.status_code, detail, dict(exc.headers or {}))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = exc.errors()
    # FastAPI reports a body that is not JSON at all as a validation error; it is a 400.
    if any(error.get("type") == "json_invalid" for error in found):
        return problem(400, "the request body is not valid JSON")
    parts = []
    for error in found[:5]:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or str(error.get("loc", ("body",))[0])
        parts.append(f"{where}: {error.get('msg')}")
    return problem(422, "; ".join(parts))


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Our fault: log the real error, send a short problem.
    log.error("error: %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "an unexpected error occurred")


def install(app: FastAPI) -> None:
    # DEFECT: FastAPI's HTTPException only. Routing's 404 and 405 raise Starlette's HTTPException,
    # the base class, and get FastAPI's default {"detail": "Not Found"} as application/json.
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    # A database error that no route turned into a 4xx (a failed COMMIT, a lost connection).
    # Registered by its own class so that it is answered like the errors above: the handler
    # for Exception runs in Starlette's outermost middleware, which re-raises after
    # answering, and uvicorn then drops the client's keep-alive connection.
    app.add_exception_handler(SQLAlchemyError, unexpected)
    app.add_exception_handler(Exception, unexpected)
