"""The export job's contract, shared by arch.jobs.*: POST /v1/exports -> 202 + Location, the
status URL until "done", the download. Statuses: pending, running, done, failed."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness import expect
from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext

EXPORTS = "/v1/exports"
STATUSES = ("pending", "running", "done", "failed")
# An export of a test database (at most a few hundred books) takes milliseconds; a worker that
# polls its queue may wait a few seconds before it looks. The README promises this bound.
DONE_WITHIN_S = 10.0


@dataclass(frozen=True)
class Accepted:
    status_path: str
    response: httpx.Response


def _path(url: str) -> str:
    """The path (and query) of a Location or download URL, relative or absolute."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start_export(ctx: CheckContext) -> Accepted:
    response = ctx.http.post(EXPORTS, json={})
    expect.status(response, 202, what=f"POST {EXPORTS}",
                  hint="Answer 202 Accepted at once and leave the export to a background worker.")
    location = response.headers.get("location", "")
    if not _path(location).startswith(EXPORTS + "/"):
        raise expect.fail(response, "the 202 answer has no Location of the export's status",
                          expected=f"Location: {EXPORTS}/{{id}}",
                          hint="Point Location at the status URL the client polls.")
    return Accepted(_path(location), response)


def require_queued_body(accepted: Accepted) -> None:
    """The 202's body is the job just queued: its id, and status "pending"."""
    response = accepted.response
    body = expect.json_object(response, what=f"POST {EXPORTS}")
    if body.get("id") in (None, "") or body.get("status") != "pending":
        raise expect.fail(response, f"the 202 answer of POST {EXPORTS} is not the queued job",
                          expected="{\"id\": ..., \"status\": \"pending\"}",
                          hint="Answer with the job just queued: its id and status \"pending\" (the contract's "
                               "words: pending, running, done, failed).")


def require_same_job(accepted: Accepted, done: dict[str, Any]) -> None:
    """The status URL answers for the job the 202 gave: the same id in both bodies."""
    queued = expect.json_object(accepted.response, what=f"POST {EXPORTS}").get("id")
    if str(done.get("id")) != str(queued):
        raise Failure(f"GET {accepted.status_path} does not name the export it answers for",
                      expected=f"{{\"id\": {json.dumps(queued)}, \"status\": ...}}, the id of the 202's body",
                      actual=json.dumps(done)[:300],
                      hint="Answer the status with the job's id beside it, as the 202 gave it.",
                      reproduce=f"curl -i \"http://localhost:$PORT{accepted.status_path}\"")


def unknown_status_path(status_path: str) -> str:
    """The status URL of an export that does not exist, shaped like a real one's id (digits, a UUID,
    or another token), so that an app that validates its ids still looks it up."""
    known = status_path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if known.isdigit():
        return f"{EXPORTS}/987654321"
    if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", known):
        return f"{EXPORTS}/{uuid.uuid4()}"
    return f"{EXPORTS}/{known[:-1]}{'0' if known[-1:] != '0' else '1'}"


def require_unknown_is_404(ctx: CheckContext, status_path: str) -> None:
    path = unknown_status_path(status_path)
    response = ctx.http.get(path)
    expect.status(response, 404, what=f"GET {path} (an export that was never asked for)",
                  hint="Answer 404 for an id no export has: a client polling a mistyped URL must not wait "
                       "for a job that will never run.")


def status_of(ctx: CheckContext, accepted: Accepted) -> tuple[httpx.Response, dict[str, Any]]:
    response = ctx.http.get(accepted.status_path)
    what = f"GET {accepted.status_path}"
    expect.status(response, 200, what=what, hint="The Location of a 202 must answer with the job's status, "
                  "from the moment it is given.")
    body = expect.json_object(response, what=what)
    if body.get("status") not in STATUSES:
        raise expect.fail(response, f"{what} has no status the contract knows",
                          expected="\"status\": one of " + ", ".join(STATUSES),
                          hint="Answer the job's status with one of the contract's words (README).")
    return response, body


WORKER_HINT = ("A worker must take queued exports, write the file and mark the job done; look at the app's log for "
               "its error.")


def wait_done(ctx: CheckContext, accepted: Accepted, *, hint: str = WORKER_HINT) -> dict[str, Any]:
    """Poll the status URL until "done"; fails on "failed" or when DONE_WITHIN_S runs out."""
    deadline = time.monotonic() + DONE_WITHIN_S
    interval = 0.05
    while True:
        response, body = status_of(ctx, accepted)
        if body["status"] == "done":
            return body
        if body["status"] == "failed" or time.monotonic() >= deadline:
            state = "failed" if body["status"] == "failed" else f"still {body['status']} after {DONE_WITHIN_S:.0f} s"
            raise Failure(f"the export job {state}", expected="\"status\": \"done\" and a download_url",
                          actual=describe(response),
                          hint=hint,
                          reproduce=curl_for(accepted.response.request) + f"; then GET {accepted.status_path}")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def require_book_in_download(ctx: CheckContext, done: dict[str, Any], book_id: str, title: str,
                             status_path: str) -> None:
    url = done.get("download_url")
    if not isinstance(url, str) or not url:
        raise Failure(f"GET {status_path} says done but names no download_url",
                      expected="\"download_url\": \"/v1/exports/{id}/download\" (or any URL on the app)",
                      actual=str(done)[:300], hint="Once the job is done, say where its result is.",
                      reproduce=f"curl -i \"http://localhost:$PORT{status_path}\"")
    path = _path(url)
    response = ctx.http.get(path)
    expect.status(response, 200, what=f"GET {path} (the export's download)",
                  hint="download_url must answer 200 with the export once the job is done.")
    body = expect.json_object(response, what=f"GET {path}")
    books = body.get("books")
    if not isinstance(books, list):
        raise expect.fail(response, "the download has no books array", expected="{\"books\": [{\"id\": ..., "
                          "\"title\": ...}, ...]}", hint="Send the export document itself: an object whose "
                          "\"books\" holds every book.")
    found = [b for b in books if isinstance(b, dict) and str(b.get("id")) == book_id]
    if not found or found[0].get("title") != title:
        raise expect.fail(response, f"the export does not hold book {book_id}, created before it was requested",
                          expected=f"an item {{\"id\": \"{book_id}\", \"title\": \"{title}\", ...}} among "
                                   f"{len(books)} books",
                          hint="Export every book in the database at the time the job runs.")
