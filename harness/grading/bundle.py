"""`harness grade --gradescope-bundle LAB --out autograder.zip`: Gradescope's autograder zip.

Gradescope builds an image with setup.sh (once, as root, network allowed) and runs
run_autograder per submission with the files in /autograder/submission; the only thing
students see is /autograder/results/results.json, so run_autograder writes one even when
the harness crashes or is missing. Gradescope's containers usually forbid namespaces and
cgroups: the bundle grades with `--isolation auto`, which keeps what the container allows
(its own uid, rlimits, the timeouts) and says in the instructor-only log what it could not
isolate; the container itself is Gradescope's isolation between submissions.
HARNESS_AUTOGRADER_ROOT replaces /autograder, so the bundle can be run on any machine.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from harness import __version__
from harness.catalog import Lab
from harness.errors import UsageError
from harness.grading.policy import Policy
from harness.limits import MB, Limits

# Gradescope's defaults are 768 MB and half a CPU for everything, harness and PostgreSQL included.
GRADESCOPE_LIMITS = Limits(memory_bytes=384 * MB, processes=128, cpus=0.5, cpu_time_s=240.0, wall_time_s=540.0,
                           install_timeout_s=300.0, install_memory_bytes=512 * MB, services_memory_bytes=512 * MB)

TOOLCHAINS = {
    "node": "curl -fsSL https://deb.nodesource.com/setup_20.x | bash -\napt-get install -y -q nodejs",
    "java": "apt-get install -y -q --no-install-recommends openjdk-21-jdk-headless maven",
    "python": "apt-get install -y -q --no-install-recommends python3-dev build-essential",
}

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (network allowed).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip ca-certificates curl \\
    postgresql postgresql-contrib redis-server bubblewrap iproute2 util-linux
# The lab's toolchain ({track}).
{toolchain}
# The harness needs Python 3.11 or newer, and Gradescope's Ubuntu 22.04 has 3.10. uv (from PyPI)
# installs it the way the README tells learners to (uv tool install): in a virtualenv of its own,
# on the machine's Python when that is new enough, else on one uv fetches. Everything under
# /opt/harness, readable by the accounts the submissions run as.
python3 -m venv /opt/harness/uv
/opt/harness/uv/bin/python -m pip install -q --disable-pip-version-check uv
export UV_TOOL_DIR=/opt/harness/tools UV_TOOL_BIN_DIR=/usr/local/bin UV_PYTHON_INSTALL_DIR=/opt/harness/python
/opt/harness/uv/bin/uv tool install --force --python '>=3.11' {install}
/opt/harness/tools/backend-lab-harness/bin/python -c 'import sys; v = sys.version_info
sys.exit(0 if v >= (3, 11) else f"setup.sh: the harness needs Python 3.11 or newer, got {{v[0]}}.{{v[1]}}")'
harness doctor || true
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this once per submission, as root. Whatever happens, results.json must
# exist when it ends: students see only that file (this script's output is instructor-only).
set -u
ROOT="${{HARNESS_AUTOGRADER_ROOT:-/autograder}}"
HARNESS="${{HARNESS_BIN:-harness}}"
RESULTS="$ROOT/results/results.json"
OUT="$ROOT/results/harness"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
# HARNESS_GRADE_ARGS: extra options, e.g. --home-template DIR (word-split on purpose).
# shellcheck disable=SC2086
"$HARNESS" grade "$ROOT/submission" --single --lab {lab} --out "$OUT" \\
    --weights "$ROOT/source/grading.toml" --isolation auto --services local ${{HARNESS_GRADE_ARGS:-}}
code=$?
if [ -s "$OUT/submission/gradescope.json" ]; then
  cp "$OUT/submission/gradescope.json" "$RESULTS"
fi
if [ ! -s "$RESULTS" ]; then
  cat > "$RESULTS" <<EOF
{{"score": 0, "output": "The autograder could not grade this submission (harness exit $code). \
Your instructor has the log.", "output_format": "text", "visibility": "visible", \
"stdout_visibility": "hidden", "tests": []}}
EOF
fi
exit 0
"""

README = """Gradescope autograder for {lab} (harness {version}).

setup.sh        installs PostgreSQL, Redis, bubblewrap, the {track} toolchain and the harness
run_autograder  grades /autograder/submission and writes /autograder/results/results.json
grading.toml    points, visibility of hidden checks, limits (edit, then zip again)

Try it locally: unzip into DIR/source, put a project in DIR/submission, then
  HARNESS_AUTOGRADER_ROOT=DIR bash DIR/source/run_autograder
"""


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{value:g}" if isinstance(value, float) else str(value)


