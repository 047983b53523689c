"""Background jobs: an export answered 202 at once, done by a worker, outliving a restart."""

from __future__ import annotations

import time
from typing import Any

import httpx
import psycopg

from harness.errors import HarnessError
from harness.httpclient import curl_for
from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi
from .export_job import (
    require_book_in_download,
    require_queued_body,
    require_same_job,
    require_unknown_is_404,
    start_export,
    wait_done,
)

# For the job to block on the locked books table: a worker polling every second has it in a
# second or two, on a busy machine too. Waited for as a state (it ends as soon as one waits); a
# worker that has not taken the job by then finds it queued after the restart, and a defect that
# loses jobs in flight would then go unseen: hence a generous bound.
BLOCK_WAIT_S = 10.0
QUEUE_HINT = ("Keep jobs where a restart cannot lose them: a queue in Redis (BullMQ, RQ, Celery) or a jobs "
              "table in PostgreSQL, with the job's status beside it; the worker takes them up again when it "
              "starts.")


def _new_book(ctx: CheckContext) -> tuple[str, str]:
    api = ShelfApi(ctx)
    book = api.book(api.author().id)
    return book.id, str(book.body.get("title"))


@check("arch.jobs.export", points=2, services={"postgres"})
def export_runs_in_the_background(ctx: CheckContext) -> None:
    """POST /v1/exports answers 202 with a status URL; the job gets done and its download holds the books.

    Creates a book, asks for an export (202 Accepted, Location: /v1/exports/{id}, the body the
    queued job: its id and status "pending"), polls the status URL (status pending, running,
    done or failed) until "done", then downloads download_url: {"books": [...]} with the new
    book among them. An export id that was never given answers 404.
    """
    book_id, title = _new_book(ctx)
    accepted = start_export(ctx)
    require_queued_body(accepted)
    done = wait_done(ctx, accepted)
    require_same_job(accepted, done)
    require_book_in_download(ctx, done, book_id, title, accepted.status_path)
    require_unknown_is_404(ctx, accepted.status_path)


@check("arch.jobs.durable", points=2, services={"postgres"}, timeout_s=90)
def export_survives_a_restart(ctx: CheckContext) -> Passed:
    """An export in flight when the app is killed is still known after a restart, and gets done.

    Locks the books table (ACCESS EXCLUSIVE, in a transaction of the app's role), asks for an
    export (the 202 must not wait for books), waits up to 3 s for the job to block on the
    lock (its worker has taken it), then restarts the app as a crash would: SIGTERM, no wait
    for a graceful stop, a new process on the same port; the lab's named processes (a worker of
    its own) are killed and started again too. Then it releases the lock. The status
    URL must still answer and reach "done": a job or status kept in the process's memory is
    lost with it, and a job its worker was running must be taken up again.
    """
    in_flight = False
    if ctx.pg.relation("books") is None:  # no books table to hold: the restart alone
        accepted = start_export(ctx)
        _restart(ctx)
    else:
        with ctx.pg.transaction() as conn:
            conn.execute("SET LOCAL lock_timeout = '5s'")
            try:
                conn.execute("LOCK TABLE books IN ACCESS EXCLUSIVE MODE")
            except psycopg.errors.LockNotAvailable:
                raise Failure("the books table stayed in use for 5 s while the app had nothing to do",
                              expected="no transaction of the app open between requests",
                              actual="LOCK TABLE books waited 5 s (lock_timeout) for a session of the app",
                              hint="A transaction left open (a client never released, a BEGIN without COMMIT) "
                                   "holds its locks: end every transaction in the request that began it.",
                              reproduce="psql: SELECT pid, state, query FROM pg_stat_activity "
                                        "WHERE state = 'idle in transaction'") from None
            try:
                accepted = start_export(ctx)
            except httpx.TimeoutException:
                raise Failure("POST /v1/exports did not answer while the books table was locked",
                              expected="202 at once: the request queues the job, a worker reads the books",
                              actual="no answer within the client's timeout",
                              hint="POST /v1/exports only queues the job: it must not read books (nor count "
                                   "them, nor check them), so that it answers at once whatever holds the "
                                   "table; the worker reads them.",
                              reproduce="psql: BEGIN; LOCK TABLE books; then curl -X POST "
                                        "http://localhost:$PORT/v1/exports -d '{}'") from None
            in_flight = _wait_for_a_waiter(conn)
            _restart(ctx)
        # The transaction ends here: the killed worker's statement runs on, fails to answer a
        # dead client, and its backend ends with whatever it held.
    probe = ctx.http.get(accepted.status_path)
    if probe.status_code == 404:
        raise Failure("after a restart, the app no longer knows the export it accepted",
                      expected=f"GET {accepted.status_path} -> 200 with its status",
                      actual="404: the job and its status lived in the process's memory",
                      hint=ctx.hint(QUEUE_HINT, node="A Map or an array of jobs, or a setTimeout that runs "
                                    "the export, dies with the process."),
                      reproduce=curl_for(accepted.response.request)
                      + f"; restart the app; curl http://127.0.0.1:$PORT{accepted.status_path}")
    wait_done(ctx, accepted, hint=ctx.hint(
        "The process was killed while its worker ran this job (or before it took it): the job must be pending "
        "again for the next process within seconds (a transaction that holds the job's row until it commits "
        "does that) and the next process's worker must take it.",
        node="BullMQ takes a stalled job back only after stalledInterval (30 s by default): lower it, with "
             "lockDuration, to a few seconds. A job run with setImmediate in the request's process is never "
             "taken up again."))
    when = "while its worker waited for the books table" if in_flight else "before its worker took it"
    return Passed(f"the export asked for just before the app was killed ({when}) was done after the restart")


def _wait_for_a_waiter(conn: psycopg.Connection[Any]) -> bool:
    """Whether a session (the export's worker) came to wait for the books lock within BLOCK_WAIT_S.
    A worker that has not taken the job by then finds it queued after the restart: also fine."""
    deadline = time.monotonic() + BLOCK_WAIT_S
    while True:
        row = conn.execute("SELECT pg_catalog.count(*) FROM pg_catalog.pg_locks "
                           "WHERE relation = 'books'::regclass AND NOT granted").fetchone()
        if row is not None and row[0] > 0:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _restart(ctx: CheckContext) -> None:
    try:
        # A worker that runs as a process of its own (harness.toml [processes.worker]) dies with the app:
        # else the killed app's job would be done by a worker that never stopped, and prove nothing.
        ctx.app.restart(processes=True)
    except HarnessError as exc:
        raise Failure("the app did not come back after a restart",
                      expected="the app ready again after SIGTERM and a new start", actual=str(exc),
                      hint="Start with the jobs of the previous process still queued, and without waiting for "
                           "the books table: the app's log says why it did not.",
                      reproduce="start the app, POST /v1/exports, stop it (kill -TERM) and start it again") from None
