"""Export jobs: POST /v1/exports queues one, a worker (shelf/worker.py) does it.

The request only records the job and answers 202; it reads no books. The job and its status
live outside the process (a table in PostgreSQL, or Redis), so that a restart loses neither.
"""

from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/exports", tags=["exports"])


# TODO (README, task 3): POST /v1/exports (body {}) -> 202, Location: /v1/exports/{id},
# {"id", "status": "pending"}; queue the job for the worker.
@router.post("", status_code=202)
def start_export() -> dict[str, str]:
    raise not_implemented("task 3, POST /v1/exports")


# TODO (README, task 3): GET /v1/exports/{id} -> 200 {"id", "status"} (pending, running, done,
# failed), plus "download_url" once done; 404 for an unknown id.
@router.get("/{export_id}")
def export_status(export_id: str) -> dict[str, str]:
    raise not_implemented("task 3, GET /v1/exports/{id}")


# TODO (README, task 3): GET /v1/exports/{id}/download -> 200 {"books": [...]}, every book as
# GET /v1/books/{id} shows it, at the time the job ran.
@router.get("/{export_id}/download")
def export_download(export_id: str) -> dict[str, str]:
    raise not_implemented("task 3, GET /v1/exports/{id}/download")
