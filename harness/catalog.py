"""The lab catalog: every milestone of every path, built or planned.

`labs/catalog.toml` names every lab once; a lab is *available* when its folder
`labs/<track>/week-NN-<slug>/` holds a `lab.toml` manifest (the checks, points and the
services it needs). Availability is derived from the folder, so the two cannot drift.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.config import TRACKS
from harness.errors import ConfigError, NothingToRun, UsageError
from harness.limits import Limits, limits_from
from harness.params import ParamError
from harness.paths import labs_root
from harness.registry import load_validators

if TYPE_CHECKING:
    from harness.registry import Registry

SERVICES = ("postgres", "redis", "mongodb", "oauth")  # oauth: the harness's own provider (harness/services/oauth.py)
# How the app's wall clock runs: "faketime" lets checks move it (harness/runner/clock.py).
CLOCKS = ("real", "faketime")
_WEEK = re.compile(r"^(?:week-?)?(\d{1,2})$")


@dataclass(frozen=True)
class CheckEntry:
    id: str
    points: float | None = None
    hidden: bool = False
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeededBug:
    """A bug the lab plants in a copy of the project's code: the project's tests must fail on it.

    One exact text replacement in one file of the code the lab ships (a testing lab's learner
    writes tests, not the code under test). `check` is the check that reports the verdict.
    """

    check: str
    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class LabManifest:
    services: tuple[str, ...]
    checks: tuple[CheckEntry, ...]
    clock: str = "real"
    instances: int = 1  # >1: several instances of the app behind a balancer
    run_tests: bool = False  # run the project's own test suite ([tests] in harness.toml)
    repeat_tests: bool = False  # run it a second time on the same database (isolation)
    bugs: tuple[SeededBug, ...] = ()  # run it once more against each of these
    # The harness runs a record feed on loopback for the app to stream from (its URL: FEED_URL),
    # which the checks script and observe (harness/services/feed.py).
    feed: bool = False
    # What `harness grade` allows a submission when the instructor's policy does not say:
    # the harness's defaults with the lab's [grading] table over them (a testing lab runs the
    # learner's suite eight times, with coverage, and needs more CPU time than an API lab).
    limits: Limits = field(default_factory=Limits)
    # `java = 21`: the oldest Java the lab's code needs; the harness finds such a JDK for the
    # install, the tests and the app (harness/runner/toolchain.py). None: whatever is on PATH.
    java: int | None = None
    # `processes = ["catalog"]`: services of the learner's own beside the app, each started from the
    # project's [processes.<name>] before it, on a port of its own, and reached by the app through
    # a recording proxy of the harness's at <NAME>_URL (harness/proc/named.py).
    processes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lab:
    track: str
    slug: str
    title: str
    weeks: tuple[int, int] | None
    folder: Path

    @property
    def id(self) -> str:
        """Stable id used in reports and by `harness grade --lab`: node/week-18, backend/production."""
        return f"{self.track}/week-{self.weeks[0]:02d}" if self.weeks else f"{self.track}/{self.slug}"

    @property
    def week_label(self) -> str:
        if not self.weeks:
            return "capstone"
        first, last = self.weeks
        return f"weeks {first}-{last}" if last != first else f"week {first}"

    @property
    def available(self) -> bool:
        return (self.folder / "lab.toml").is_file()

    @property
    def manifest_path(self) -> Path:
        return self.folder / "lab.toml"

    def manifest(self) -> LabManifest:
        return load_manifest(self.manifest_path)


def _folder_name(weeks: tuple[int, int] | None, slug: str) -> str:
    return f"week-{weeks[0]:02d}-{slug}" if weeks else slug


class Catalog:
    def __init__(self, labs: list[Lab]) -> None:
        self.labs = labs

    @classmethod
    def load(cls, root: Path | None = None) -> Catalog:
        root = root or labs_root()
        path = root / "catalog.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        labs = []
        for row in data.get("lab", []):
            weeks = tuple(row["weeks"]) if "weeks" in row else None
            if weeks is not None and (len(weeks) != 2 or weeks[0] > weeks[1]):
                raise ConfigError(str(path), f"weeks must be [first, last], got {row['weeks']!r}",
                                  key=f"lab {row.get('slug')}")
            track = row["track"]
            labs.append(Lab(track=track, slug=row["slug"], title=row["title"],
                            weeks=weeks,
                            folder=root / track / _folder_name(weeks, row["slug"])))
        return cls(labs)

    def tracks(self) -> list[str]:
        return [t for t in TRACKS if any(lab.track == t for lab in self.labs)]

    def resolve(self, name: str, track: str | None) -> Lab:
        """`week-18` (in the project's track), `node/week-18`, `production` or `backend/production`."""
        if "/" in name:
            track, name = name.split("/", 1)
        if track is not None and track not in TRACKS:
            raise UsageError(f"unknown track {track!r}; tracks: {', '.join(self.tracks())}")
        match = _WEEK.match(name)
        if match:
            week = int(match.group(1))
            if track is None:
                raise UsageError(
                    f"{name} is ambiguous without a track",
                    fixes=["Run it in a project whose harness.toml sets track, or pass --track node"],
                )
            for lab in self.labs:
                if lab.track == track and lab.weeks and lab.weeks[0] <= week <= lab.weeks[1]:
                    return lab
            weeks = [lab.weeks for lab in self.labs if lab.track == track and lab.weeks]
            last = max((w[1] for w in weeks), default=0)
            raise UsageError(f"the {track} track has no week {week} (it runs weeks 1-{last})",
                             fixes=[f"See the labs with: harness labs --track {track}"])
        candidates = [lab for lab in self.labs if lab.slug == name and (track is None or lab.track == track)]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            tracks = ", ".join(f"{lab.track}/{lab.slug}" for lab in candidates)
            raise UsageError(f"{name} names a lab in several tracks: {tracks}",
                             fixes=["Name the track: --track TRACK or TRACK/" + name])
        slugs = sorted({lab.slug for lab in self.labs} | {"week-N"})
        close = difflib.get_close_matches(name, slugs, n=1)
        raise UsageError(f"no lab called {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                         fixes=["List the labs with: harness labs"])

    def require_available(self, lab: Lab) -> LabManifest:
        if not lab.available:
            raise NothingToRun(
                f"{lab.id} ({lab.title}) is planned but not built yet: it has no starter and no checks",
                fixes=["See which labs are available with: harness labs"],
            )
        manifest = lab.manifest()
        # Every command that runs a lab (check, grade, start) refuses one whose lab.toml its
        # checks cannot run with, before grading a class of submissions against it.
        validate_checks(str(lab.manifest_path), manifest, load_validators(e.id for e in manifest.checks))
        return manifest


def _entry(file: str, raw: Mapping[str, Any], index: int) -> CheckEntry:
    allowed = ("id", "points", "hidden", "params")
    for key in raw:
        if key not in allowed:
            raise ConfigError(file, f"unknown key in checks[{index}]; valid: {', '.join(allowed)}", key=key)
    check_id = raw.get("id")
    if not isinstance(check_id, str):
        raise ConfigError(file, "every [[checks]] entry needs an id", key=f"checks[{index}].id")
    points = raw.get("points")
    if points is not None and (not isinstance(points, int | float) or points < 0):
        raise ConfigError(file, f"points must be a number >= 0, got {points!r}", key=f"checks[{index}].points")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise ConfigError(file, "params must be a table", key=f"checks[{index}].params")
    return CheckEntry(id=check_id, points=None if points is None else float(points),
                      hidden=bool(raw.get("hidden", False)), params=params)


def load_manifest(path: Path) -> LabManifest:
    file = str(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    services = data.get("services", [])
    for service in services:
        if service not in SERVICES:
            raise ConfigError(file, f"unknown service {service!r}; valid: {', '.join(SERVICES)}", key="services")
    checks = tuple(_entry(file, raw, i) for i, raw in enumerate(data.get("checks", [])))
    if not checks:
        raise ConfigError(file, "a lab needs at least one [[checks]] entry", key="checks")
    ids = [c.id for c in checks]
    if len(set(ids)) != len(ids):
        raise ConfigError(file, "a check is listed twice", key="checks")
    app = data.get("app", {})
    if not isinstance(app, dict):
        raise ConfigError(file, "app must be a table", key="app")
    for key in app:
        if key not in _APP_KEYS:
            raise ConfigError(file, f"unknown key in [app]; valid: {', '.join(_APP_KEYS)}", key=f"app.{key}")
    instances = app.get("instances", 1)
    if not isinstance(instances, int) or isinstance(instances, bool) or not 1 <= instances <= 8:
        raise ConfigError(file, f"instances must be a whole number from 1 to 8, got {instances!r}",
                          key="app.instances")
    run_tests = bool(app.get("run_tests", False))
    bugs = tuple(_bug(file, raw, i, set(ids)) for i, raw in enumerate(data.get("bugs", [])))
    repeat_tests = bool(app.get("repeat_tests", False))
    if (bugs or repeat_tests) and not run_tests:
        raise ConfigError(file, "seeded bugs and repeated test runs need the project's tests: set run_tests = true",
                          key="app.run_tests")
    feed = app.get("feed", False)
    if not isinstance(feed, bool):
        raise ConfigError(file, f"feed must be true or false, got {feed!r}", key="app.feed")
    java = data.get("java")
    if java is not None and (not isinstance(java, int) or isinstance(java, bool) or not 8 <= java <= 99):
        raise ConfigError(file, f"java must be a Java version, the oldest the lab needs (e.g. 21), got {java!r}",
                          key="java")
    processes = app.get("processes", [])
    if not isinstance(processes, list) or not all(isinstance(p, str) and _PROCESS_NAME.fullmatch(p)
                                                  for p in processes) or len(set(processes)) != len(processes):
        raise ConfigError(file, f"processes must be a list of distinct lowercase names, got {processes!r}",
                          key="app.processes")
    return LabManifest(services=tuple(services), checks=checks, clock=_clock(file, app), instances=instances,
                       run_tests=run_tests, repeat_tests=repeat_tests, bugs=bugs, limits=_grading(file, data),
                       java=java, feed=feed, processes=tuple(processes))


def _grading(file: str, data: Mapping[str, Any]) -> Limits:
    """`[grading]`: the lab's default limits, with the keys of a grading policy's [limits]."""
    table = data.get("grading", {})
    if not isinstance(table, dict):
        raise ConfigError(file, "grading must be a table", key="grading")
    try:
        return limits_from(table, table_name="grading")
    except ValueError as exc:
        raise ConfigError(file, str(exc), key="grading") from None


_APP_KEYS = ("clock", "instances", "run_tests", "repeat_tests", "feed", "processes")
# A process's name becomes its variable's (catalog: CATALOG_URL): lowercase, digits, '_'.
_PROCESS_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")
_BUG_KEYS = ("check", "file", "find", "replace")


def _bug(file: str, raw: Mapping[str, Any], index: int, checks: set[str]) -> SeededBug:
    where = f"bugs[{index}]"
    for key in raw:
        if key not in _BUG_KEYS:
            raise ConfigError(file, f"unknown key in {where}; valid: {', '.join(_BUG_KEYS)}", key=f"{where}.{key}")
    values = {}
    for key in _BUG_KEYS:
        value = raw.get(key)
        if not isinstance(value, str) or (not value and key != "replace"):
            raise ConfigError(file, f"every [[bugs]] entry needs {key} (a string)", key=f"{where}.{key}")
        values[key] = value
    if values["check"] not in checks:
        raise ConfigError(file, f"the check {values['check']!r} of this bug is not listed in [[checks]]",
                          key=f"{where}.check")
    path = Path(values["file"])
    if path.is_absolute() or ".." in path.parts:
        raise ConfigError(file, "file must be a path inside the project", key=f"{where}.file")
    if values["find"] == values["replace"]:
        raise ConfigError(file, "replace must differ from find: this bug would change nothing", key=f"{where}.replace")
    return SeededBug(**values)


def _clock(file: str, app: dict[str, Any]) -> str:
    """`[app] clock = "faketime"` lets checks move the app's wall clock."""
    clock = app.get("clock", "real")
    if clock not in CLOCKS:
        raise ConfigError(file, f"clock must be one of {', '.join(CLOCKS)}, got {clock!r}", key="app.clock")
    return str(clock)


def validate_checks(file: str, manifest: LabManifest, registry: Registry) -> dict[str, dict[str, Any]]:
    """The manifest against what its checks declare: every check registered, every parameter
    declared and of its type, every service a check needs started by the lab. Returns each
    check's parameters, converted. A lab that gets one wrong is caught here, before anything
    starts, instead of a check crashing mid-run as if the harness were broken."""
    params: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(manifest.checks):
        if entry.id not in registry:
            close = difflib.get_close_matches(entry.id, [spec.id for spec in registry.all()], n=1)
            raise ConfigError(file, f"no check is registered as {entry.id!r}", key=f"checks[{index}].id",
                              suggestion=close[0] if close else None)
        spec = registry.get(entry.id)
        missing = sorted(spec.services - set(manifest.services))
        if missing:
            wanted = [*manifest.services, *missing]
            raise ConfigError(
                file, f"the check {entry.id} needs {' and '.join(missing)}, which this lab does not start",
                key="services",
                fixes=["Add it to services in lab.toml: services = [" + ", ".join(f'"{s}"' for s in wanted) + "]"],
            )
        params[entry.id] = {}
        for name, value in entry.params.items():
            try:
                params[entry.id].update(spec.bind({name: value}))
            except ParamError as exc:
                raise ConfigError(file, exc.message, key=f"checks[{index}].params.{name}") from None
    return params
