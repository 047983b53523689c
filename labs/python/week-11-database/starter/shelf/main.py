"""The Shelf app. Run: uvicorn shelf.main:app --port 8000 --no-proxy-headers.

Routes are plain `def` functions: SQLAlchemy's Session is synchronous, and FastAPI runs
`def` routes in a thread pool so that a request waiting for the database does not hold up
the others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from . import problems
from .db import engine
from .routes import authors, books, loans, members


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # On shutdown (SIGTERM, Ctrl-C): close the pooled connections instead of dropping them.
    engine.dispose()


app = FastAPI(title="Shelf", version="1.0.0", summary="A lending-library API on PostgreSQL", lifespan=lifespan)
problems.install(app)


@app.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    return {"status": "ok"}


v1 = APIRouter(prefix="/v1")
for module in (authors, books, members, loans):
    v1.include_router(module.router)
app.include_router(v1)
