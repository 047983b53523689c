"""A lab's checks as pytest items (`pytest --harness-lab LAB --harness-project DIR`).

The lab is one collector and each of its checks one item, in the lab's order. The collector is
set up by pytest when its first item runs and torn down after its last, like a module: that is
where the engine's session starts the services and the app (only for the checks still selected
after `-k` and `--deselect`) and stops them. Each item runs its check through the engine's
`run_check`, the code `harness check` runs, and reports a failure the way the terminal report
does: what was wrong, expected, actual, the fix and the line that reproduces it.

Under xdist each worker runs its share of the checks on an app of its own; `--dist loadscope`
keeps a lab's checks on one worker (one app).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from harness.catalog import Catalog, Lab, LabManifest
from harness.context import CheckContext
from harness.errors import HarnessError
from harness.outcomes import CheckResult, RunResult, Status
from harness.pytest_plugin.fixtures import project_config, project_lock, services_mode, usage_error
from harness.runner.app import AppFailed
from harness.runner.deps import DependencyReuse
from harness.runner.depstore import DepStore
from harness.runner.execute import Planned, run_check
from harness.runner.session import CheckRequest, Session, plan
from harness.services.base import URL_ENV

_LAB_KEY = pytest.StashKey[tuple[Lab, LabManifest]]()


def resolve_lab(config: pytest.Config) -> tuple[Lab, LabManifest] | None:
    """The lab of --harness-lab, resolved once (a short name such as week-18 in the project's track)."""
    name = config.getoption("harness_lab")
    if not name:
        return None
    if _LAB_KEY not in config.stash:
        try:
            catalog = Catalog.load()
            lab = catalog.resolve(name, project_config(config).track)
            config.stash[_LAB_KEY] = (lab, catalog.require_available(lab))
        except HarnessError as exc:
            raise usage_error(exc) from None
    return config.stash[_LAB_KEY]


def lab_services(config: pytest.Config) -> tuple[str, ...] | None:
    """The services the lab of --harness-lab starts (perhaps none); None without a lab."""
    resolved = resolve_lab(config)
    return tuple(resolved[1].services) if resolved is not None else None


class LabPlugin:
    """Registered by pytest_configure when --harness-lab is given; adds the lab's items."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        resolved = resolve_lab(config)
        assert resolved is not None, "registered only with --harness-lab"
        self.lab, self.manifest = resolved
        config.addinivalue_line("markers", "harness: a check of the lab given with --harness-lab")
        known = [entry.id for entry in self.manifest.checks]
        wanted = config.getoption("harness_check")
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise pytest.UsageError(f"--harness-check {', '.join(unknown)}: not a check of {self.lab.id} "
                                    f"(its checks: {', '.join(known)})")
        self.check_ids = [c for c in known if not wanted or c in wanted]

    @pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to these items too
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        collector = LabChecks.from_parent(session, name=f"harness:{self.lab.id}", nodeid=f"harness:{self.lab.id}",
                                          lab=self.lab, manifest=self.manifest, check_ids=self.check_ids)
        collected = list(collector.collect())
        # Counted in pytest's "collected N items" like the items its own collectors found.
        found: list[pytest.Item | pytest.Collector] = [*collected]
        config.hook.pytest_collectreport(report=pytest.CollectReport(collector.nodeid, "passed", None, found))
        items.extend(collected)

    def pytest_report_header(self, config: pytest.Config) -> str:
        return f"harness: {self.lab.id} ({self.lab.title}) against {project_config(config).root}"


@dataclass
class _Progress:
    """The engine's progress lines, kept for the report of a failing check (pytest owns the terminal)."""

    lines: list[str] = field(default_factory=list)

    def phase(self, text: str) -> None:
        self.lines.append(text)

    def phase_done(self, text: str, seconds: float) -> None:
        self.lines.append(f"{text} ({seconds:.1f} s)")

    def note(self, text: str) -> None:
        self.lines.append(text)

    def run_started(self, result: RunResult) -> None: ...

    def check_started(self, check_id: str, title: str) -> None: ...

    def check_finished(self, check: CheckResult, result: RunResult) -> None: ...

    def run_finished(self, result: RunResult) -> None: ...


class LabChecks(pytest.Collector):
    def __init__(self, *, lab: Lab, manifest: LabManifest, check_ids: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lab, self.manifest, self.check_ids = lab, manifest, check_ids
        self.engine: Session | None = None
        self.progress = _Progress()
        self.planned: dict[str, Planned] = {}
        self.context: CheckContext | AppFailed | None = None
        self.app_failure_told: str | None = None  # the check whose report shows why the app could not run

    def collect(self) -> list[pytest.Item]:
        return [CheckItem.from_parent(self, name=check_id) for check_id in self.check_ids]

    def started(self) -> CheckContext | AppFailed:
        """The services and the app, started for the selected checks when the first one runs."""
        if self.context is None:
            selected = tuple(i.name for i in self.session.items if i.parent is self)
            self.context = self._start(selected)
        return self.context

    def _start(self, selected: tuple[str, ...]) -> CheckContext | AppFailed:
        config = self.config
        project = project_config(config)
        seed = config.getoption("harness_seed")
        request = CheckRequest(
            lab=self.lab, manifest=self.manifest, project=project, workdir=project.root, mode=services_mode(config),
            urls=_urls(), only=selected, deps=DependencyReuse(DepStore()),
            **({"seed": seed} if seed is not None else {}))
        self.engine = engine = Session(request, self.progress)
        try:
            planned = plan(request)
        except HarnessError as exc:
            raise pytest.UsageError(f"harness: {exc.render()}") from None
        self.planned = {p.spec.id: p for p in planned}
        self.progress.lines.append(f"{self.lab.id} · run {request.run_id} · seed {request.seed} "
                                   f"(--harness-seed {request.seed} repeats the data)")
        result = RunResult(lab=self.lab.id, run_id=request.run_id, seed=request.seed,
                           started_at=datetime.now(UTC).isoformat(timespec="seconds"))
        engine.reaper.start()
        try:
            # The engine's own preparation, as `harness check` runs it: services, database, install,
            # migrate, the project's tests where the lab grades them, the app.
            with project_lock(project.root):
                return engine.prepare(result, [p.spec for p in planned])
        except AppFailed as exc:
            return exc

    def teardown(self) -> None:
        if self.engine is not None:
            self.engine.cleanup()
            self.engine = None


def _urls() -> dict[str, str]:
    import os

    return {service: url for service, name in URL_ENV.items() if (url := os.environ.get(name))}


class CheckFailed(Exception):
    def __init__(self, check: CheckResult) -> None:
        super().__init__(check.message or check.status.value)
        self.check = check


class CheckItem(pytest.Item):
    parent: LabChecks

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.add_marker("harness")

    def runtest(self) -> None:
        context = self.parent.started()
        if isinstance(context, AppFailed):
            raise context
        planned = self.parent.planned[self.name]
        check = run_check(planned, context, debug=False)
        self.user_properties.append(("score", f"{check.score:g}/{check.max_score:g}"))
        if check.status is Status.SKIP:
            pytest.skip(check.message or "skipped")
        if check.status is not Status.PASS:
            self._attach_log(context)
            raise CheckFailed(check)

    def _attach_log(self, context: CheckContext) -> None:
        """What led to the failure, in pytest's report sections: the run's steps and the app's last lines."""
        self.add_report_section("call", "harness", "\n".join(self.parent.progress.lines))
        tail = context.app.log_tail(30)
        if tail.strip():
            self.add_report_section("call", "app log", tail)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: str | None = None) -> str:
        exc = excinfo.value
        if isinstance(exc, CheckFailed):
            return _describe(exc.check)
        if isinstance(exc, AppFailed):
            words = f"the app could not be {_PHASE_WORDS.get(exc.phase, exc.phase)}"
            told = self.parent.app_failure_told
            if told is not None and told != self.name:
                return f"{words}: {exc.message} (the output and the fixes are under {told})"
            self.parent.app_failure_told = self.name
            phases = "\n".join(f"  {line}" for line in self.parent.progress.lines)
            return f"{words}: {exc.render()}\n{phases}".rstrip()
        return str(super().repr_failure(excinfo, style))  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[str, int | None, str]:
        return str(self.parent.lab.manifest_path), None, f"{self.parent.lab.id}: {self.name}"


_PHASE_WORDS = {"install": "installed", "migrate": "migrated", "start": "started"}


def _describe(check: CheckResult) -> str:
    """A failing check as the terminal report shows it, field by field."""
    # The first line is what pytest's short summary shows: the failure itself.
    verdict = "error: " if check.status is Status.ERROR else ""
    lines = [f"{verdict}{check.message or check.status.value}", f"  check: {check.id}: {check.title}"]
    for label, value in (("expected", check.expected), ("actual", check.actual), ("evidence", check.evidence),
                         ("fix", check.hint), ("reproduce", check.reproduce)):
        if value:
            body = value.rstrip().replace("\n", "\n    ")
            lines.append(f"  {label}:" + (f"\n    {body}" if "\n" in value.rstrip() else f" {body}"))
    return "\n".join(lines)
