"""The learner's project config, `harness.toml`, read into frozen dataclasses.

Every error names the file, the key and, where one is close, the valid key or value
the learner probably meant.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from harness.durations import parse_duration
from harness.errors import ConfigError

CONFIG_NAME = "harness.toml"
TRACKS = ("node", "python", "java", "sql", "postgres", "mongodb", "backend")
# Tracks whose project is a folder of files the checks run (the sql track's queries/*.sql, the
# postgres track's conf.d/*.conf and scripts), and what each one's checks read, for the warning.
APPLESS_TRACKS = ("sql", "postgres")
# Tracks whose checks start servers of their own (a DBA lab's clusters): from the machine's
# binaries, or as containers of an image in Docker mode (services/pg_container.py); a server
# given by URL cannot be one of them (--services external).
LOCAL_SERVER_TRACKS = ("postgres",)
_APPLESS_FILES = {"sql": "the files in queries/", "postgres": "the files the lab's README names (conf.d/, scripts)"}

EXAMPLE = """\
track = "node"

[app]
install = "npm ci"
migrate = "npm run migrate"
start = "node src/server.js"
health = "/health"
"""


@dataclass(frozen=True)
class AppConfig:
    # None: the project is a module, not a server (node/week-01): it is installed and its
    # checks run its code, but nothing is started.
    start: str | None
    install: str | None = None
    # Run after the install every time, also when an unchanged install is skipped: output
    # built from the sources (a CommonJS copy, compiled code) must follow every change of
    # them, while the dependencies stay reusable (runner/deps.py).
    build: str | None = None
    migrate: str | None = None
    health: str = "/health"
    install_timeout_s: float = 600.0
    migrate_timeout_s: float = 120.0
    ready_timeout_s: float = 60.0
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessConfig:
    """`[processes.<name>]`: a service of the project's own that the app calls (a microservices
    lab's catalog), started before the app from the same install, on a port of its own ($PORT)."""

    start: str
    health: str = "/health"  # "": it serves no HTTP (a queue's worker), ready once started
    ready_timeout_s: float = 60.0
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TestsConfig:
    """The project's own test suite, for labs that grade it (the testing labs, the capstone)."""

    command: str
    coverage: str | None = None  # report path: coverage-summary.json, lcov.info, coverage.xml, jacoco.xml
    timeout_s: float = 600.0
    # The runs that read no coverage report (the suite again, and once per seeded bug): the
    # same tests without the coverage tool, which can double a suite's time. Default: command.
    rerun: str | None = None

    @property
    def rerun_command(self) -> str:
        return self.rerun or self.command


@dataclass(frozen=True)
class ServiceImages:
    """Docker images, when the project wants others than the harness defaults."""

    postgres: str | None = None
    redis: str | None = None
    mongodb: str | None = None


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    track: str
    # None only for the tracks whose project is not an app (APPLESS_TRACKS): nothing is
    # installed or started, the checks read the project's files.
    app: AppConfig | None
    images: ServiceImages = ServiceImages()
    tests: TestsConfig | None = None
    processes: Mapping[str, ProcessConfig] = field(default_factory=dict)
    # `[commands]`: programs of the project's own that a lab's checks run to the end with arguments
    # of the harness's (node/week-05's `aggregate`, given a log file's path); which names a lab
    # needs is its checks' to say, and they say it when one is missing.
    commands: Mapping[str, str] = field(default_factory=dict)
    # Said to the learner before the run (an [app] that an app-less track does not use).
    warnings: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME


_TOP_KEYS = ("track", "app", "services", "tests", "processes", "commands")
_PROCESS_KEYS = ("start", "health", "ready_timeout", "env")
_TESTS_KEYS = ("command", "coverage", "timeout", "rerun")
_APP_KEYS = (
    "start", "install", "build", "migrate", "health",
    "install_timeout", "migrate_timeout", "ready_timeout", "env",
)
_SERVICE_KEYS = ("postgres_image", "redis_image", "mongodb_image")
# What a shell and every runtime accept as a variable name; a name with '=' or a NUL could
# not be set at all (the grader sets them one by one inside the jail).
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _reject_unknown(file: str, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                file,
                f"unknown key; valid keys here: {', '.join(allowed)}",
                key=prefix + key,
                suggestion=(prefix + s) if (s := _closest(key, allowed)) else None,
            )


