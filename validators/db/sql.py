"""Parameterized SQL: user input never changes a statement's shape.

pg_stat_statements shows literals and bound parameters alike as $n, and safe drivers
may inline escaped literals, so the text of a query proves nothing. What injection does
is change the *shape* of the statement: a payload such as x' OR '1'='1 turns
`title ILIKE $1` into `title ILIKE $1 OR $2 = $3`. Each probe sends a harmless value,
then payloads, through the same parameter, and compares the shapes that ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import httpx

from harness.httpclient import curl_for, describe
from harness.introspect.statements import observe, require_statements
from harness.outcomes import Failure
from harness.registry import CheckContext, check

PAYLOADS = ("x' OR '1'='1", "x%' OR '1'='1' --", "1) OR (1=1", "'; SELECT pg_sleep(1)--", 'x" OR "1"="1')


@dataclass(frozen=True)
class Probe:
    where: str
    send: Callable[[str], httpx.Response]


@dataclass(frozen=True)
class Finding:
    where: str
    payload: str
    problem: str
    response: httpx.Response


def _probes(ctx: CheckContext) -> list[Probe]:
    http = ctx.http
    return [
        Probe("GET /v1/books?q=", lambda v: http.get("/v1/books", params={"q": v})),
        Probe("GET /v1/books?tag=", lambda v: http.get("/v1/books", params={"tag": v})),
        Probe("POST /v1/authors name", lambda v: http.post("/v1/authors", json={"name": v})),
        Probe("POST /v1/members email",
              lambda v: http.post("/v1/members", json={"email": f"{ctx.unique('m')}{v}@shelf.test", "name": v})),
    ]


def _findings(ctx: CheckContext, probe: Probe) -> list[Finding]:
    baseline, benign = observe(ctx.pg, lambda: probe.send("benign" + ctx.run_id))
    if baseline.status_code >= 300:
        raise Failure(
            f"{probe.where} does not work yet: it answered {baseline.status_code} to a harmless value, "
            "so there is nothing to probe",
            expected="a 2xx answer to a harmless value", actual=describe(baseline),
            reproduce=curl_for(baseline.request),
        )
    known = benign.shapes
    found = []
    for payload in PAYLOADS:
        response, window = observe(ctx.pg, partial(probe.send, payload))
        new = sorted(window.shapes - known)
        if new:
            found.append(Finding(probe.where, payload, f"a new statement shape appeared:\n  {new[0]}", response))
        elif response.status_code >= 500 and baseline.status_code < 500:
            found.append(Finding(probe.where, payload,
                                 f"the payload made the app fail ({response.status_code}) where a harmless "
                                 f"value did not ({baseline.status_code}): a quote broke the SQL", response))
    return found


@check("db.sql.parameterized", points=3, services={"postgres"}, timeout_s=90)
def user_input_never_changes_sql_shape(ctx: CheckContext) -> None:
    """User input never changes the shape of a SQL statement.

    Injection payloads sent through query parameters and JSON fields must run the same
    statements as harmless values (compared in pg_stat_statements), and must not break them.
    """
    require_statements(ctx.pg)
    findings = [f for probe in _probes(ctx) for f in _findings(ctx, probe)]
    if not findings:
        return
    first = findings[0]
    places = sorted({f.where for f in findings})
    raise Failure(
        f"user input was spliced into SQL ({', '.join(places)})",
        expected="the same statement as for a harmless value, with the input bound as a parameter ($1)",
        actual=f"{first.where} with {first.payload!r}: {first.problem}\n{describe(first.response)}",
        hint=ctx.hint(
            "Never build SQL from strings with the input in them (concatenation, template literals, "
            "f-strings, format). Pass values as bound parameters.",
            node="Node: pool.query('... WHERE title ILIKE $1', [`%${q}%`]).",
            python="SQLAlchemy: Book.title.icontains(q), or text('... WHERE title ILIKE :q') with {'q': f'%{q}%'}.",
            java="JDBC/JPA: a PreparedStatement or a query with :q bound by setParameter.",
        ),
        reproduce=curl_for(first.response.request),
        evidence="\n".join(f"{f.where} <- {f.payload!r}: {f.problem.splitlines()[0]}" for f in findings[1:]) or None,
    )
