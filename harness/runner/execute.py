"""Running one check: its outcome, whatever the check or the app does.

A Failure is the learner's; a timeout or an app that stopped answering is too (named as
such); any other exception is a harness bug and says so.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from harness import httpcap
from harness.context import CheckContext
from harness.durations import format_duration
from harness.outcomes import CannotCheck, CheckResult, Failure, Passed, Skip, Status
from harness.registry import CheckSpec


@dataclass(frozen=True)
class Planned:
    spec: CheckSpec
    points: float
    hidden: bool
    params: Mapping[str, Any] = field(default_factory=dict)


def _app_gone(ctx: CheckContext) -> str | None:
    # exited(), not alive(): the check failed on a refused connection, which may come a moment
    # before the app's process (a jail's wrapper) is seen to end; and a run that never started
    # the app has none to have exited.
    if not ctx.app.exited():
        return None
    return ("the app exited during this check; its last lines:\n" + ctx.app.log_tail(20)).rstrip()


# A PASS may carry a Passed (what the check shows for it), a FAIL or an ERROR a Failure.
Outcome = tuple[Status, Failure | Passed | None, str | None]


def _outcome(planned: Planned, ctx: CheckContext, debug: bool) -> Outcome:
    try:
        passed = planned.spec.func(ctx)
        return Status.PASS, passed if isinstance(passed, Passed) else None, None
    except Failure as failure:
        return Status.FAIL, failure, None
    except CannotCheck as exc:
        shown = Failure(f"cannot check here: {exc.reason}", hint=exc.fix, figures=exc.figures)
        return Status.ERROR, shown, "environment"
    except Skip as skip:
        return Status.SKIP, None, skip.reason
    except httpx.TimeoutException as exc:
        request = getattr(exc, "request", None)
        what = f"{request.method} {request.url.path}" if request is not None else "a request"
        return Status.FAIL, Failure(
            f"the app did not answer {what} in time",
            hint="A handler that never responds (a missing res.send, a lock, an exhausted pool) looks like this.",
            evidence=_app_gone(ctx),
        ), None
    except httpcap.BodyTooLarge as exc:
        return Status.FAIL, Failure(
            str(exc), expected=(f"answers that end, of at most {exc.limit // (1024 * 1024)} MB in all for the "
                                f"{exc.together} requests sent at once" if exc.together else
                                f"an answer that ends, of at most {exc.limit // (1024 * 1024)} MB"),
            hint="An answer that never ends looks like this: a loop that keeps writing the body, a stream "
                 "that is never ended, or a compressed body that inflates without end.",
            reproduce=httpcap.reproduce(exc),
        ), None
    except httpx.TransportError as exc:
        return Status.FAIL, Failure(
            f"the app could not be reached: {type(exc).__name__}: {exc}",
            evidence=_app_gone(ctx) or ctx.app.log_tail(15),
        ), None
    except psycopg.OperationalError as exc:
        # The harness's own connection broke: the server died or was stopped under it.
        return Status.ERROR, Failure(
            f"the connection to the database broke: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}",
            hint="The database server stopped during the check; its log is in --debug output.",
            evidence=ctx.app.log_tail(10),
        ), "environment"
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:
        return Status.FAIL, Failure(
            f"the database does not have what this lab names: {str(exc).strip().splitlines()[0]}",
            hint="Create the tables the lab names (authors, books, members, loans) in your migrations.",
        ), None
    except Exception as exc:
        detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
        return Status.ERROR, Failure(
            "the check crashed: a harness bug, not your code. Please report it with --debug output.",
            evidence=detail,
        ), "crash"


def run_check(planned: Planned, ctx: CheckContext, *, debug: bool = False) -> CheckResult:
    spec = planned.spec
    # Its own context: the lab's parameters for this check, what ctx.param reads them against;
    # a check still running past its limit cannot see the next one's.
    ctx = ctx.for_check(spec, planned.params)
    started = time.monotonic()
    box: list[Outcome] = []
    if spec.needs_app and not ctx.app.alive():
        outcome: Outcome = (
            Status.FAIL, Failure("not run: the app is no longer running", evidence=ctx.app.log_tail(20)), None)
    else:
        worker = threading.Thread(target=lambda: box.append(_outcome(planned, ctx, debug)),
                                  name=f"check-{spec.id}", daemon=True)
        worker.start()
        worker.join(spec.timeout_s)
        if box:
            outcome = box[0]
        else:
            outcome = (Status.FAIL, Failure(
                f"the check did not finish within its limit of {format_duration(spec.timeout_s)}",
                hint="The app answered too slowly or not at all; the log below shows what it was doing.",
                evidence=ctx.app.log_tail(15),
            ), None)
    status, shown, extra = outcome
    failure = shown if isinstance(shown, Failure) else None
    passed = shown if isinstance(shown, Passed) else None
    # The third element is the skip reason for SKIP, the cause for ERROR.
    skip_reason = extra if status is Status.SKIP else None
    cause = extra if status is Status.ERROR else None
    score = planned.points if status is Status.PASS else 0.0
    # A skipped check did not apply to this project: it neither earns nor costs points.
    max_score = 0.0 if status is Status.SKIP else planned.points
    return CheckResult(
        id=spec.id, title=spec.title, status=status, score=score, max_score=max_score,
        duration_s=time.monotonic() - started,
        message=failure.message if failure else passed.message if passed else skip_reason,
        expected=failure.expected if failure else None,
        actual=failure.actual if failure else None,
        hint=failure.hint if failure else None,
        reproduce=failure.reproduce if failure else None,
        evidence=failure.evidence if failure else passed.evidence if passed else None,
        hidden=planned.hidden,
        cause=cause,
        figures=failure.figures if failure else passed.figures if passed else None,
    )


def not_run(planned: Planned, reason: str) -> CheckResult:
    return CheckResult(id=planned.spec.id, title=planned.spec.title, status=Status.ERROR, score=0.0,
                       max_score=planned.points, duration_s=0.0, message=f"not run: {reason}",
                       hidden=planned.hidden, cause="not-run")