def _string(file: str, table: Mapping[str, Any], key: str, prefix: str, *, required: bool) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise ConfigError(file, "is required", key=prefix + key, fixes=[f"Add it, for example:\n{EXAMPLE}"])
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(file, f"must be a non-empty string, got {value!r}", key=prefix + key)
    return value.strip()


def _duration(file: str, table: Mapping[str, Any], key: str, default: float) -> float:
    if key not in table:
        return default
    try:
        return parse_duration(table[key])
    except ValueError as exc:
        raise ConfigError(file, str(exc), key=f"app.{key}") from None


def parse_config(root: Path, data: Mapping[str, Any], file: str) -> ProjectConfig:
    _reject_unknown(file, data, _TOP_KEYS, "")
    track = data.get("track")
    if track is None:
        raise ConfigError(file, f"is required: one of {', '.join(TRACKS)}", key="track")
    if not isinstance(track, str) or track not in TRACKS:
        raise ConfigError(
            file,
            f"unknown track {track!r}; valid tracks: {', '.join(TRACKS)}",
            key="track",
            suggestion=_closest(str(track), TRACKS),
        )
    app_table = data.get("app")
    warnings: tuple[str, ...] = ()
    if track in APPLESS_TRACKS:
        if app_table is not None:
            warnings = (f"{file}: [app] is not used: a {track} project has no app to install or start, "
                        f"its checks run {_APPLESS_FILES[track]}; remove the [app] table",)
        return ProjectConfig(root=root, track=track, app=None, images=_images(file, data),
                             tests=_tests(file, data.get("tests")), warnings=warnings)
    if not isinstance(app_table, dict):
        raise ConfigError(
            file, "an [app] table is required: how to install, migrate and start the project",
            key="app", fixes=[f"Add it, for example:\n{EXAMPLE}"],
        )
    _reject_unknown(file, app_table, _APP_KEYS, "app.")
    health = _string(file, app_table, "health", "app.", required=False) or "/health"
    if not health.startswith("/"):
        raise ConfigError(file, f"must be a path starting with '/', got {health!r}", key="app.health",
                          suggestion="/" + health)
    env = _env(file, app_table, "app.env")
    app = AppConfig(
        start=_string(file, app_table, "start", "app.", required=False),
        install=_string(file, app_table, "install", "app.", required=False),
        build=_string(file, app_table, "build", "app.", required=False),
        migrate=_string(file, app_table, "migrate", "app.", required=False),
        health=health,
        install_timeout_s=_duration(file, app_table, "install_timeout", 600.0),
        migrate_timeout_s=_duration(file, app_table, "migrate_timeout", 120.0),
        ready_timeout_s=_duration(file, app_table, "ready_timeout", 60.0),
        env=env,
    )
    return ProjectConfig(root=root, track=track, app=app, images=_images(file, data),
                         tests=_tests(file, data.get("tests")), processes=_processes(file, data.get("processes", {})),
                         commands=_commands(file, data.get("commands", {})))


def _commands(file: str, table: Any) -> dict[str, str]:
    """`[commands]`: name = "a shell command"; the checks append their arguments to it."""
    if not isinstance(table, dict):
        raise ConfigError(file, "must be a table of commands: [commands] aggregate = \"node src/aggregate.js\"",
                          key="commands")
    return {str(name): _string(file, table, name, "commands.", required=True) or "" for name in table}


def _env(file: str, table: Mapping[str, Any], key: str) -> dict[str, str]:
    env = table.get("env", {})
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        raise ConfigError(file, "must be a table of string values, e.g. env = { NODE_ENV = \"production\" }",
                          key=key)
    for name, value in env.items():
        if not _ENV_NAME.fullmatch(name):
            raise ConfigError(file, f"{name!r} is not a variable name: letters, digits and '_', not starting "
                                    "with a digit", key=key)
        if "\0" in value:
            raise ConfigError(file, f"the value of {name} holds a NUL character, which no environment can hold",
                              key=key)
    return dict(env)


