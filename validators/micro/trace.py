"""W3C Trace Context: the gateway takes part in its caller's trace when it calls a service."""

from __future__ import annotations

import re
import secrets

import httpx

from harness import expect, httpcap
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.proc.named import NamedProcess
from harness.registry import CheckContext, check

from .shared import PARAMS, calls, dependency

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
# A vendor entry in W3C tracestate form: the gateway must pass it on as it came.
TRACESTATE = "harness=check,vendor2=opaque-value"


def _nonzero_hex(length: int) -> str:
    while True:
        value = secrets.token_hex(length // 2)
        if value.strip("0"):
            return value


@check("micro.trace.propagated", points=2, params=PARAMS)
def trace_context_is_propagated(ctx: CheckContext) -> None:
    """The gateway passes W3C Trace Context on to the service it calls, as a participant.

    A request with a traceparent reaches the dependency in the same trace (same trace id and
    flags, sampled and then not) with a span id of the gateway's own as its parent, and with its
    tracestate unchanged; the list, one item by id and an unknown id are each answered as the
    dependency answers them, by one call to its same route; a request without a traceparent, or
    with an invalid one, starts a new, valid trace.
    """
    named, route = dependency(ctx, str(ctx.param("dependency"))), str(ctx.param("route"))
    general = ("Read traceparent from the incoming request, keep its trace id and flags, put a new span id "
               "of the gateway's (16 hex digits, not all zero) in its place, and send the result as the "
               "traceparent of every call the request makes; pass tracestate on unchanged.")
    hint = ctx.hint(general, node="With fetch: fetch(url, { headers: { traceparent, tracestate } }); "
                                  "@opentelemetry/instrumentation-http and -undici do it for you.",
                    java="Micrometer Tracing or the OpenTelemetry agent propagate it through RestClient/WebClient "
                         "built from the auto-configured builder.")
    # Sampled, then not: the caller decides whether the trace is recorded, and the gateway passes
    # that decision on as it came (a gateway that always says 01 records what the caller did not want).
    trace_id = ""
    for flags in ("01", "00"):
        trace_id = _traced_call(ctx, named, route, flags, hint)

    # No traceparent, then one W3C says to ignore (an all-zero trace id): each starts a trace of its
    # own, a new random id each time (not one id for every trace, nor the invalid one passed on).
    _passes_through(ctx, named, route)
    seen = {trace_id}
    for sent, what in ((None, "without a traceparent"),
                       (f"00-{'0' * 32}-{_nonzero_hex(16)}-01", "with an invalid traceparent (an all-zero trace id)")):
        since = len(named.proxy.seen())
        response = ctx.http.get(route, headers={"traceparent": sent} if sent else None)
        expect.status(response, 200, what=f"GET {route} {what}")
        for call in calls(named, since):
            got = call.headers.get("traceparent")
            match = TRACEPARENT.fullmatch(got or "")
            if match is None or not match.group(1).strip("0") or not match.group(2).strip("0") \
                    or match.group(1) in seen:
                raise Failure(f"a request {what} reached the {named.name} service without a new trace",
                              expected="traceparent 00-<a new random trace id>-<a span id>-<flags>, ids not all "
                                       "zeros, the trace id another than any before",
                              actual=f"traceparent {got!r}", hint=hint, reproduce=curl_for(response.request))
            seen.add(match.group(1))


def _passes_through(ctx: CheckContext, named: NamedProcess, route: str) -> None:
    """The gateway answers what the service answers, each request by one call to its same route:
    the list, one of its items by id, and an id the service does not have (its 404)."""
    with httpcap.client(timeout=10.0) as direct:  # the service itself, past the proxy: no call of the gateway's
        listed = direct.get(named.url + route)
        items = listed.json().get("items") if listed.status_code == 200 else None
        first = items[0].get("id") if isinstance(items, list) and items and isinstance(items[0], dict) else None
        paths = [route] + ([f"{route}/{first}"] if first is not None else []) + [f"{route}/987654321"]
        for path in paths:
            want = direct.get(named.url + path)
            since = len(named.proxy.seen())
            got = ctx.http.get(path)
            made = [c.path.split("?", 1)[0] for c in calls(named, since)]
            same = got.status_code == want.status_code and _json(got) == _json(want)
            if not same or made != [path]:
                raise expect.fail(got, f"GET {path} is not the {named.name} service's answer to one call of the "
                                  "same route",
                                  expected=f"{want.status_code} {want.text[:200]} (what {named.name} answers), "
                                           f"by one call to {path}",
                                  hint=f"Answer each gateway route with one call to the {named.name} service's "
                                       "same route, passing its status and body on (a 404 too): no list "
                                       "fetched to pick one item out, no copy kept in the gateway.")


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return response.text


def _traced_call(ctx: CheckContext, named: NamedProcess, route: str, flags: str, hint: str) -> str:
    """A request with a traceparent of `flags` and a tracestate: the call it makes must carry the same
    trace id and flags, a parent id of the gateway's and the tracestate; the trace id sent."""
    trace_id, span_id = _nonzero_hex(32), _nonzero_hex(16)
    sent = f"00-{trace_id}-{span_id}-{flags}"
    since = len(named.proxy.seen())
    response = ctx.http.get(route, headers={"traceparent": sent, "tracestate": TRACESTATE})
    expect.status(response, 200, what=f"GET {route} with a traceparent")
    made = calls(named, since)
    if not made:
        raise Failure(f"GET {route} was answered without a call to the {named.name} service",
                      hint=f"Answer {route} from the {named.name} service (its address is in "
                           f"{named.variable}), not from a copy in the gateway.", reproduce=curl_for(response.request))
    for call in made:
        got = call.headers.get("traceparent")
        problem = None
        match = TRACEPARENT.fullmatch(got or "")
        if got is None:
            problem = "it had no traceparent header"
        elif match is None:
            problem = f"its traceparent {got!r} is not version-00 W3C form (00-<32 hex>-<16 hex>-<2 hex>)"
        elif match.group(1) != trace_id:
            problem = f"its trace id {match.group(1)} is not the caller's {trace_id}: the trace is broken in two"
        elif match.group(2) == span_id:
            problem = ("its parent id is the caller's span id: the gateway forwarded the header as it came "
                       "instead of naming its own span as the parent")
        elif not match.group(2).strip("0"):
            problem = "its parent id is all zeros, which W3C forbids"
        elif match.group(3) != flags:
            problem = (f"its flags {match.group(3)} are not the caller's {flags} "
                       f"({'sampled' if flags == '01' else 'not sampled'})")
        elif call.headers.get("tracestate") != TRACESTATE:
            problem = f"its tracestate {call.headers.get('tracestate')!r} is not the one sent"
        if problem:
            raise Failure(f"the gateway's call {call.method} {call.path} to the {named.name} service did not carry "
                          f"the caller's trace: {problem}",
                          expected=f"traceparent 00-{trace_id}-<a span id of the gateway's>-{flags}, tracestate "
                                   f"{TRACESTATE}", actual=f"traceparent {got!r}, tracestate "
                                   f"{call.headers.get('tracestate')!r}", hint=hint,
                          reproduce=curl_for(response.request))
    return trace_id
