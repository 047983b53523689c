"""The export worker, a process of its own: python -m shelf.worker (harness.toml [processes.worker]).

It takes queued exports one at a time. Each job is one transaction that holds the export's row
(FOR UPDATE SKIP LOCKED: other workers pass it by) until the document is stored and the status
is done; a worker killed halfway leaves the transaction to roll back, and the export is pending
again for the next worker.
"""

from __future__ import annotations

import json
import signal
import sys

import psycopg
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from . import schemas
from .db import SessionLocal, database_url
from .models import Book
from .routes.exports import CHANNEL

POLL_S = 1.0  # a NOTIFY missed while the worker was down is still found by this poll


def run_next() -> bool:
    """Do one queued export, if there is one; whether there was."""
    with SessionLocal() as session:
        export_id = session.scalar(text("SELECT id FROM exports WHERE status = 'pending' ORDER BY id "
                                        "FOR UPDATE SKIP LOCKED LIMIT 1"))
        if export_id is None:
            return False
        books = session.scalars(select(Book).options(joinedload(Book.author)).order_by(Book.id))
        document = [schemas.Book.model_validate(book).model_dump(mode="json") for book in books]
        session.execute(text("UPDATE exports SET status = 'done', document = CAST(:doc AS jsonb) WHERE id = :id"),
                        {"doc": json.dumps(document), "id": export_id})
        session.commit()
    print(f"worker: export {export_id} done ({len(document)} books)", flush=True)
    return True


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = database_url().set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        print("worker: waiting for exports", flush=True)
        while True:
            while run_next():
                pass
            for _ in listener.notifies(timeout=POLL_S, stop_after=1):
                pass


if __name__ == "__main__":
    main()
