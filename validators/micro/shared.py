"""What the microservices checks share: the dependency process, its proxy's record, restarts."""

from __future__ import annotations

import time

from harness.outcomes import Failure
from harness.params import Param
from harness.proc.named import NamedProcess, ProcessFailed, Seen
from harness.registry import CheckContext

from .pg_dependency import Database

DEPENDENCY = Param("dependency", str, "catalog", "the named process the gateway calls (lab.toml [app] processes), "
                   "or postgres: the app's database")
ROUTE = Param("route", str, "/products", "a gateway route answered by calling the dependency")
PARAMS = [DEPENDENCY, ROUTE]
# How often a check asks again while it waits for a state (a breaker's trial, a readiness probe).
POLL_S = 0.1
# The `dependency` that names the app's database rather than a named process.
POSTGRES = "postgres"


def dependency(ctx: CheckContext, name: str) -> NamedProcess:
    """The named process the gateway calls: its `dependency` parameter."""
    try:
        return ctx.app.process(name)
    except KeyError:
        raise RuntimeError(f"the lab runs no process named {name!r}: add it to lab.toml [app] processes") from None


def upstream(ctx: CheckContext, name: str) -> NamedProcess | Database:
    """What the app calls, for the checks that take it down or hold its answers: the named process
    of its `dependency` parameter, or (`postgres`) its database."""
    return Database(ctx) if name == POSTGRES else dependency(ctx, name)


def caller(named: NamedProcess | Database) -> str:
    """What the checks call the app: a gateway in front of a service, or an app on its database."""
    return "the app" if isinstance(named, Database) else "the gateway"


def calls(named: NamedProcess, since: int = 0) -> list[Seen]:
    """The gateway's answered calls to the dependency from record `since` on, its health route's
    left out (a readiness probe may ask it at any time)."""
    return [s for s in named.proxy.seen()[since:] if not probes_health(named, s.path)]


def received(named: NamedProcess, since: int = 0) -> list[str]:
    """The paths of the gateway's calls from `since` on, answered or still held, health left out."""
    return [path for path in named.proxy.received()[since:] if not probes_health(named, path)]


def probes_health(named: NamedProcess, path: str) -> bool:
    health = named.config.health
    return bool(health) and path.startswith(health)


def start_again(named: NamedProcess | Database) -> float:
    """The dependency started again after a check killed it; a start that fails is the project's."""
    try:
        return named.start()
    except ProcessFailed as exc:
        raise Failure(f"the {named.name} process did not start again: {exc.message}",
                      evidence=exc.log_tail,
                      hint="It must start as often as it is asked to, on the same port.") from None


def ensure_running(named: NamedProcess | Database) -> None:
    """What a check leaves behind: the dependency up, for the checks after it."""
    if not named.alive():
        start_again(named)


def wait_until(predicate: object, within_s: float) -> bool:
    """Poll `predicate` (a callable) until it is true or `within_s` has passed."""
    assert callable(predicate)
    deadline = time.monotonic() + within_s
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
