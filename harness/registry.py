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
SERVICES = frozenset({"postgres", "redis", "mongodb"})


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
