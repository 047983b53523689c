"""The Shelf app. Run: uvicorn shelf.main:app --port 8000 --no-proxy-headers.

FastAPI serves the OpenAPI document of these routes at /openapi.json: what you declare
on each route (status_code, response_model, responses=..., deprecated=...) is what it says.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import problems
from .routes import authors, books, catalog, loans, members

app = FastAPI(title="Shelf", version="1.0.0", summary="A lending-library API")
problems.install(app)
# TODO (README, task 6): limit writes per client, e.g. app.middleware("http")(limit_writes).


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok"}


v1 = APIRouter(prefix="/v1")
for module in (authors, books, catalog, members, loans):
    v1.include_router(module.router)
app.include_router(v1)
