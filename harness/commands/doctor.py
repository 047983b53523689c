"""`harness doctor`: what this machine can run, what `auto` would pick and why, and leftovers."""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import __version__
from harness.errors import EnvironmentProblem
from harness.proc import owner, ports
from harness.proc.reaper import Reaper
from harness.runner import clock
from harness.services import docker as dockermod
from harness.services import provision, simple
from harness.services.base import Mode, ServiceSettings, resolve_images
from harness.services.pg_binaries import PgBinaries, find_binaries

TOOLS = (("node", "--version"), ("npm", "--version"), ("python3", "--version"), ("java", "-version"),
         ("mvn", "--version"), ("bwrap", "--version"), ("wrk", "--version"))


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("doctor", help="what is available here: Docker, local servers, tools; leftovers")
    parser.add_argument("--clean", action="store_true", help="remove leftovers of earlier runs")
    parser.add_argument("--json", action="store_true",
                        help="print what was found as JSON on stdout (fields: docs/results.md)")
    parser.set_defaults(handler=run)


def _tool(tool: str, flag: str) -> dict[str, Any]:
    """{"path": ..., "version": first line of `tool flag`} or {"path": None} when not on PATH."""
    path = shutil.which(tool)
    if not path:
        return {"path": None, "version": None}
    try:
        out = subprocess.run([path, flag], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"path": path, "version": None, "error": str(exc)}
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout or out.stderr)  # mvn colours its banner
    text = plain.strip().splitlines()
    return {"path": path, "version": text[0] if text else "?"}


def _version(found: dict[str, Any]) -> str:
    if found["path"] is None:
        return "not found"
    if found.get("error"):
        return f"{found['path']}: {found['error']}"
    return f"{found['version']} ({found['path']})"


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


def _binaries(found: PgBinaries | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"version": found.version, "source": found.source, "bindir": str(found.bindir),
            "pg_stat_statements": found.has_pg_stat_statements}


def collect(eng: dockermod.Engine) -> dict[str, Any]:
    """Everything doctor reports but the leftovers, as data: `--json` prints it, text renders it."""
    images = resolve_images({}, None, dict(os.environ))
    docker: dict[str, Any] = {"reachable": eng.reachable, "detail": eng.detail,
                              "docker_host": os.environ.get("DOCKER_HOST"), "default_host": eng.docker_host,
                              "rootless": None, "images": {}}
    if eng.reachable:
        info = eng.client.info()
        docker["rootless"] = any("rootless" in str(opt) for opt in info.get("SecurityOptions", []))
        for service in ("postgres", "redis", "mongodb"):
            image = images.get(service) or dockermod_default(service)
            docker["images"][service] = {"image": image, "present": dockermod.image_present(eng.client, image)}
    binaries, tried = find_binaries()
    wheel, _ = find_binaries(system=False)
    local: dict[str, Any] = {"postgres": _binaries(binaries), "postgres_looked_at": [] if binaries else list(tried),
                             "postgres_wheel": _binaries(wheel)}
    for service in ("redis", "mongodb"):
        binary, _ = simple.find_binary(service)
        local[service] = str(binary) if binary else None
    settings = ServiceSettings(mode=Mode.AUTO, run_id="doctor", reaper=Reaper(), images=images)
    auto: list[dict[str, Any]] = []
    for needs in (("postgres",), ("postgres", "redis"), ("mongodb",)):
        try:
            decision = provision.decide(settings, needs)
            auto.append({"services": list(needs), "mode": decision.mode.value, "reason": decision.reason})
        except EnvironmentProblem as exc:
            auto.append({"services": list(needs), "mode": None, "reason": exc.message})
    # The postgres track's labs start servers of their own: local binaries unless none are here.
    server_image, why = provision.servers_decision(settings)
    servers = {"mode": Mode.DOCKER.value if server_image else Mode.LOCAL.value, "image": server_image, "reason": why}
    return {"format": 1, "harness": __version__, "docker": docker, "local": local,
            "tools": {tool: _tool(tool, flag) for tool, flag in TOOLS}, "auto": auto, "postgres_track_servers": servers}


def run(args: argparse.Namespace) -> int:
    eng = dockermod.engine()
    facts = collect(eng)
    if args.json:
        facts["leftovers"] = _leftovers(eng, clean=args.clean, say=lambda _line: None)
        print(json.dumps(facts, indent=2))
        return 0
    _render(facts)
    _leftovers(eng, clean=args.clean, say=print)
    return 0


