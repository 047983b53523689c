"""The Shelf app. Run: uvicorn shelf.main:app --port 8000 --no-proxy-headers.

FastAPI builds the app from what you declare: a router per resource, mounted under /v1;
the error handlers of shelf/problems.py; and, at /openapi.json, a document of every route.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import problems
from .routes import authors, books, loans, members

app = FastAPI(title="Shelf", version="1.0.0", summary="A lending-library API")
problems.install(app)


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok"}


v1 = APIRouter(prefix="/v1")
for module in (authors, books, members, loans):
    v1.include_router(module.router)
app.include_router(v1)
