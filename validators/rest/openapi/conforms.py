"""Live responses conform to the document the project serves.

Written on jsonschema rather than by running schemathesis: the cases must be the same on
every run (so each run catches the same defects, and `--seed` repeats one exactly), bounded
by a request count and a time budget, and driven by what Shelf needs (real ids, unique
isbns), which a generic fuzzer would have to rediscover. The rules are schemathesis's
core checks: no server error, a documented status code, a documented Content-Type, a body
that validates against the documented schema, and no 2xx for a body the document itself
calls invalid.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ...shelf.polite import Polite
from ...shelf.refused import setup_failure
from ..conformance_plan import Needed, Probe, shelf_plan
from ..openapi_doc import DocumentError, OpenApiDocument, content_for, escape
from .served import DOC_PATH, fetch_served

CHECK_ID = "rest.openapi.conforms"
MAX_REQUESTS = 200
BUDGET_S = 30.0


@dataclass(frozen=True)
class Verdict:
    problem: str
    hint: str


def judge(served: OpenApiDocument, probe: Probe, response: httpx.Response) -> Verdict | None:
    """What is wrong with this exchange according to the served document; None if nothing."""
    status = response.status_code
    if status == 501:
        return Verdict("the route answered 501 Not Implemented",
                       "Build this route; the check exercises every Shelf operation.")
    if status >= 500:
        return Verdict(f"the server failed with {status}",
                       "A request, valid or not, must never crash a handler: validate the input and answer "
                       "4xx; log the real error on the server.")
    operation = served.match(probe.method, response.request.url.path)
    if operation is None:
        return None  # undocumented routes are rest.openapi.served's to report
    found = served.response(operation, status)
    if found is None:
        documented = ", ".join(str(k) for k in operation.spec.get("responses", {})) or "none"
        return Verdict(f"status {status} is not documented for {operation.key} (documented: {documented})",
                       f"Either answer with a documented status, or document {status} under \"responses\" of "
                       f"{operation.key} (FastAPI: responses={{{status}: {{...}}}} on the route; Spring: "
                       f"@ApiResponse(responseCode = \"{status}\")).")
    key, pointer, declared = found
    media, has_content = content_for(declared, response.headers.get("content-type", ""))
    if has_content and response.content:
        if media is None:
            documented = ", ".join(declared.get("content", {})) or "none"
            return Verdict(f"Content-Type {response.headers.get('content-type')!r} is not documented for {key} of "
                           f"{operation.key} (documented: {documented})",
                           "Errors are application/problem+json: document them so (content: "
                           "{\"application/problem+json\": {schema: Problem}}) and send them so.")
        media_object = declared["content"][media]
        if isinstance(media_object, dict) and "schema" in media_object:
            try:
                body = response.json()
            except ValueError:
                return Verdict("the body is not JSON, though the document declares a JSON schema for it",
                               "Send the body the document describes.")
            violation = served.violation(f"{pointer}/content/{escape(media)}/schema", body)
            if violation is not None:
                return Verdict(f"the body does not match the schema documented for {key} of {operation.key}: "
                               f"{violation}",
                               "Either the code or the document is wrong: make them agree. Validate what you "
                               "store (a PATCH must check types like a POST), and describe what you send.")
    if probe.invalid and 200 <= status < 300:
        schema = served.request_body_schema(operation)
        if schema is not None and served.violation(schema, probe.body) is not None:
            return Verdict(f"{operation.key} accepted a body that its own document calls invalid "
                           f"({probe.case}) with {status}",
                           "Validate request bodies against the schema you document and answer 422 "
                           "(a schema validator, pydantic models, zod ...).")
    return None


def _failure(ctx: CheckContext, probe: Probe, response: httpx.Response, verdict: Verdict, number: int) -> Failure:
    rerun = f"harness check <this lab> --only {CHECK_ID} --seed {ctx.seed}"
    return Failure(
        f"{probe.operation} ({probe.case}): {verdict.problem}",
        expected=f"a response that the document at {DOC_PATH} describes for this request",
        actual=describe(response),
        hint=verdict.hint,
        reproduce=f"{curl_for(response.request)}\n# the same {number} requests again: {rerun}",
        evidence=f"seed {ctx.seed}: request {number} of this run; the requests are generated from "
                 f"labs/shelf/openapi.yaml with this seed, the responses judged against {DOC_PATH}",
    )


@check(CHECK_ID, points=3, timeout_s=90)
def responses_conform_to_the_served_document(ctx: CheckContext) -> None:
    """Live responses conform to the OpenAPI document the app serves.

    Sends every Shelf operation valid and invalid requests (a wrong type or a missing field
    in each property, unknown ids, duplicates, bad query parameters), generated from the
    Shelf schemas with the run's seed, and judges each response against GET /openapi.json:
    no 5xx, a documented status and Content-Type, a body matching the documented schema,
    and no 2xx for a body the document calls invalid. Bounded: 200 requests, 30 s.
    """
    _, served = fetch_served(ctx)
    polite = Polite(ctx)
    rng = random.Random(f"{CHECK_ID}:{ctx.seed}")
    plan = shelf_plan(rng, ctx.unique)
    deadline = time.monotonic() + BUDGET_S
    number = 0
    reply: httpx.Response | None = None
    while True:
        try:
            probe = plan.send(reply) if reply is not None else next(plan)
        except StopIteration:
            return
        except Needed as needed:
            stand_in = Failure(f"{needed.probe.operation} answered {needed.response.status_code}",
                               expected="201 Created with the new resource and its string id",
                               actual=describe(needed.response),
                               hint="Make that route work first (rest.shelf.contract shows how).",
                               reproduce=curl_for(needed.response.request))
            body = needed.probe.body if isinstance(needed.probe.body, dict) else None
            raise setup_failure(needed.response, needed.probe.operation, body, stand_in) from None
        number += 1
        if number > MAX_REQUESTS or time.monotonic() > deadline:
            raise Failure(f"the conformance run stopped after {number - 1} requests: it is limited to "
                          f"{MAX_REQUESTS} requests and {BUDGET_S:.0f} s",
                          hint="The app answered too slowly, or kept the harness waiting with 429s.")
        reply = polite.request(probe.method, probe.path, params=dict(probe.params) or None,
                               json=probe.body if probe.has_body else None)
        try:
            verdict = judge(served, probe, reply)
        except DocumentError as exc:
            raise Failure(str(exc), hint="Fix the document; rest.openapi.served reports the same.",
                          reproduce=f"curl -s \"http://localhost:$PORT{DOC_PATH}\"") from None
        if verdict is not None:
            raise _failure(ctx, probe, reply, verdict, number)