def _render(facts: dict[str, Any]) -> None:
    docker, local = facts["docker"], facts["local"]
    print(f"harness {facts['harness']}\n")
    print("Docker")
    print(f"  engine:      {'reachable' if docker['reachable'] else 'not reachable'}: {docker['detail']}")
    print(f"  DOCKER_HOST: {docker['docker_host'] or '(unset: ' + docker['default_host'] + ')'}")
    if docker["reachable"]:
        print(f"  rootless:    {'yes' if docker['rootless'] else 'no'}")
        for service, image in docker["images"].items():
            state = "present" if image["present"] else "missing (not pulled during checks)"
            print(f"  image {service + ':':<9} {image['image']}: {state}")
    print("\nLocal servers")
    pg = local["postgres"]
    if pg:
        pss = "with pg_stat_statements" if pg["pg_stat_statements"] else "WITHOUT pg_stat_statements"
        print(f"  postgres: {pg['version']} from {pg['source']} ({pg['bindir']}), {pss}")
    else:
        print("  postgres: not found; looked at:\n" + "\n".join(f"    - {t}" for t in local["postgres_looked_at"]))
    wheel = local["postgres_wheel"]
    fallback = f"{wheel['version']} ({wheel['bindir']})" if wheel else "not installed"
    print(f"  postgres (PyPI build, the fallback): {fallback}")
    for service in ("redis", "mongodb"):
        print(f"  {service + ':':<9} {local[service] or 'not found'}")
    print("\nTools")
    for tool, found in facts["tools"].items():
        print(f"  {tool + ':':<8} {_version(found)}")
    print("\nWhat --services auto picks")
    for choice in facts["auto"]:
        picked = choice["mode"] or "nothing"
        print(f"  {' + '.join(choice['services']):<17} {picked}: {choice['reason']}")
    servers = facts["postgres_track_servers"]
    print(f"  {'postgres track':<17} {servers['mode']}: {servers['reason']} (its labs start servers of their own)")


def dockermod_default(service: str) -> str:
    from harness.services.base import DEFAULT_IMAGES

    return DEFAULT_IMAGES[service]


def _leftovers(eng: dockermod.Engine, *, clean: bool, say: Callable[[str], None]) -> dict[str, Any]:
    """List (and with `clean` remove) what earlier runs left; `say` prints the text report."""
    dirs = leftover_dirs()
    containers = leftover_containers(eng)
    cgroups = leftover_cgroups()
    shared = clock.orphaned()
    claims = ports.stale_claims()
    found: dict[str, Any] = {
        "temp_dirs": [str(p) for p in dirs], "cgroups": [str(p) for p in cgroups],
        "shared_memory": [str(p) for p in shared], "port_claims": len(claims),
        "containers": [{"id": c.short_id, "name": c.name, "run": c.labels.get(dockermod.RUN_LABEL)}
                       for c in containers],
        "removed": False, "not_removed": [],
    }
    say("\nLeftovers of earlier runs")
    if not dirs and not containers and not cgroups and not shared and not claims:
        say("  none")
        return found
    for path in dirs:
        say(f"  temp dir   {path}")
    for path in cgroups:
        say(f"  cgroup     {path}")
    if shared:
        say(f"  libfaketime shared memory of exited processes: {len(shared)} in {shared[0].parent}")
    if claims:
        say(f"  port claims of ended runs: {len(claims)} in {claims[0].parent}")
    for container in containers:
        say(f"  container  {container.short_id} {container.name} (run {container.labels.get(dockermod.RUN_LABEL)})")
    if not clean:
        say("  Remove them with: harness doctor --clean")
        return found
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except Exception as exc:  # e.g. 409: its own run is removing it right now
            why = str(exc).split("(")[-1].rstrip(")")
            found["not_removed"].append({"id": container.short_id, "reason": why})
            say(f"  could not remove {container.short_id}: {why}")
    for path in dirs:
        shutil.rmtree(path, ignore_errors=True)
    for path in shared:
        with contextlib.suppress(OSError):
            path.unlink()
    ports.remove_stale(claims)
    for path in cgroups:
        for directory in sorted((p for p in [path, *path.rglob("*")] if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                directory.rmdir()
    found["removed"] = True
    say("  removed")
    return found
