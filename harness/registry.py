"""Checks: plain functions registered by id, and the context they receive."""

from __future__ import annotations

import difflib
import functools
import importlib
import itertools
import pkgutil
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from harness.params import Param, ParamError

if TYPE_CHECKING:
    from harness.httpclient import AppClient
    from harness.introspect.mongo import MongoProbe
    from harness.introspect.pg import PgProbe
    from harness.introspect.redis import RedisProbe
    from harness.outcomes import Passed

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2}$")
SERVICES = frozenset({"postgres", "redis", "mongodb"})
_FAILING_COUNT = re.compile(r"^(\d+) failing tests?:$")


@dataclass(frozen=True)
class MigrateRun:
    """One run of the project's migrate command, with the schema it left behind."""

    exit_code: int
    duration_s: float
    log_tail: str
    snapshot: Mapping[str, Any] | None


@dataclass(frozen=True)
class TestRun:
    """The project's own test suite, run by the harness against a database of its own."""

    command: str
    exit_code: int | None  # None: it ran out of time
    duration_s: float
    log_tail: str
    coverage_percent: float | None
    coverage_detail: str  # the report's format and counts, or why it could not be read
    failed_tests: str = ""  # the failing tests the runner named (runner/testlog.py), or empty

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def failing_names(self) -> list[str]:
        """The failing tests the runner named, "name (where)" each, from the digest in `failed_tests`
        ("N failing tests:", then a "  ✗ name" block each); those beyond its limit count as "…"."""
        lines = self.failed_tests.splitlines()
        names = [line.strip().removeprefix("✗ ") for line in lines if line.startswith("  ✗ ")]
        counted = _FAILING_COUNT.match(lines[0]) if lines else None
        total = int(counted[1]) if counted else len(names)
        return names + ["…"] * max(0, total - len(names))


@dataclass(frozen=True)
class BugRun:
    """The project's tests run against a copy of the project with one bug planted (lab.toml [[bugs]])."""

    check: str
    file: str
    run: TestRun | None  # None: the bug could not be planted
    problem: str = ""  # why it could not


@dataclass(frozen=True)
class Leftovers:
    """The rows the project's first test run left in its database, read as the app's role."""

    rows: Mapping[str, int]  # table -> rows, migration bookkeeping tables excluded
    problem: str = ""  # why they could not be counted (rows is then empty)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class AppHandle(Protocol):
    """What a check may know about the running app."""

    @property
    def base_url(self) -> str: ...

    @property
    def project_dir(self) -> Path: ...

    @property
    def test_run(self) -> TestRun | None: ...

    @property
    def repeat_run(self) -> TestRun | None: ...

    @property
    def bug_runs(self) -> Mapping[str, BugRun]: ...

    @property
    def migrate_command(self) -> str | None: ...

    @property
    def migrate_runs(self) -> Sequence[MigrateRun]: ...

    def alive(self) -> bool: ...

    def log_tail(self, lines: int = 20) -> str: ...


class Clock(Protocol):
    """The app's wall clock, for labs whose lab.toml sets `[app] clock = "faketime"`."""

    @property
    def offset_s(self) -> int: ...

    def shift(self, seconds: float) -> None: ...

    def reset(self) -> None: ...


# A check raises Failure (or Skip, CannotCheck) when the property does not hold; it returns
# None, or a Passed with what the learner should see, when it does.
CheckFunc = Callable[["CheckContext"], "Passed | None"]
F = TypeVar("F", bound=CheckFunc)


@dataclass(frozen=True)
class CheckSpec:
    id: str
    func: CheckFunc
    title: str
    doc: str
    points: float
    services: frozenset[str]
    timeout_s: float
    # False for a check that never talks to the app (it reads the project's test runs): a lab
    # whose checks are all such does not start the app at all.
    needs_app: bool = True
    params: tuple[Param[Any], ...] = ()

    def declared(self, name: str) -> Param[Any]:
        """The parameter called `name`, or ParamError naming the closest one and all of them."""
        for param in self.params:
            if param.name == name:
                return param
        names = [p.name for p in self.params]
        close = difflib.get_close_matches(name, names, n=1)
        listed = "; ".join(p.describe() for p in self.params) if self.params else "none"
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParamError(f"{self.id} has no parameter {name!r}{guess}; its parameters: {listed}",
                         suggestion=close[0] if close else None)

    def bind(self, given: Mapping[str, object]) -> dict[str, Any]:
        """The values a lab or the command line gives, checked against the declarations and converted."""
        return {name: self.declared(name).convert(value) for name, value in given.items()}


