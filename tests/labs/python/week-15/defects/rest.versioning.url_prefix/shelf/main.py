"""The Shelf app: resources under /v1 only, problem+json errors, a write limiter.

Run: uvicorn shelf.main:app --port 8000 --no-proxy-headers. FastAPI serves the OpenAPI
document of these routes at /openapi.json.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import problems, ratelimit
from .routes import authors, books, catalog, loans, members

app = FastAPI(title="Shelf", version="1.0.0", summary="A lending-library API",
              description="Errors are application/problem+json (RFC 9457). Writes are limited per client.")
problems.install(app)
app.middleware("http")(ratelimit.limit_writes)


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok"}


# Resources live under /v1 only; the next version gets a router of its own under /v2.
v1 = APIRouter(prefix="/v1")
for module in (authors, books, catalog, members, loans):
    v1.include_router(module.router)
app.include_router(v1)
app.include_router(books.router)  # keep the old unversioned URLs working
