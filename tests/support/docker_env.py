"""The Docker engine and the offline images, for the docker-mode tests.

The engine is started and the images built (once, then reused) by the scripts in
tests/docker/; a machine that cannot do that fails these tests with the reason.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_IMAGE = "harness-test/postgres:15"
REDIS_IMAGE = "harness-test/redis:7"
IMAGE_ENV = {"HARNESS_POSTGRES_IMAGE": POSTGRES_IMAGE, "HARNESS_REDIS_IMAGE": REDIS_IMAGE}


def ensure_engine_and_images() -> None:
    if not shutil.which("docker") or not shutil.which("dockerd"):
        raise RuntimeError("docker-mode tests need Docker: apt-get install docker.io "
                           "(or run the other tests with: scripts/test -m 'not docker')")
    # pytest-xdist workers all get here: one builds, the others wait for it.
    lock_path = ROOT / "tests" / "docker" / ".cache" / "setup.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for script in ("start-engine.sh", "build-images.sh"):
            proc = subprocess.run([str(ROOT / "tests" / "docker" / script)], capture_output=True, text=True,
                                  timeout=900)
            if proc.returncode != 0:
                raise RuntimeError(f"tests/docker/{script} failed:\n{proc.stdout}\n{proc.stderr}")
    os.environ.update(IMAGE_ENV)


def labelled_containers(run_id: str | None = None) -> list[str]:
    label = "dev.harness.run" + (f"={run_id}" if run_id else "")
    out = subprocess.run(["docker", "ps", "-aq", "--filter", f"label={label}"], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()