def _processes(file: str, table: Any) -> dict[str, ProcessConfig]:
    """`[processes.<name>]` tables; whether the lab wants them is the runner's to say."""
    if not isinstance(table, dict):
        raise ConfigError(file, "must be a table of tables: [processes.catalog] start = \"...\"", key="processes")
    found = {}
    for name, entry in table.items():
        prefix = f"processes.{name}."
        if not isinstance(entry, dict):
            raise ConfigError(file, "must be a table with a start command", key=f"processes.{name}")
        _reject_unknown(file, entry, _PROCESS_KEYS, prefix)
        # "": no HTTP route (a queue's worker), ready once started
        health = "" if entry.get("health") == "" else _string(file, entry, "health", prefix, required=False)
        health = "/health" if health is None else health
        if health and not health.startswith("/"):
            raise ConfigError(file, f"must be a path starting with '/', or \"\" for a process that serves no "
                              f"HTTP (a worker), got {health!r}", key=prefix + "health")
        ready = 60.0
        if "ready_timeout" in entry:
            try:
                ready = parse_duration(entry["ready_timeout"])
            except ValueError as exc:
                raise ConfigError(file, str(exc), key=prefix + "ready_timeout") from None
        found[name] = ProcessConfig(start=_string(file, entry, "start", prefix, required=True) or "",
                                    health=health, ready_timeout_s=ready, env=_env(file, entry, prefix + "env"))
    return found


def _images(file: str, data: Mapping[str, Any]) -> ServiceImages:
    services = data.get("services", {})
    if not isinstance(services, dict):
        raise ConfigError(file, "must be a table", key="services")
    _reject_unknown(file, services, _SERVICE_KEYS, "services.")
    return ServiceImages(
        postgres=_string(file, services, "postgres_image", "services.", required=False),
        redis=_string(file, services, "redis_image", "services.", required=False),
        mongodb=_string(file, services, "mongodb_image", "services.", required=False),
    )


def _tests(file: str, table: Any) -> TestsConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(file, "must be a table: [tests] command = \"npm test\"", key="tests")
    _reject_unknown(file, table, _TESTS_KEYS, "tests.")
    command = _string(file, table, "command", "tests.", required=True) or ""
    timeout = 600.0
    if "timeout" in table:
        try:
            timeout = parse_duration(table["timeout"])
        except ValueError as exc:
            raise ConfigError(file, str(exc), key="tests.timeout") from None
    rerun = _string(file, table, "rerun", "tests.", required=False)
    return TestsConfig(command, _inside(file, table, "coverage", "tests."), timeout, rerun)


def _inside(file: str, table: Mapping[str, Any], key: str, prefix: str) -> str | None:
    """A path of the project's: relative to its folder and inside it, normalized.

    The harness reads (and, before the run, has the project's command delete) what the path
    names; as root when grading, so a path that leads out must never get that far.
    """
    value = _string(file, table, key, prefix, required=False)
    if value is None:
        return None
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\0" in value:
        raise ConfigError(file, f"must be a path inside the project, relative to its folder (no leading '/', "
                                f"no '..'), got {value!r}", key=prefix + key,
                          fixes=["Write the report inside the project and name it from the project's folder, "
                                 "e.g. coverage = \"coverage/coverage-summary.json\""])
    if not path.parts or path == PurePosixPath("."):
        raise ConfigError(file, f"must name a file inside the project, got {value!r}", key=prefix + key)
    return str(path)


def load_config(root: Path) -> ProjectConfig:
    path = root / CONFIG_NAME
    if not root.is_dir():
        raise ConfigError(str(root), "is not a directory", fixes=["Pass the project folder with --project DIR."])
    if not path.is_file():
        raise ConfigError(
            str(path),
            "not found: the harness needs it to know how to start your project",
            fixes=[
                "Start from a lab's starter: harness start week-18 --track node --dir my-project",
                f"Or create {CONFIG_NAME} in the project root, for example:\n{EXAMPLE}",
                "Or point at the project folder: harness check week-18 --project path/to/project",
            ],
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"is not valid TOML: {exc}") from None
    return parse_config(root.resolve(), data, str(path))
