"""Export jobs: POST /v1/exports queues one, a worker (shelf/worker.py) does it.

The queue is the exports table: the request inserts a pending row and notifies the worker; it
reads no books. The status is the row's, so a restart of the app or of the worker loses nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import text

from .. import schemas
from ..db import DbSession

router = APIRouter(prefix="/exports", tags=["exports"])
# The worker LISTENs on this channel; NOTIFY is delivered when the inserting transaction commits.
CHANNEL = "exports"


@router.post("", status_code=202)
def start_export(response: Response, session: DbSession) -> dict[str, str]:
    export_id = session.scalar(text("INSERT INTO exports DEFAULT VALUES RETURNING id"))
    session.execute(text(f"NOTIFY {CHANNEL}"))
    session.commit()
    response.headers["Location"] = f"/v1/exports/{export_id}"
    return {"id": str(export_id), "status": "pending"}


def _row(session: DbSession, export_id: str, column: str) -> Any:
    key = schemas.as_id(export_id)
    row = session.execute(text(f"SELECT status, {column} FROM exports WHERE id = :id"),
                          {"id": key}).first() if key is not None else None
    if row is None:
        raise HTTPException(404, "export not found")
    return row


@router.get("/{export_id}")
def export_status(export_id: str, session: DbSession) -> dict[str, str]:
    row = _row(session, export_id, "id")
    body = {"id": str(row.id), "status": row.status}
    if row.status == "done":
        body["download_url"] = f"/v1/exports/{row.id}/download"
    return body


@router.get("/{export_id}/download")
def export_download(export_id: str, session: DbSession) -> dict[str, Any]:
    row = _row(session, export_id, "document")
    if row.status != "done":
        raise HTTPException(409, f"the export is {row.status}, not done yet")
    return {"books": row.document}
