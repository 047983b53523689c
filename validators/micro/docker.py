"""A Dockerfile per service that builds, and that lets the service get its SIGTERM.

What a file says is checked everywhere. The build itself needs a Docker engine and the
Dockerfile's base images on this machine (nothing is pulled: a registry may be out of reach):
without them the check is skipped, saying what was checked and what was not, never passed.
Under `harness grade` no image is built either: a build runs the submission's RUN lines on the
machine's Docker engine, as root in a container, outside the submission's jail.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness.outcomes import Failure, Passed, Skip
from harness.params import Param
from harness.registry import CheckContext, check
from harness.runner.confined import OutsideProject, read_inside
from harness.services import users

MAX_BYTES = 64 * 1024
BUILD_TIMEOUT_S = 300.0
ENGINE_TIMEOUT_S = 10.0
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$")


@dataclass(frozen=True)
class Dockerfile:
    path: str
    instructions: list[tuple[str, str]]  # (INSTRUCTION, arguments), continuations joined

    def base_images(self) -> list[str]:
        """Images of FROM lines that are not an earlier stage's name."""
        stages: set[str] = set()
        images = []
        for name, args in self.instructions:
            if name != "FROM":
                continue
            words = [w for w in args.split() if not w.startswith("--")]
            if not words:
                continue
            if words[0].lower() not in stages:
                images.append(words[0])
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
        return images


def parse(path: str, text: str) -> Dockerfile:
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        match = _INSTRUCTION.match(line)
        if match:
            instructions.append((match.group(1).upper(), match.group(2).strip()))
    return Dockerfile(path, instructions)


def problems(dockerfile: Dockerfile) -> list[str]:
    """What keeps this Dockerfile from a reproducible image whose process gets SIGTERM."""
    found = []
    names = [name for name, _ in dockerfile.instructions]
    if not names or names[0] not in ("FROM", "ARG"):
        found.append("it does not start with FROM")
    defaults = _arg_defaults(dockerfile)
    for written in dockerfile.base_images():
        image = _ARG_REF.sub(lambda m: defaults.get(m.group(1) or m.group(2), m.group(0)), written)
        if "$" in image:
            found.append(f"FROM {written}: a build argument with no default names the image; give it one that "
                         "names a version (ARG NODE=20-slim), as a build with no --build-arg uses it")
            continue
        shown = written if image == written else f"{written} ({image} by its ARG's default)"
        tagged = "@" in image or ":" in image.rsplit("/", 1)[-1]
        if not tagged or image.endswith(":latest"):
            found.append(f"FROM {shown}: name a version (node:20-slim, eclipse-temurin:17-jre), not "
                         "whatever 'latest' is today")
    last_stage = names[len(names) - 1 - names[::-1].index("FROM"):] if "FROM" in names else []
    starts = [(n, a) for n, a in dockerfile.instructions[len(names) - len(last_stage):] if n in ("CMD", "ENTRYPOINT")]
    if not starts:
        found.append("its last stage has no CMD or ENTRYPOINT: the image does not start the service")
    else:
        name, args = starts[-1]
        if not _exec_form(args):
            found.append(f"{name} {args}: the shell form runs the service under /bin/sh -c, which does not pass "
                         f"SIGTERM on; use the exec form {name} {json.dumps(shlex.split(args))}")
    return found


_ARG_REF = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _arg_defaults(dockerfile: Dockerfile) -> dict[str, str]:
    """The defaults of the ARGs before the first FROM: the only build arguments a FROM may use."""
    defaults: dict[str, str] = {}
    for name, args in dockerfile.instructions:
        if name == "FROM":
            break
        if name == "ARG" and "=" in args:
            key, value = args.split("=", 1)
            defaults[key.strip()] = value.strip().strip("\"'")
    return defaults


def _exec_form(args: str) -> bool:
    try:
        value = json.loads(args)
    except ValueError:
        return False
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _docker(argv: list[str], timeout_s: float) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["docker", *argv], capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def engine_problem() -> str | None:
    """Why no image can be built here, or None."""
    info = _docker(["info", "--format", "{{.ServerVersion}}"], ENGINE_TIMEOUT_S)
    if info is None:
        return "no docker command here, or it did not answer"
    if info.returncode != 0:
        said = info.stderr.strip().splitlines() or ["docker info failed"]
        return f"no Docker engine answers here ({said[-1]})"
    return None


def base_image_problem(image: str) -> str | None:
    """Why `image` cannot be a base here (it is not on the machine, and nothing is pulled), or None."""
    inspect = _docker(["image", "inspect", image], ENGINE_TIMEOUT_S)
    return None if inspect is not None and inspect.returncode == 0 else f"{image} is not on this machine"


