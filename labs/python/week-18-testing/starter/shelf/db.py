"""The database connection, shared by the whole app.

One Engine for the whole process, with a fixed pool of 10 connections: opened on demand,
kept open and reused by every request. A request that finds all 10 busy waits for one to
come back instead of opening an 11th.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy import URL, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def database_url() -> URL:
    """DATABASE_URL (set by the harness, and by you locally), for the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set, e.g. postgresql://shelf:shelf@127.0.0.1:5432/shelf")
    # A plain postgresql:// URL would make SQLAlchemy look for psycopg2; this project uses psycopg 3.
    return make_url(url).set(drivername="postgresql+psycopg")


POOL_SIZE = 10
# No overflow: overflow connections are closed as soon as they are returned, so under
# bursts the app would open and close connections all the time.
MAX_OVERFLOW = 0
engine = create_engine(database_url(), pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_timeout=10)

# expire_on_commit=False: objects stay readable after commit (to build the response)
# without another SELECT.
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """One Session per request (a FastAPI dependency). Closing it rolls back whatever was
    not committed and gives the connection back to the pool, also after an error."""
    with SessionLocal() as session:
        yield session


# scope="function": the Session closes when the route returns, before the response is sent,
# so its transaction is over (and its connection back in the pool) by the time the client
# reads the answer. The default ("request") closes it only after the response went out.
#
# max_concurrency: at most as many requests hold a Session as the pool has connections; the
# others wait for their turn without taking one of FastAPI's 40 worker threads. Without it,
# a burst can leave all 40 threads waiting inside the pool for a connection while the
# requests that hold the connections wait for a thread to finish on (FastAPI builds the
# response of a `def` route in a worker thread): nothing moves until pool_timeout expires.
DbSession = Annotated[Session, Depends(get_session, scope="function", max_concurrency=POOL_SIZE + MAX_OVERFLOW)]
