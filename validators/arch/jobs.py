"""Background jobs: an export answered 202 at once, done by a worker, outliving a restart."""

from __future__ import annotations

from harness.errors import HarnessError
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi
from .export_job import require_book_in_download, start_export, wait_done

QUEUE_HINT = ("Keep jobs where a restart cannot lose them: a queue in Redis (BullMQ, RQ, Celery) or a jobs "
              "table in PostgreSQL, with the job's status beside it; the worker takes them up again when it "
              "starts.")


def _new_book(ctx: CheckContext) -> tuple[str, str]:
    api = ShelfApi(ctx)
    book = api.book(api.author().id)
    return book.id, str(book.body.get("title"))


@check("arch.jobs.export", points=2, services={"postgres", "redis"})
def export_runs_in_the_background(ctx: CheckContext) -> None:
    """POST /v1/exports answers 202 with a status URL; the job gets done and its download holds the books.

    Creates a book, asks for an export (202 Accepted, Location: /v1/exports/{id}), polls the
    status URL (status pending, running, done or failed) until "done", then downloads
    download_url: {"books": [...]} with the new book among them.
    """
    book_id, title = _new_book(ctx)
    accepted = start_export(ctx)
    done = wait_done(ctx, accepted)
    require_book_in_download(ctx, done, book_id, title, accepted.status_path)


@check("arch.jobs.durable", points=2, services={"postgres", "redis"}, timeout_s=90)
def export_survives_a_restart(ctx: CheckContext) -> None:
    """An export asked for just before the app restarts is still known after it, and gets done.

    Asks for an export and, as soon as the 202 arrives, restarts the app as a crash would
    (SIGTERM, and no wait for a graceful stop; a new process on the same port). The status
    URL must still answer and reach "done": a job or status kept in the process's memory is
    lost with it, and a job its worker was running when the process died must be taken up
    again. (What the download holds is arch.jobs.export's.)
    """
    accepted = start_export(ctx)
    try:
        ctx.app.restart()
    except HarnessError as exc:
        raise Failure("the app did not come back after a restart",
                      expected="the app ready again after SIGTERM and a new start", actual=str(exc),
                      hint="Start with the jobs of the previous process still queued: the app's log says why it "
                           "did not.",
                      reproduce="start the app, POST /v1/exports, stop it (kill -TERM) and start it again") from None
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
        "The process was killed, perhaps while its worker ran this job: a job cut short must be pending again "
        "for the next process within seconds (a transaction holding the job's row until it commits does that).",
        node="BullMQ takes a stalled job back only after stalledInterval (30 s by default): lower it, with "
             "lockDuration, to a few seconds."))
