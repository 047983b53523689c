"""`harness check LAB`: run a lab's checks against the project."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from harness.catalog import Catalog
from harness.commands.options import add_service_arguments, service_options
from harness.commands.watch import watch
from harness.config import CONFIG_NAME, LOCAL_SERVER_TRACKS, load_config
from harness.errors import ExitCode, HarnessError, UsageError
from harness.layers import LAYER_FILE, is_layer, lay_out
from harness.outcomes import RunResult, Status
from harness.progress import Progress
from harness.reporters import Fanout, Reporter
from harness.reporters.github import GithubReporter, error_annotation
from harness.reporters.json_report import JsonReporter
from harness.reporters.junit import JunitReporter
from harness.reporters.terminal import TerminalReporter
from harness.runner.deps import DependencyReuse
from harness.runner.depstore import DepStore
from harness.runner.session import CheckRequest, Session
from harness.services.base import Mode, resolve_images


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("check", help="run a lab's checks against your project",
                            description="Start real services and your app, then run the lab's checks.")
    parser.add_argument("lab", help="week-N (in your project's track), TRACK/week-N, or production")
    parser.add_argument("--project", metavar="DIR", help="the project folder (default: current directory)")
    parser.add_argument("--track", help="override the track named in harness.toml")
    add_service_arguments(parser)
    parser.add_argument("--only", action="append", default=[], metavar="CHECK_ID",
                        help="run only this check (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="write results as JSON (also when the run fails)")
    parser.add_argument("--junit", metavar="FILE", help="write results as JUnit XML")
    parser.add_argument("--html", metavar="FILE",
                        help="write the report as one self-contained HTML page (each check, the app's last lines)")
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="github: the report, plus GitHub Actions annotations that mark each failing check "
                             "on the workflow run (default: text)")
    parser.add_argument("--seed", type=int, help="seed for generated test data (printed on every run)")
    parser.add_argument("--param", action="append", default=[], metavar="CHECK_ID.NAME=VALUE",
                        help="override a check's parameter from the lab, e.g. prod.load.rps.rate=500 (repeatable)")
    parser.add_argument("--debug", action="store_true", help="show the app's output and tracebacks")
    parser.add_argument("--repeat", type=_rounds, default=1, metavar="N",
                        help="run the checks N times on the same services and app and fail when a verdict "
                             "changes (for lab authors: stable verdicts)")
    parser.add_argument("--reinstall", action="store_true",
                        help="run the install command even when its inputs did not change since the last one")
    parser.add_argument("--watch", action="store_true",
                        help="after the run, run the checks again whenever a file of the project changes, "
                             "until Ctrl-C (each round a whole run, with the same seed)")
    parser.set_defaults(handler=run)


def _rounds(text: str) -> int:
    try:
        rounds = int(text)
    except ValueError:
        rounds = 0
    if rounds < 1:
        raise argparse.ArgumentTypeError(f"--repeat {text!r}: a whole number of rounds, 1 or more (e.g. --repeat 3)")
    return rounds


def parse_params(items: list[str]) -> dict[str, dict[str, Any]]:
    """`prod.load.rps.rate=500` -> {"prod.load.rps": {"rate": 500}}; values read as TOML when they can be."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        check_id, dot, name = key.rpartition(".")
        if not sep or not dot or not name or check_id.count(".") != 2:
            raise UsageError(f"--param {item!r}: expected CHECK_ID.NAME=VALUE, e.g. prod.load.rps.rate=500")
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word: a string
        out.setdefault(check_id, {})[name] = value
    return out


def exit_code(result: RunResult) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    causes = {c.cause for c in result.checks if c.status is Status.ERROR}
    if any(c.status is Status.FAIL for c in result.checks) or "not-run" in causes:
        return ExitCode.CHECK_FAILED
    if "crash" in causes:
        return ExitCode.INTERNAL
    if "environment" in causes:
        return ExitCode.USAGE
    if result.message or len(result.checks) < len(result.planned) or result.unstable:
        return ExitCode.CHECK_FAILED
    return ExitCode.OK


