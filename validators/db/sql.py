"""Parameterized SQL: user input never changes a statement's shape.

pg_stat_statements shows literals and bound parameters alike as $n, and safe drivers
may inline escaped literals, so the text of a query proves nothing. What injection does
is change the *shape* of the statement: a payload such as x' OR '1'='1 turns
`title ILIKE $1` into `title ILIKE $1 OR $2 = $3`. Each probe sends a harmless value,
then payloads, through the same parameter, and compares the shapes that ran.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import httpx

from harness.httpclient import curl_for, describe
from harness.introspect.statements import observe, require_statements
from harness.outcomes import Failure
from harness.registry import CheckContext, check

PAYLOADS = ("x' OR '1'='1", "x%' OR '1'='1' --", "1) OR (1=1", "'; SELECT pg_sleep(1)--", 'x" OR "1"="1')
# Transaction control and session settings: a driver or an ORM sends them around any
# statement (a ROLLBACK after a failed request), so a new one says nothing about the SQL.
_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE|SET|RESET|SHOW|DISCARD|"
                      r"DEALLOCATE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Probe:
    where: str
    send: Callable[[str], httpx.Response]


@dataclass(frozen=True)
class Finding:
    where: str
    payload: str
    problem: str  # one line, whole: it is shown as it is in the evidence
    response: httpx.Response
    shape: str | None = None  # the statement the payload made: the evidence that convicts

    @property
    def line(self) -> str:
        return f"{self.where} <- {self.payload!r}: {self.problem}"


def _statement_shapes(shapes: set[str]) -> set[str]:
    return {s for s in shapes if not _CONTROL.match(s)}


def _failed_request(response: httpx.Response, baseline: httpx.Response, ran_known: bool) -> str:
    """A 500 for a payload where a harmless value got a 2xx, said as what was observed."""
    # pg_stat_statements records a statement when it completes: one the payload broke
    # (a syntax error from a quote) leaves no trace, so "no statement" is the usual picture.
    ran = ("it ran only the statements a harmless value runs too" if ran_known
           else "no statement of it completed (pg_stat_statements records only completed statements)")
    return (f"the request failed with {response.status_code} where a harmless value got {baseline.status_code}, "
            f"and {ran}: a quote in the input most likely broke the SQL text")


def _probes(ctx: CheckContext) -> list[Probe]:
    http = ctx.http
    return [
        Probe("GET /v1/books?q=", lambda v: http.get("/v1/books", params={"q": v})),
        Probe("GET /v1/books?tag=", lambda v: http.get("/v1/books", params={"tag": v})),
        Probe("POST /v1/authors name", lambda v: http.post("/v1/authors", json={"name": v})),
        Probe("POST /v1/members email",
              lambda v: http.post("/v1/members", json={"email": f"{ctx.unique('m')}{v}@example.com", "name": v})),
    ]


def _findings(ctx: CheckContext, probe: Probe) -> list[Finding]:
    baseline, benign = observe(ctx.pg, lambda: probe.send("benign" + ctx.run_id))
    if baseline.status_code >= 300:
        refused = 400 <= baseline.status_code < 500 and baseline.status_code not in (404, 405)
        raise Failure(
            (f"your app refused the harmless value this check sends to {probe.where} "
             f"({baseline.status_code}: if your validation is stricter than the contract, this is the value it "
             "rejected), so there is nothing to probe" if refused else
             f"{probe.where} does not work yet: it answered {baseline.status_code} to a harmless value, "
             "so there is nothing to probe"),
            expected="a 2xx answer to a harmless value", actual=describe(baseline),
            reproduce=curl_for(baseline.request),
        )
    known = benign.shapes
    found = []
    for payload in PAYLOADS:
        response, window = observe(ctx.pg, partial(probe.send, payload))
        new = sorted(_statement_shapes(window.shapes - known))
        if new:
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            found.append(Finding(probe.where, payload, f"a new statement shape appeared: {new[0]}{more}",
                                 response, new[0]))
        elif response.status_code >= 500 and baseline.status_code < 500:
            ran_known = bool(_statement_shapes(window.shapes))
            found.append(Finding(probe.where, payload, _failed_request(response, baseline, ran_known), response))
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
    raise spliced(ctx, findings)


def spliced(ctx: CheckContext, findings: list[Finding]) -> Failure:
    """The failure for what the probes found: a statement the input reshaped first, when one did."""
    findings = sorted(findings, key=lambda f: f.shape is None)  # stable: probe order otherwise
    first = findings[0]
    places = sorted({f.where for f in findings})
    actual = f"{first.line}\n{describe(first.response)}"
    if first.shape is not None:
        actual = (f"{first.where} with {first.payload!r}: a new statement shape appeared:\n  {first.shape}\n"
                  f"{describe(first.response)}")
    return Failure(
        f"user input was spliced into SQL ({', '.join(places)})",
        expected="the same statement as for a harmless value, with the input bound as a parameter ($1)",
        actual=actual,
        hint=ctx.hint(
            "Never build SQL from strings with the input in them (concatenation, template literals, "
            "f-strings, format). Pass values as bound parameters.",
            node="Node: pool.query('... WHERE title ILIKE $1', [`%${q}%`]).",
            python="SQLAlchemy: Book.title.icontains(q), or text('... WHERE title ILIKE :q') with {'q': f'%{q}%'}.",
            java="JDBC/JPA: a PreparedStatement or a query with :q bound by setParameter.",
        ),
        reproduce=curl_for(first.response.request),
        evidence="\n".join(f.line for f in findings[1:]) or None,
    )
