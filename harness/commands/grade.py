"""`harness grade`: grade a folder of submissions, merge shards, or build a Gradescope bundle.

    harness grade submissions/ --lab node/week-18 --jobs 2 --out grades/
    harness grade submissions/ --lab node/week-18 --shard 3/10 --out grades-3/
    harness grade --merge grades-*/ --out final/
    harness grade --gradescope-bundle node/week-18 --out autograder.zip

Exit codes: 0 every submission was graded (whatever its score), 2 interrupted (the
gradebook holds those that finished), 3 some submissions could not be graded fairly (a
grader or machine problem; they are listed, grade them again), 4 usage or environment.
The grading itself is harness/grading's: this module reads the arguments and calls it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import __version__
from harness.catalog import Catalog, Lab
from harness.commands.options import add_service_arguments, service_options
from harness.config import CONFIG_NAME
from harness.durations import format_duration
from harness.errors import ExitCode, UsageError
from harness.grading import bundle, class_report, gradebook
from harness.grading.batch import capabilities, existing_row, find_sources, private_files
from harness.grading.capabilities import ISOLATIONS
from harness.grading.gradebook import MergeError
from harness.grading.merge import merge_folders, write_meta
from harness.grading.policy import load_policy
from harness.grading.policy import to_json as policy_json
from harness.grading.quota import quota_warnings
from harness.grading.runner import Grader, GradeSettings
from harness.grading.shards import parse_shard, select
from harness.grading.workspace import DEFAULT_UIDS
from harness.registry import load_validators
from harness.services.base import Mode, resolve_images


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("grade", help="grade a folder of submissions (instructors)",
                            description="Grade every project in a folder, each in its own jail, in parallel, "
                                        "with points; or merge shards; or build a Gradescope autograder.")
    parser.add_argument("submissions", nargs="?", help="folder with one project folder per submission")
    parser.add_argument("--lab", help="the lab, as TRACK/week-N (e.g. node/week-18)")
    parser.add_argument("--out", help="report folder (default: grades); the .zip for --gradescope-bundle")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at the same time (default 1)")
    parser.add_argument("--shard", help="grade only shard K of N (K/N), for a CI matrix")
    parser.add_argument("--single", action="store_true",
                        help="SUBMISSIONS is one project, not a folder of them (Gradescope)")
    parser.add_argument("--weights", metavar="FILE", help="grading policy: points, visibility, limits (TOML)")
    parser.add_argument("--points", action="append", default=[], metavar="CHECK_ID=N",
                        help="points of a check (repeatable; over --weights)")
    parser.add_argument("--limit", action="append", default=[], metavar="KEY=VALUE",
                        help="a limit, e.g. memory=256MB, processes=64, install.timeout=5m (repeatable)")
    parser.add_argument("--isolation", choices=ISOLATIONS, default="strict",
                        help="strict: refuse to grade without the whole jail (default); auto: use what this "
                             "machine allows and say what is not isolated; none: trusted code only")
    parser.add_argument("--install-network", choices=("host", "none"), default="host",
                        help="the install phase's network: host (registries; default) or none")
    parser.add_argument("--home-template", metavar="DIR",
                        help="copied into each submission's HOME before install (e.g. a warm ~/.npm)")
    parser.add_argument("--warm-deps", action="store_true",
                        help="install the lab's starter once, in the jail, into a read-only set; a submission "
                             "whose install inputs (lockfile, install command, [app] env) match gets a copy, "
                             "made by its own uid, instead of its install")
    parser.add_argument("--warm-deps-from", metavar="DIR",
                        help="as --warm-deps, from this project (one you trust) instead of the lab's starter")
    parser.add_argument("--uid-range", default=f"{DEFAULT_UIDS[0]}-{DEFAULT_UIDS[1]}",
                        help="uids without passwd entries given to submissions (default %(default)s)")
    parser.add_argument("--seed", type=int, help="base seed (each submission's is derived from it and its name)")
    parser.add_argument("--merge", nargs="+", metavar="DIR", help="merge the --out folders of shards")
    parser.add_argument("--gradescope-bundle", metavar="LAB", help="write a Gradescope autograder zip for LAB")
    parser.add_argument("--wheel", metavar="FILE",
                        help="with --gradescope-bundle: ship this harness wheel (default: the wheel this harness "
                             "was installed from, or one built from its checkout)")
    parser.add_argument("--debug", action="store_true", help="the app's output in each grader.log, tracebacks")
    add_service_arguments(parser)
    parser.set_defaults(handler=run, services=os.environ.get("HARNESS_SERVICES", "local"))


def _say(text: str) -> None:
    print(text, flush=True)


def _warn(text: str) -> None:
    print(f"harness: WARNING: {text}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.gradescope_bundle and not args.merge:
        return _bundle(args)  # a zip to upload: the instructor's to share
    with private_files():
        return _merge(args) if args.merge else _grade(args)


def _merge(args: argparse.Namespace) -> int:
    if args.submissions or args.lab:
        raise UsageError("--merge takes only the shard folders and --out")
    out = Path(args.out or "grades")
    try:
        rows, warnings = merge_folders([Path(f) for f in args.merge], out)
    except MergeError as exc:
        raise UsageError(str(exc)) from None
    os.chmod(out, 0o700)
    for warning in warnings:
        _warn(warning)
    _say(f"merged {len(args.merge)} folders: {len(rows)} submissions -> {out / gradebook.FILE}, "
         f"{out / class_report.FILE}")
    return int(ExitCode.OK)


def _bundle(args: argparse.Namespace) -> int:
    catalog = Catalog.load()
    lab = catalog.resolve(args.gradescope_bundle, None)
    manifest = catalog.require_available(lab)
    policy = load_policy(Path(args.weights) if args.weights else None, manifest, points=args.points,
                         limits=args.limit)
    target = Path(args.out or "autograder.zip")
    if target.suffix != ".zip":
        raise UsageError(f"--out for --gradescope-bundle is the zip to write, got {target}")
    if args.wheel and not Path(args.wheel).is_file():
        raise UsageError(f"--wheel {args.wheel}: no such file", fixes=[bundle.BUILD_WHEEL_FIX])
    # The harness is on no package index: the bundle installs it from a wheel it carries.
    with tempfile.TemporaryDirectory(prefix="harness-wheel-") as tmp:
        wheel = Path(args.wheel) if args.wheel else bundle.own_wheel(Path(tmp))
        names = bundle.build(lab, policy, target, wheel=wheel)
    _say(f"wrote {target} ({', '.join(names)}): upload it as the assignment's autograder")
    return int(ExitCode.OK)


def _uid_range(text: str) -> tuple[int, int]:
    low, sep, high = text.partition("-")
    if not sep or not low.isdigit() or not high.isdigit() or int(low) > int(high) or int(low) < 1000:
        raise UsageError(f"--uid-range takes LOW-HIGH (uids above 1000), got {text!r}")
    return int(low), int(high)


def _grade(args: argparse.Namespace) -> int:
    if not args.submissions or not args.lab:
        raise UsageError("harness grade needs SUBMISSIONS and --lab (or --merge, or --gradescope-bundle)")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    catalog = Catalog.load()
    lab = catalog.resolve(args.lab, None)
    manifest = catalog.require_available(lab)
    policy = load_policy(Path(args.weights) if args.weights else None, manifest, points=args.points,
                         limits=args.limit)
    try:
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    folder = Path(args.submissions).expanduser().resolve()
    out = Path(args.out or "grades").expanduser().resolve()
    sources = find_sources(folder, args.single, out, _warn)
    chosen = {name: sources[name] for name in select(list(sources), shard)}
    mode, urls, image_flags = service_options(args)
    uid_range = _uid_range(args.uid_range)
    caps, warnings = capabilities(args.isolation, uid_range[0], mode)
    if caps.cgroups is not None and args.isolation != "none":
        warnings = [*warnings, *quota_warnings(manifest, load_validators(e.id for e in manifest.checks),
                                               policy.limits.cpus)]
    for warning in warnings:
        _warn(warning)
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # also when it was there before: submissions run while it fills
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    home = Path(args.home_template).expanduser().resolve() if args.home_template else None
    if home is not None and not home.is_dir():
        raise UsageError(f"--home-template {home} is not a folder")
    warm_from = _warm_source(args, lab)
    settings = GradeSettings(
        lab=lab, manifest=manifest, policy=policy, out=out, jobs=args.jobs, isolation=args.isolation, mode=mode,
        urls=urls, images=resolve_images(image_flags, None, dict(os.environ)), seed=seed, home_template=home,
        uid_range=uid_range, install_network=args.install_network, hide=() if args.single else (folder,),
        debug=args.debug, warm_from=warm_from,
    )
    meta: dict[str, Any] = {
        "harness": __version__, "lab": lab.id, "policy": policy_json(policy), "seed": seed,
        "shard": {"index": shard.index, "total": shard.total} if shard else None,
        "submissions": sorted(chosen), "isolation": args.isolation, "services": mode.value,
        "capabilities": caps.describe(), "warnings": warnings,
    }
    write_meta(out, meta)
    _say(f"grading {len(chosen)} submission(s) of {lab.id}" + (f" (shard {shard} of {len(sources)})" if shard else "")
         + f" · {args.jobs} at a time · seed {seed}")
    unused = f" (not used with --services {mode.value})" if mode is not Mode.LOCAL and caps.netns else ""
    limits = policy.limits.describe() if args.isolation != "none" else "the timeouts and the log limit only"
    _say(f"isolation {args.isolation}: {caps.describe()}{unused} · limits: {limits}")
    started = time.monotonic()
    rows: list[gradebook.Row] = []
    code = ExitCode.OK
    with Grader(settings, caps, _say) as grader:
        try:
            rows = grader.grade(chosen)
        except KeyboardInterrupt:
            code = ExitCode.INTERRUPTED
            rows = [r for r in (existing_row(out, name) for name in chosen) if r is not None]
        errors = list(grader.grader_errors)
    gradebook.write(out / gradebook.FILE, rows)
    class_report.write(out, lab.id, rows)
    _say(f"graded {len(rows)} submission(s) in {format_duration(time.monotonic() - started)} -> "
         f"{out / gradebook.FILE}, {out / class_report.FILE}")
    if errors and code is ExitCode.OK:
        for error in errors:
            _warn(f"not graded fairly, grade again: {error}")
        code = ExitCode.INTERNAL
    return int(code)


def _warm_source(args: argparse.Namespace, lab: Lab) -> Path | None:
    if args.warm_deps_from:
        folder = Path(args.warm_deps_from).expanduser().resolve()
        if not (folder / CONFIG_NAME).is_file():
            raise UsageError(f"--warm-deps-from {folder} is not a project (no {CONFIG_NAME})")
        return folder
    if not args.warm_deps:
        return None
    starter = lab.folder / "starter"
    if not (starter / CONFIG_NAME).is_file() and not (starter / "layer.toml").is_file():
        raise UsageError(f"--warm-deps: {lab.id} has no starter to warm from",
                         fixes=["Name a project with the lab's lockfile: --warm-deps-from DIR"])
    return starter