def policy_toml(policy: Policy) -> str:
    """The policy as a --weights file (grading.toml)."""
    lim = policy.limits
    lines = ["# Points, what students see, and limits: see docs/grading.md.", "[points]"]
    lines += [f'"{cid}" = {_toml_value(points)}' for cid, points in sorted(policy.points.items())]
    lines += ["", "[visibility]"]
    lines += [f'"{cid}" = {_toml_value(vis)}' for cid, vis in sorted(policy.visibility.items())]
    lines += ["", "[gradescope]", f"hidden_visibility = {_toml_value(policy.hidden_visibility)}", "", "[limits]"]
    lines += [f'memory = "{lim.memory_bytes // MB}MB"', f"processes = {lim.processes}", f"cpus = {lim.cpus:g}",
              f'cpu_time = "{lim.cpu_time_s:g}s"', f'file_size = "{lim.file_size_bytes // MB}MB"',
              f"open_files = {lim.open_files}", f'log = "{max(1, lim.log_bytes // MB)}MB"',
              f'ready_timeout = "{lim.ready_timeout_s:g}s"', f'migrate_timeout = "{lim.migrate_timeout_s:g}s"',
              f'wall_time = "{lim.wall_time_s:g}s"', f'services_memory = "{lim.services_memory_bytes // MB}MB"',
              "", "[limits.install]",
              f'timeout = "{lim.install_timeout_s:g}s"', f'memory = "{lim.install_memory_bytes // MB}MB"',
              f"processes = {lim.install_processes}", f'cpu_time = "{lim.install_cpu_time_s:g}s"']
    return "\n".join(lines) + "\n"


def build(lab: Lab, policy: Policy, target: Path, *, install: str | None = None, wheel: Path | None = None,
          tuned: bool = True) -> list[str]:
    """Write the zip; returns its member names. `tuned` swaps default limits for Gradescope's sizes."""
    defaults = lab.manifest().limits
    if tuned and policy.limits == defaults:
        # Gradescope's sizes; a lab that needs more CPU time than they allow keeps its own.
        policy = replace(policy, limits=replace(GRADESCOPE_LIMITS,
                                                cpu_time_s=max(GRADESCOPE_LIMITS.cpu_time_s, defaults.cpu_time_s)))
    spec = install or f"backend-lab-harness=={__version__}"
    if wheel is not None:
        spec = f"/autograder/source/{wheel.name}"
    files = {
        "setup.sh": SETUP.format(track=lab.track, toolchain=TOOLCHAINS.get(lab.track, "true"), install=spec),
        "run_autograder": RUN.format(lab=lab.id),
        "grading.toml": policy_toml(policy),
        "README.txt": README.format(lab=lab.id, version=__version__, track=lab.track),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if name in ("setup.sh", "run_autograder") else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            archive.writestr(info, text)
        if wheel is not None:
            archive.write(wheel, wheel.name)
    return sorted(files) + ([wheel.name] if wheel is not None else [])


DISTRIBUTION = "backend-lab-harness"
BUILD_WHEEL_FIX = (f"Build one from a checkout of the harness: pip wheel . --no-deps -w dist, then give it with "
             f"--wheel dist/backend_lab_harness-{__version__}-py3-none-any.whl")


def own_wheel(folder: Path) -> Path:
    """The running harness as a wheel, for the bundle to install (the distribution is on no package
    index): the wheel file it was installed from, or one built into `folder` from the checkout it was
    installed from (pip records either in direct_url.json) or runs from."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json") or "{}"
    except metadata.PackageNotFoundError:
        recorded = "{}"
    url = str(json.loads(recorded).get("url", ""))
    source = Path(unquote(urlsplit(url).path)) if url.startswith("file://") else None
    checkout = Path(__file__).resolve().parents[2]
    if source is None and (checkout / "pyproject.toml").is_file():
        source = checkout
    if source is not None and source.suffix == ".whl" and source.is_file():
        return source
    if source is None or not (source / "pyproject.toml").is_file():
        raise UsageError("the bundle installs the harness from a wheel, and this harness was installed from neither "
                         "a wheel file nor a checkout that is still there", fixes=[BUILD_WHEEL_FIX])
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(source)],
                           capture_output=True, text=True, timeout=600)
    wheels = sorted(folder.glob("backend_lab_harness-*.whl"))
    if build.returncode != 0 or not wheels:
        said = (build.stderr or build.stdout).strip().splitlines()[-3:]
        raise UsageError(f"could not build the harness's wheel from {source} (pip wheel, exit {build.returncode})",
                         details="\n".join(said), fixes=[BUILD_WHEEL_FIX])
    return wheels[-1]