@dataclass
class CheckContext:
    """Everything a check may use. Services the lab does not provision are absent."""

    http: AppClient
    app: AppHandle
    run_id: str
    seed: int
    params: Mapping[str, Any] = field(default_factory=dict)
    # The check running now (set when its function is called): what its parameters are.
    check: CheckSpec | None = None
    pg_probe: PgProbe | None = None
    redis_probe: RedisProbe | None = None
    mongo_probe: MongoProbe | None = None
    clock_control: Clock | None = None
    # Direct clients to each instance when the lab runs several; `http` then goes through
    # the balancer. With one instance this is [http].
    instances: list[AppClient] = field(default_factory=list)
    lab_id: str = ""
    # What the project's first test run left in its database (labs with [app] repeat_tests).
    suite_leftovers: Leftovers | None = None
    note: Callable[[str], None] = lambda _message: None
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def track(self) -> str:
        """The lab's track (node, python, java, ...), "" when unknown."""
        return self.lab_id.split("/", 1)[0] if "/" in self.lab_id else ""

    def hint(self, general: str, **per_track: str) -> str:
        """What to do, then how in the learner's own stack when the check knows it: the same
        check grades Express, FastAPI and Spring projects, and a pg.Pool snippet helps only one."""
        specific = per_track.get(self.track)
        return f"{general} {specific}" if specific else general

    @property
    def pg(self) -> PgProbe:
        if self.pg_probe is None:
            raise RuntimeError("this check needs PostgreSQL, but the lab does not provision it")
        return self.pg_probe

    @property
    def redis(self) -> RedisProbe:
        if self.redis_probe is None:
            raise RuntimeError("this check needs Redis, but the lab does not provision it")
        return self.redis_probe

    @property
    def mongo(self) -> MongoProbe:
        if self.mongo_probe is None:
            raise RuntimeError("this check needs MongoDB, but the lab does not provision it")
        return self.mongo_probe

    @property
    def clock(self) -> Clock:
        """Moves the app's wall clock (libfaketime); reset it before the check ends."""
        if self.clock_control is None:
            raise RuntimeError('this check moves the app\'s clock, but the lab does not set [app] clock = "faketime"')
        return self.clock_control

    def param(self, name: str) -> Any:
        """The running check's parameter: the lab's or `--param`'s value, else its declared default."""
        if self.check is None:
            raise RuntimeError(f"ctx.param({name!r}) outside a check registered with @check")
        try:
            declared = self.check.declared(name)
        except ParamError as exc:
            raise RuntimeError(f"{exc.message}; declare it in @check(params=[Param(...)])") from None
        return declared.convert(self.params[name]) if name in self.params else declared.default

    def unique(self, prefix: str) -> str:
        """A value no other run or check uses: prefix-<run>-<n> (runs may share a database)."""
        return f"{prefix}-{self.run_id}-{next(self._counter)}"


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, CheckSpec] = {}

    def check(
        self,
        check_id: str,
        *,
        points: float = 1,
        services: Iterable[str] = (),
        timeout_s: float = 120,
        needs_app: bool = True,
        params: Sequence[Param[Any]] = (),
    ) -> Callable[[F], F]:
        if not _ID.match(check_id):
            raise ValueError(f"check id {check_id!r} must look like area.topic.property")
        wanted = frozenset(services)
        if not wanted <= SERVICES:
            raise ValueError(f"{check_id}: unknown services {sorted(wanted - SERVICES)}")
        declared = tuple(params)
        if len({p.name for p in declared}) != len(declared):
            raise ValueError(f"{check_id}: a parameter is declared twice")

        def register(func: F) -> F:
            doc = (func.__doc__ or "").strip()
            if not doc:
                raise ValueError(f"{check_id}: a check needs a docstring; its first line is its title")
            known = self._checks.get(check_id)
            if known is not None and getattr(known.func, "__wrapped__", None) is not func:
                raise ValueError(f"check id {check_id} is registered twice")
            title = doc.splitlines()[0].strip()

            # Whoever calls the check (the runner, or a unit test calling it directly), its
            # ctx.param reads this declaration.
            @functools.wraps(func)
            def declared_check(ctx: CheckContext) -> Passed | None:
                ctx.check = spec
                return func(ctx)

            spec = CheckSpec(check_id, declared_check, title, doc, float(points), wanted, timeout_s, needs_app,
                             declared)
            self._checks[check_id] = spec
            return cast(F, declared_check)

        return register

    def get(self, check_id: str) -> CheckSpec:
        try:
            return self._checks[check_id]
        except KeyError:
            raise KeyError(f"no check registered as {check_id!r}") from None

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def all(self) -> list[CheckSpec]:
        return sorted(self._checks.values(), key=lambda spec: spec.id)


REGISTRY = Registry()
check = REGISTRY.check


def load_validators() -> Registry:
    """Import every validators module so their @check decorators run."""
    package = importlib.import_module("harness.validators")
    for info in pkgutil.walk_packages(package.__path__, prefix="harness.validators."):
        importlib.import_module(info.name)
    return REGISTRY