def _read(root: Path, name: str) -> str:
    """The Dockerfile's text, read as data: no link followed, a regular file, a size cap."""
    try:
        return read_inside(root, name, MAX_BYTES)
    except OutsideProject as exc:
        if "larger than" in str(exc):
            raise Failure(f"{name} is larger than {MAX_BYTES // 1024} KB: not a Dockerfile") from None
        raise _missing(name, str(exc)) from None
    except OSError as exc:
        raise _missing(name, exc.strerror or str(exc)) from None


def _missing(name: str, why: str) -> Failure:
    return Failure(f"no {name} in the project ({why})", expected=f"a Dockerfile at {name}",
                   hint=f"Write {name}: FROM a pinned base image, copy the dependency manifest (package-lock.json, "
                        "pom.xml, requirements.txt) and install, copy the service's code, and start it with CMD in "
                        "exec form.")


@check("micro.docker.builds", points=2, needs_app=False, timeout_s=2 * BUILD_TIMEOUT_S, params=[
    Param("dockerfiles", str, "gateway/Dockerfile,catalog/Dockerfile", "one Dockerfile per service, comma-separated"),
    Param("context", str, ".", "the build context, from the project's folder"),
])
def each_service_has_an_image(ctx: CheckContext) -> Passed:
    """Each service has a Dockerfile that builds, and whose image passes SIGTERM to the service.

    Each Dockerfile starts FROM a pinned base image and starts the service with CMD or ENTRYPOINT
    in exec form. Where a Docker engine runs and the base images are on the machine, each image
    is built (nothing is pulled); elsewhere the check says so and is skipped, never passed.
    """
    root = ctx.app.project_dir
    names = [n.strip() for n in str(ctx.param("dockerfiles")).split(",") if n.strip()]
    context = str(ctx.param("context"))
    files = [parse(name, _read(root, name)) for name in names]
    for dockerfile in files:
        found = problems(dockerfile)
        if found:
            raise Failure(f"{dockerfile.path} is not ready: {found[0]}", actual="\n".join(found),
                          hint=ctx.hint("Pin the base image's version and start the service in exec form (a JSON "
                                        "array), so that it gets SIGTERM itself.",
                                        node='FROM node:20-slim, CMD ["node", "gateway/src/server.js"].',
                                        java='FROM eclipse-temurin:17-jre (a JDK or Maven stage builds the jar), '
                                             'CMD ["java", "-jar", "gateway.jar"].',
                                        python='FROM python:3.12-slim, CMD ["gunicorn", "shelf.main:app", "-c", '
                                               '"gunicorn.conf.py"].'),
                          reproduce=f"docker build -f {dockerfile.path} {context}")
    what = f"{', '.join(names)} read well (pinned base image, exec-form CMD)"
    why_not = ("this run grades a submission, and a build would run its RUN lines on the machine's Docker "
               "engine outside its jail") if users.grading() else engine_problem()
    if why_not is None:
        absent = sorted({image for d in files for image in d.base_images()
                         if "$" not in image and base_image_problem(image)})
        if absent:
            why_not = (f"the base image{'s' if len(absent) > 1 else ''} {', '.join(absent)} "
                       f"{'are' if len(absent) > 1 else 'is'} not on this machine, and the harness pulls nothing")
    if why_not is not None:
        raise Skip(f"{what}, but no image was built: {why_not}. Build them where Docker runs: "
                   + "; ".join(f"docker build -f {n} {context}" for n in names))
    for dockerfile in files:
        tag = f"harness-check/{ctx.run_id}-{Path(dockerfile.path).parent.name or 'app'}:build"
        run = _docker(["build", "--pull=false", "-q", "-f", str(root / dockerfile.path), "-t", tag,
                       str(root / context)], BUILD_TIMEOUT_S)
        if run is None or run.returncode != 0:
            tail = "" if run is None else "\n".join((run.stdout + run.stderr).strip().splitlines()[-20:])
            raise Failure(f"docker build -f {dockerfile.path} {context} failed"
                          + (" (no answer within 5 minutes)" if run is None else f" with exit code {run.returncode}"),
                          evidence=tail, hint="Run the same build yourself and fix the first error it shows.",
                          reproduce=f"docker build -f {dockerfile.path} {context}")
        _docker(["rmi", "-f", tag], ENGINE_TIMEOUT_S)
    return Passed(f"{what}; every image built: {', '.join(names)}")
