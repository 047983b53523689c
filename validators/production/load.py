"""1000+ requests per second held on a realistic mix of reads and writes."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from harness import expect
from harness.outcomes import CannotCheck, Failure, Passed
from harness.params import Param
from harness.registry import CheckContext, check

from ..security.account_setup import LOGIN, Accounts, tokens_from
from ..shelf import values
from ..shelf.api import ShelfApi
from .shared import admin_api


def scenario(book_ids: list[str], tag: str, borrowers: list[tuple[str, str]], loan_book: str) -> str:
    """The mix: 95% reads (lists, filters, single books), 5% loans (a write through PostgreSQL).

    `borrowers` are (member id, access token) pairs, each logged in through another instance:
    the loans split evenly between them, so whichever instance a request lands on, half of
    the loans carry a token that instance did not issue. A token of "" (a lab without
    accounts) sends the loan without an Authorization header.
    """
    routes = [("/v1/books?limit=20", 60), (f"/v1/books?tag={tag}&limit=10", 30)]
    routes += [(f"/v1/books/{book_id}", max(100 // len(book_ids), 1)) for book_id in book_ids]
    lines = ["[defaults]", "expect_status = [200]", ""]
    for path, weight in routes:
        lines += ["[[route]]", f'path = "{path}"', f"weight = {weight}", ""]
    for number, (member_id, token) in enumerate(borrowers, 1):
        loan = json.dumps({"book_id": loan_book, "member_id": member_id})
        authorization = f'Authorization = "Bearer {token}", ' if token else ""
        lines += ["[[route]]", f'name = "borrow (member {number})"', 'method = "POST"', 'path = "/v1/loans"',
                  f"weight = {max(10 // len(borrowers), 1)}", f"body = '{loan}'", "expect_status = [201]",
                  f'headers = {{ {authorization}"Content-Type" = "application/json" }}', ""]
    return "\n".join(lines)


# CPU per request served (ms of one core) by the app's instances and its databases: what the
# capstone's reference used at 1000 req/s on 2 cores (0.61-0.81 ms over 9 runs), and the
# allowance, about twice that: at 1000 req/s, 140% of a 2-core machine's 200%, the rest being
# what the harness (about 24%: the generator) and the machine's own work need.
REFERENCE_CPU_MS = 0.75
APP_CPU_MS = 1.4

# One load test at a time on a machine: two harness runs (parallel tests, a grading batch)
# that load their apps at once measure each other, not their apps.
LOCK_FILE = Path(tempfile.gettempdir()) / "harness-load.lock"
LOCK_WAIT_S = 180.0


@contextlib.contextmanager
def one_load_at_a_time(note: Callable[[str], None], wait_s: float = LOCK_WAIT_S,
                       lock_file: Path = LOCK_FILE) -> Iterator[None]:
    """Hold the machine-wide load lock while the body runs; wait up to `wait_s` for it.

    Where no lock can be taken (no fcntl, a lock file of another user), the load runs anyway.
    """
    try:
        import fcntl
        handle = open(lock_file, "a+")  # noqa: SIM115 (held until the load ends)
    except (ImportError, OSError):
        yield
        return
    with handle:
        deadline = time.monotonic() + wait_s
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CannotCheck(f"another harness load test kept this machine busy for {wait_s:.0f} s "
                                      f"({lock_file} is locked)",
                                      fix="Run the load checks one at a time on this machine.") from None
                time.sleep(0.25)
        if time.monotonic() - started > 1:
            note(f"prod.load.rps waited {time.monotonic() - started:.0f} s for another harness load test on this "
                 "machine to finish")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Before the load, up to this long, the check waits for the machine's other work (outside this
# run) to fall under QUIET_OUTSIDE_PERCENT of a core, sampled a second at a time: a test suite
# or a build next door that stops within seconds need not spoil the measurement. Past the wait
# the load runs anyway, and the CPU split says who was busy.
QUIET_WAIT_S = 20.0
QUIET_OUTSIDE_PERCENT = 30.0


def wait_for_quiet(note: Callable[[str], None], wait_s: float = QUIET_WAIT_S,
                   limit: float = QUIET_OUTSIDE_PERCENT, sides: tuple[str, ...] | None = None,
                   what: str = "other work on this machine") -> float:
    """Wait until the CPU used on `sides` (cpusplit's; outside the run, by default) falls under
    `limit` % of a core; its last value."""
    from harness.load import cpusplit

    sides = sides or (cpusplit.OUTSIDE,)
    started = time.monotonic()
    busy = 0.0
    while True:
        before = cpusplit.snapshot()
        time.sleep(1.0)
        found = cpusplit.split(before, cpusplit.snapshot())["sides"]
        busy = sum(float(found.get(side, 0.0)) for side in sides)
        waited = time.monotonic() - started
        if busy < limit or waited >= wait_s:
            break
    if waited > 1.5:
        still = "" if busy < limit else f"; it still used {busy:.0f}% of a core, and the load ran anyway"
        note(f"prod.load.rps waited {waited:.0f} s for {what} to quiet down{still}")
    return busy


def errors_by_kind_line(result: dict[str, Any]) -> str:
    """The five commonest kinds of failed request (a status, a timeout, a refused connection), as a
    line to add to a verdict; nothing when every request succeeded."""
    kinds = sorted((result.get("errors_by_kind") or {}).items(), key=lambda item: -item[1])
    return ("\nerrors by kind: " + ", ".join(f"{kind} x {count}" for kind, count in kinds[:5])) if kinds else ""


def _fix(party: str, split: dict[str, Any] | None, allowance_percent: float) -> str:
    from harness.load import blame

    if party == blame.QUOTA:
        held = (split or {}).get("app_quota") or {}
        cpus = blame.quota_cpus(allowance_percent, float(held.get("cores", 0.0)))
        return (f"Give the app {cpus} CPU{'' if cpus == 1 else 's'}: `harness grade --limit cpus={cpus}` (or the "
                f"lab's [grading] cpus), `docker run --cpus={cpus}` where it runs in a container.")
    if party == blame.OUTSIDE_RUN:
        return "Run again when nothing else is busy on this machine."
    if party == blame.MACHINE:
        cores = f"{float(split['cores']):g}" if split and split.get("cores") else "?"
        return (f"Lower the rate for this machine (--param prod.load.rps.rate=...), or run where it may use more "
                f"than {cores} CPU{'' if cores == '1' else 's'} (its CPU affinity and quota count, not the host's "
                "cores).")
    return "Run on a machine with more free cores, or lower the lab's rate for this machine."


def describe_load(result: dict[str, Any], rate: float, duration: str) -> str:
    """The load's figures in a line: rate achieved, percentiles, errors, and an early stop's reason."""
    def ms(key: str) -> str:  # None when no request completed before an early stop
        return "-" if result.get(key) is None else f"{float(result[key]):.1f} ms"

    summary = (f"achieved {result['achieved_rps']:.0f} req/s of {rate:g}; p50 {ms('p50_ms')}, "
               f"p95 {ms('p95_ms')}, p99 {ms('p99_ms')}; errors {result['error_rate']:.2%}")
    stopped = result.get("stopped_early")
    if stopped:
        # The verdict was settled before the schedule's end (harness/load/settle.py): say so, and why.
        summary += (f"; the load stopped early, at {stopped['at_s']} s of {duration}, once its verdict could no "
                    f"longer change: {stopped['because']}")
    return summary


def starved_miss(result: dict[str, Any], budget_ms: float) -> str:
    """For a load that did not pass while the app's instances waited for a CPU much of the time (or
    their quota stopped them often), its figures in a few words: worth one more load, the app warm
    and the backlog gone. Nothing for a pass, a miss the app made on a machine it had to itself (an
    app that sleeps or blocks waits for no CPU, and misses every time), or one whose CPU per request
    was far past `budget_ms` (blame.starved_within_cost: one process of a single-threaded server)."""
    from harness.load import blame, cpusplit

    split = result.get("cpu_split")
    served = float(result.get("achieved_rps") or 0)
    if result.get("verdict") == "pass" or not blame.starved_within_cost(split, served, budget_ms):
        return ""
    waited = float((split or {}).get("waited", {}).get(cpusplit.APP_SIDE, 0.0))
    per_request = blame.app_cpu_ms_per_request(split or {}, served)
    cost = f", {per_request:.2f} ms of CPU per request served" if per_request else ""
    p95 = "-" if result.get("p95_ms") is None else f"{float(result['p95_ms']):.0f} ms"
    return (f"{result.get('verdict')}, p95 {p95}, its instances waiting for a CPU {waited:.0f}% of the time"
            f"{cost}")


def borrowers(ctx: CheckContext) -> list[tuple[str, str]]:
    """A member logged in through each instance (or the one app): (member id, access token)."""
    accounts = Accounts(ctx)
    clients = ctx.instances[:2] if len(ctx.instances) >= 2 else [ctx.http]
    found = []
    for number, client in enumerate(clients, 1):
        account = accounts.register()
        response = client.post(LOGIN, json={"email": account.email, "password": account.password})
        where = f" on instance {number}" if len(clients) > 1 else ""
        expect.status(response, 200, what=f"POST {LOGIN}{where} with the right password")
        found.append((account.id, tokens_from(response, what=f"POST {LOGIN}{where}").access))
    return found


# The check reads nothing of Redis itself: a lab whose app caches there provisions it.
@check("prod.load.rps", points=4, services={"postgres"}, timeout_s=300, params=[
    Param("rate", float, 1000, "the requests per second to hold (97% of it must be reached)"),
    Param("duration", str, "20s", "how long the load lasts, its 3 s ramp-up included (e.g. 20s, 1m)"),
    Param("p95", str, "200ms", "the 95th percentile latency to stay under (e.g. 200ms)"),
    Param("cpu_ms", float, APP_CPU_MS, "CPU per request (ms of one core) the app's instances and its databases "
          "may use at the rate asked: above it, a machine saturated during the load is the app's doing (scaled "
          "up on a machine whose cores are slower than the ones it was measured on)"),
    Param("accounts", bool, True, "the app has the capstone's accounts: an admin writes the catalogue and the "
          "loans carry members' access tokens; false, for a Shelf without logins, sends them without"),
    Param("copies", int, 1_000_000, "copies of the book the loans borrow: more than the loans of two loads "
          "(about 5% of rate x duration each); lower for a Shelf that caps copies_total")],
    # Its allowance at the rate asked: a grading quota below it holds back a correct app.
    cpus_needed=lambda params: float(params["cpu_ms"]) * float(params["rate"]) / 1000.0)
def sustains_the_target_rate(ctx: CheckContext) -> Passed:
    """The API holds 1000+ requests per second on a realistic mix, within its latency and error budget.

    An open-model load (requests sent on a schedule, latency measured from when each was
    due) of 95% reads and 5% loans, spread by the generator over the instances in turn (the
    balancer's own cost stays off the measured path; prod.scale.* check the balancing); the
    loans come from two members, each logged in through another instance. When the generator
    could not keep its schedule, or the app missed its budget narrowly on a saturated machine,
    where the CPU went decides (harness/load/blame.py): the app's failure if it saturated the
    machine using more CPU per request than `cpu_ms` (times how much slower this machine's cores
    are than the ones it was measured on: harness/load/speed.py), otherwise inconclusive, naming
    who took the CPU; a clear miss (latency or errors many times the limit) is the app's whoever
    had the CPU, unless the app waited for a CPU much of the time or a quota of its own (the grading
    jail's `cpus`) stopped it often while it stayed within `cpu_ms`. A load that missed while the
    app waited for a CPU much of the time is run once more, and the second gives the verdict. Another
    harness load test on the same machine is waited for, not measured against.
    """
    from harness.load import blame, cpusplit, speed
    from harness.load.api import LoadError, bench

    rate: float = ctx.param("rate")
    duration: str = ctx.param("duration")
    p95: str = ctx.param("p95")
    # The allowance holds on a core as fast as the one it was measured on (harness/load/speed.py).
    asked_ms: float = ctx.param("cpu_ms")
    slowdown = speed.slowdown()
    budget_ms = asked_ms * slowdown
    reference_ms = REFERENCE_CPU_MS * slowdown
    accounts: bool = ctx.param("accounts")
    api = admin_api(ctx)[0] if accounts else ShelfApi(ctx)
    authors = [api.author() for _ in range(5)]
    tag = values.word(ctx.unique, "load")
    books = [api.book(authors[i % 5].id, tags=[tag, "load"]).id for i in range(20)]
    loan_book = api.book(authors[0].id, copies_total=int(ctx.param("copies"))).id
    members = borrowers(ctx) if accounts else [(api.member().id, "") for _ in range(2)]
    thresholds = [f"rps>={rate * 0.97:g}", f"p95<{p95}", "errors<1%"]
    # The instances are stateless (prod.scale.* prove it): the generator takes them in turn itself.
    targets = [client.base_url for client in (ctx.instances or [ctx.http])]
    with tempfile.TemporaryDirectory(prefix="harness-load-") as tmp:
        path = Path(tmp) / "scenario.toml"
        path.write_text(scenario(books[:10], tag, members, loan_book))

        def load() -> dict[str, Any]:
            return bench(targets[0], more_urls=targets[1:], rate=rate, duration=duration, ramp_up="3s",
                         thresholds=thresholds, scenario=path)

        first = ""
        try:
            with one_load_at_a_time(ctx.note):
                wait_for_quiet(ctx.note)
                result = load()
                first = starved_miss(result, budget_ms)
                if first:
                    # On a 2-core machine a stall (a burst next door, an app still warming up) leaves a
                    # backlog the app then serves with the CPU it must share: measured, the reference's
                    # first round of five missed (1.47 ms of CPU per request, waiting for a CPU 73% of the
                    # time, p95 633 ms) and the next four passed (p95 6-10 ms); three busy loops next door
                    # for 4 s of a load turned a pass into a miss the same way.
                    ctx.note(f"prod.load.rps: the first load missed while your app waited for a CPU: {first}; "
                             "it ran once more, and the verdict is the second's")
                    wait_for_quiet(ctx.note, sides=(cpusplit.OUTSIDE, cpusplit.APP_SIDE, cpusplit.SERVICES_SIDE),
                                   what="your app, its databases and other work on this machine")
                    result = load()
        except LoadError as exc:
            raise CannotCheck(f"the load generator could not run: {exc}") from None
    summary = describe_load(result, rate, duration)
    if first:
        summary += f"; a second load: the first missed while your app waited for a CPU ({first})"
    # Who had the cores: the app, its databases, the generator, the harness or the machine's others.
    split = result.get("cpu_split")
    served = float(result.get("achieved_rps") or 0)
    per_request = blame.app_cpu_ms_per_request(split or {}, served)
    cpu = ("\n" + cpusplit.describe(split)) if split else ""
    allowed = f"{budget_ms:.2f} ms"
    if slowdown > 1:
        allowed += (f": {asked_ms:g} ms times {slowdown:.2f}, this machine's cores being that much slower than "
                    "those it was measured on")
    cpu += f"\napp CPU per request served: {per_request:.2f} ms (allowed {allowed})" if per_request else ""
    ctx.note(f"{summary}; generator CPU {result.get('generator_cpu_percent', 0):.0f}% of a core, "
             f"schedule lag p99 {result.get('schedule_lag_p99_ms') or 0:.1f} ms{cpu}")
    found = blame.blame(split, result, budget_ms=budget_ms, reference_ms=reference_ms)
    # The whole measurement, whatever the verdict: the HTML report (check --html) draws the bench
    # report's charts from it, and grading reads whom the blame fell on (harness/grading/rerun.py).
    figures = {"kind": "load", **result, "blame": found.party, "cpu_ms_allowed": round(budget_ms, 3),
               "machine_slowdown": round(slowdown, 2)}
    doubts = "; ".join(result.get("verdict_reasons", []))
    # What went wrong with the requests that failed, in every verdict that shows the error share.
    errors = errors_by_kind_line(result)
    starved = blame.starved_within_cost(split, served, budget_ms)
    if result["verdict"] != "pass" and blame.app_starved(split) and not starved and per_request is not None:
        # Said, lest the wait shown in the CPU lines read as the reason.
        cpu += (f"\nyour app waited for a CPU much of the time, but its {per_request:.2f} ms of CPU per request "
                f"served is more than {blame.STARVED_COST_FACTOR:g} times the {budget_ms:.2f} ms allowed: the wait "
                "does not explain the miss")
    if result["verdict"] == "fail" and found.party in blame.NOT_THE_APP and (starved or not result.get("clear_misses")):
        # A narrow miss, or one by far while the app waited for the CPU others held: not the app's to answer for.
        how = "while your app waited for a CPU much of the time" if starved else "narrowly"
        raise CannotCheck(f"the API missed its budget {how}, on a machine saturated not by the app: {found.reason} "
                          f"({summary}; {doubts}){errors}{cpu}", fix=_fix(found.party, split, budget_ms * rate / 10.0),
                          figures=figures)
    if result["verdict"] == "inconclusive":
        if found.party == blame.APP:
            raise Failure(
                f"the API did not hold {rate:g} requests per second: it saturated the machine",
                expected=", ".join(thresholds) + f", at most {budget_ms:.2f} ms of CPU per request when the machine "
                         "saturates",
                actual=f"{summary}\n{found.reason}\nthe generator's figures: {doubts}{errors}{cpu}",
                hint="Find what each request costs in CPU (a profiler on the hot read routes): serialising the same "
                     "rows again and again, hashing or signing on every request, unindexed filters that make "
                     "PostgreSQL scan, logging synchronously. Cache hot reads in Redis.",
                reproduce=f"harness bench \"http://localhost:$PORT\" --rate {rate:g} --duration {duration} "
                          f"--threshold '{thresholds[1]}' --html report.html",
                figures=figures)
        raise CannotCheck(f"the load measurement is not conclusive: {found.reason} ({summary}; the generator's "
                          f"figures: {doubts}){errors}{cpu}", fix=_fix(found.party, split, budget_ms * rate / 10.0),
                          figures=figures)
    if result["verdict"] != "pass":
        raise Failure(
            f"the API did not hold {rate:g} requests per second within its budget",
            expected=", ".join(thresholds),
            actual=summary + "\n" + "\n".join(result.get("verdict_reasons", [])) + errors
            + (f"\n{found.reason}" if found.party == blame.APP else "") + cpu,
            hint="Profile the slowest route (the report's per-route table): cache hot reads in Redis, index the "
                 "filters, keep the pool small but busy, and avoid synchronous CPU work in handlers. Errors: the "
                 "loans come from two members, each logged in through another instance (a 401 there means an "
                 "instance refuses the tokens the other issued).",
            reproduce=f"harness bench \"http://localhost:$PORT\" --rate {rate:g} --duration {duration} "
                      f"--threshold '{thresholds[1]}' --html report.html",
            figures=figures,
        )
    return Passed(summary + cpu, figures=figures)
