"""Checks: plain functions registered by id (@check), their specs, and the registry that loads
them. What a check receives is harness/context.py's CheckContext, re-exported here with
`check` because every check module imports the two together."""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from harness.context import CheckContext
from harness.params import Param, ParamError

if TYPE_CHECKING:
    from harness.outcomes import Passed

__all__ = ["SERVICES", "CheckContext", "CheckFunc", "CheckSpec", "Registry", "check", "load_validators"]

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2}$")
SERVICES = frozenset({"postgres", "redis", "mongodb", "oauth"})


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
    # False for a check that reads nothing of the app's database either (the project's test
    # runs get databases of their own): a run whose checks are all such skips the migrations.
    app_database: bool = True
    # The runs of the project's own suite the check reads (a lab's [app] run_tests): 1 the first,
    # 2 also the second on the first one's database ([app] repeat_tests). A run whose checks read
    # none skips the suite, and one whose checks read one run skips the second.
    suite_runs: int = 0
    # The runs of the migrate command the check reads: 2 also the second, on the database the
    # first migrated (a re-run must change nothing). Only then does a run migrate twice.
    migrate_runs: int = 1
    # The CPUs the check allows the app and its databases, from its parameters (a throughput
    # check at its rate): under a smaller quota (harness grade's cpus) it cannot judge the app.
    cpus_needed: Callable[[Mapping[str, Any]], float] | None = None

    def cpus_for(self, given: Mapping[str, Any]) -> float | None:
        """`cpus_needed` at these parameter values (the declared defaults where none is given)."""
        if self.cpus_needed is None:
            return None
        return self.cpus_needed({**{p.name: p.default for p in self.params}, **given})

    @property
    def reads_app_database(self) -> bool:
        return self.needs_app or self.app_database

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
        app_database: bool = True,
        suite_runs: int = 0,
        migrate_runs: int = 1,
        cpus_needed: Callable[[Mapping[str, Any]], float] | None = None,
    ) -> Callable[[F], F]:
        if not _ID.match(check_id):
            raise ValueError(f"check id {check_id!r} must look like area.topic.property")
        wanted = frozenset(services)
        if not wanted <= SERVICES:
            raise ValueError(f"{check_id}: unknown services {sorted(wanted - SERVICES)}")
        declared = tuple(params)
        if suite_runs not in (0, 1, 2):
            raise ValueError(f"{check_id}: suite_runs is 0, 1 or 2")
        if migrate_runs not in (1, 2):
            raise ValueError(f"{check_id}: migrate_runs is 1 or 2")
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
                             declared, app_database, suite_runs, migrate_runs, cpus_needed)
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


# A check id's first part names the validators folder that registers it (a check id leads to its
# file), with these two spelled shorter.
FOLDERS = {"pg": "postgres", "prod": "production"}


def load_validators(ids: Iterable[str] | None = None) -> Registry:
    """Import the validators modules so their @check decorators run: every one, or with `ids`,
    the modules the ids name (`db.pool.bounded` in validators/db/pool.py or the package
    validators/db/pool/), then, for an id still unregistered, its whole folder, then all of them.
    Every run's start pays for what it imports: all the validators cost 0.3 s of CPU, the OpenAPI
    and YAML libraries most of it, and a run of a lab without those checks skips them. An id
    nothing registers loads everything, so that its error names the closest registered id as ever."""
    if ids is not None:
        wanted = set(ids)
        for steps in (2, 1):
            for parts in sorted({tuple(check_id.split(".")[:steps]) for check_id in wanted}):
                if len(parts) == steps:
                    _walk(".".join(("harness.validators", FOLDERS.get(parts[0], parts[0]), *parts[1:])))
            if all(check_id in REGISTRY for check_id in wanted):
                return REGISTRY
    _walk("harness.validators")
    return REGISTRY


def _walk(name: str) -> None:
    try:
        package = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name is None or not (name == missing.name or name.startswith(missing.name + ".")):
            raise  # a module the folder imports is missing: not the folder's (or module's) absence
        return
    for info in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{name}."):
        importlib.import_module(info.name)