def run(args: argparse.Namespace) -> int:
    root = Path(args.project or ".").expanduser().resolve()
    try:
        return _run(args, root)
    except HarnessError as exc:
        if args.format == "github":  # a broken harness.toml is marked too, not only printed
            print(error_annotation(exc, root / CONFIG_NAME, args.lab), flush=True)
        raise


def _run(args: argparse.Namespace, root: Path) -> int:
    if not is_layer(root):
        return _check(args, root)
    if args.watch:
        raise UsageError(f"{root} is a layer ({LAYER_FILE}): it is checked as a project laid out in a temporary "
                         "folder, which no editor changes", fixes=["Lay it out once (harness check prints where) "
                                                                   "and watch that folder, or check without --watch"])
    # A lab author's layer (a reference written as its starter plus the solved files):
    # check the whole project it stands for, laid out in a folder of its own.
    with tempfile.TemporaryDirectory(prefix="harness-layer-") as tmp:
        project = lay_out(root, Path(tmp) / root.name)
        print(f"{root} is a layer ({LAYER_FILE}): checking the whole project, laid out in {project}")
        return _check(args, project)


def _reporters(args: argparse.Namespace, title: str, root: Path) -> list[Reporter]:
    # The elapsed time of a long step on stderr: stdout stays the report (and the annotations).
    reporters: list[Reporter] = [TerminalReporter(verbose=args.debug, title=title, progress=Progress(sys.stderr))]
    if args.json:
        reporters.append(JsonReporter(Path(args.json)))
    if args.junit:
        reporters.append(JunitReporter(Path(args.junit)))
    if args.html:
        # Imported when asked for: Jinja and the charts' code are a tenth of every run's start.
        from harness.reporters.html import HtmlReporter

        reporters.append(HtmlReporter(Path(args.html)))
    if args.format == "github":
        reporters.append(GithubReporter(config_file=root / CONFIG_NAME))
    return reporters


def _check(args: argparse.Namespace, root: Path) -> int:
    config = load_config(root)
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    catalog = Catalog.load()
    lab = catalog.resolve(args.lab, args.track or config.track)
    manifest = catalog.require_available(lab)
    mode, urls, image_flags = service_options(args)
    if lab.track in LOCAL_SERVER_TRACKS and mode is Mode.EXTERNAL:
        raise UsageError(f"{lab.id} starts PostgreSQL servers of its own with your configuration, and kills and "
                         "restarts them: it cannot use a server given by URL (--services external)",
                         fixes=["Run it without --services (local binaries), or with --services docker"])
    images = resolve_images(image_flags, config.images, dict(os.environ))
    title = f"{lab.id} · {lab.title} ({lab.week_label})"
    params = parse_params(args.param)
    # One seed for every round of --watch: a verdict that changes comes from the change.
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    rounds = 0

    def once() -> int:
        nonlocal rounds, config
        rounds += 1
        if rounds > 1:
            config = load_config(root)  # harness.toml may be what changed
        request = CheckRequest(lab=lab, manifest=manifest, project=config, workdir=root, mode=mode, urls=urls,
                               images=images, only=tuple(args.only), debug=args.debug, params=params,
                               repeat=args.repeat, seed=seed,
                               deps=DependencyReuse(DepStore(), reinstall=args.reinstall and rounds == 1))
        return int(exit_code(Session(request, Fanout(*_reporters(args, title, root))).run()))

    if not args.watch:
        return once()

    def round_of_watch() -> int:
        try:
            return once()
        except HarnessError as exc:  # a harness.toml broken mid-edit: said, and the next save is watched
            print(f"harness: error: {exc.render()}", file=sys.stderr, flush=True)
            return int(exc.exit_code)
    return watch(root, round_of_watch, lambda line: print(f"\n▸ {line}", flush=True))
