"""What a check receives: the app, its clients and probes, the run's seed and counters, and
the running check's parameters. Each check gets a context of its own (CheckContext.for_check)
that shares the run's clients, generated values and counters."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from harness.params import ParamError
from harness.runs import BugRun, Leftovers, MigrateRun, ProjectRun, TestRun

if TYPE_CHECKING:
    from harness.httpclient import AppClient
    from harness.introspect.mongo import MongoProbe
    from harness.introspect.pg import PgProbe
    from harness.introspect.redis import RedisProbe
    from harness.proc.named import NamedProcess
    from harness.proc.process import ManagedProcess
    from harness.registry import CheckSpec
    from harness.services.feed import Feed
    from harness.services.oauth import OAuthProvider


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
    def rerun_on_shipped(self) -> TestRun | None: ...

    @property
    def migrate_command(self) -> str | None: ...

    @property
    def migrate_runs(self) -> Sequence[MigrateRun]: ...

    def alive(self) -> bool: ...

    def exited(self, settle_s: float = 3.0) -> bool: ...

    def log_tail(self, lines: int = 20) -> str: ...

    def log_mark(self) -> dict[tuple[int, float], int]: ...

    def log_since(self, mark: dict[tuple[int, float], int]) -> list[str]: ...

    def startup_log(self) -> list[str]: ...

    def restart(self, *, processes: bool = False) -> float: ...

    def restart_if_needed(self) -> float | None: ...

    def process(self, name: str) -> NamedProcess: ...

    def terminate(self, grace_s: float, after_signal: Callable[[], None] | None = None) -> bool: ...

    def command_pids(self) -> list[int]: ...

    def remove_if_killed(self, path: Path) -> None: ...

    def removed(self, path: Path) -> None: ...

    def run_command(self, argv: Sequence[str], *, timeout_s: float, env: Mapping[str, str] | None = None,
                    cwd: Path | None = None) -> ProjectRun: ...

    def start_command(self, name: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                      cwd: Path | None = None, stop_signal: int = ...) -> ManagedProcess: ...


class Clock(Protocol):
    """The app's wall clock, for labs whose lab.toml sets `[app] clock = "faketime"`."""

    @property
    def offset_s(self) -> int: ...

    def shift(self, seconds: float) -> None: ...

    def reset(self) -> None: ...


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
    feed_server: Feed | None = None  # labs with [app] feed = true
    oauth_provider: OAuthProvider | None = None  # labs with the service "oauth"
    # Direct clients to each instance when the lab runs several; `http` then goes through
    # the balancer. With one instance this is [http].
    instances: list[AppClient] = field(default_factory=list)
    lab_id: str = ""
    # Docker mode for the servers a lab runs itself (the postgres track): their image; None, local binaries.
    server_image: str | None = None
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

    @property
    def feed(self) -> Feed:
        """The run's record feed, the app's upstream (FEED_URL)."""
        if self.feed_server is None:
            raise RuntimeError("this check needs the harness's feed, but the lab does not set [app] feed = true")
        return self.feed_server

    @property
    def oauth(self) -> OAuthProvider:
        """The run's OpenID provider, the app's identity provider (OAUTH_ISSUER)."""
        if self.oauth_provider is None:
            raise RuntimeError('this check needs the harness\'s OAuth provider, but the lab\'s services lack "oauth"')
        return self.oauth_provider

    def param(self, name: str) -> Any:
        """The running check's parameter: the lab's or `--param`'s value, else its declared default."""
        if self.check is None:
            raise RuntimeError(f"ctx.param({name!r}) outside a check registered with @check")
        try:
            declared = self.check.declared(name)
        except ParamError as exc:
            raise RuntimeError(f"{exc.message}; declare it in @check(params=[Param(...)])") from None
        return declared.convert(self.params[name]) if name in self.params else declared.default

    def for_check(self, spec: CheckSpec, params: Mapping[str, Any]) -> CheckContext:
        """This run's context for one check: its own parameters, and the run's clients, probes,
        generated values and counters shared (two checks never draw the same values). A check
        that outlives its time limit keeps its own context while the next one runs."""
        own = dataclasses.replace(self, check=spec, params=params)
        own.rng = self.rng
        return own

    def unique(self, prefix: str) -> str:
        """A value no other run or check uses: prefix-<run>-<n> (runs may share a database)."""
        return f"{prefix}-{self.run_id}-{next(self._counter)}"
