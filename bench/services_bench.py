"""Time to a ready PostgreSQL and a ready Redis, local binaries next to Docker, in one run.

Also a server of the postgres track's own (a DBA lab starts several per run): a local process,
and a container of the image with the host's network (Docker mode, harness/services/pg_container.py).

Usage: python bench/services_bench.py [--runs 5]
Docker figures need the engine and the images of tests/docker (HARNESS_POSTGRES_IMAGE /
HARNESS_REDIS_IMAGE, default the offline test images).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.proc.reaper import Reaper  # noqa: E402
from harness.services import postgres, simple  # noqa: E402
from harness.services.base import Mode, ServiceSettings  # noqa: E402


def timed(start: Callable[[], object], stop: Callable[[object], None]) -> float:
    begin = time.monotonic()
    server = start()
    ready = time.monotonic() - begin
    stop(server)
    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    images = {"postgres": os.environ.get("HARNESS_POSTGRES_IMAGE", "harness-test/postgres:15"),
              "redis": os.environ.get("HARNESS_REDIS_IMAGE", "harness-test/redis:7")}
    reaper = Reaper()
    reaper.start()
    settings = ServiceSettings(mode=Mode.LOCAL, run_id="rbench", reaper=reaper, images=images)
    own = ServiceSettings(mode=Mode.DOCKER, run_id="rbench", reaper=reaper, images=images,
                          server_image=images["postgres"])
    cases: dict[str, Callable[[], object]] = {
        "postgres local": lambda: postgres.start_local(settings),
        "postgres docker": lambda: postgres.DockerPostgres(images["postgres"], settings),
        "redis local": lambda: simple.start_local("redis", settings),
        "redis docker": lambda: simple.start_docker("redis", images["redis"], settings),
        "track's own local": lambda: postgres.start_local(settings),
        "track's own docker": lambda: postgres.start_local(own),
    }
    results: dict[str, list[float]] = {}
    try:
        for name, start in cases.items():
            try:
                results[name] = [timed(start, lambda s: s.stop()) for _ in range(args.runs)]  # type: ignore[attr-defined]
            except Exception as exc:  # a missing engine or binary: say so, keep the others
                print(f"  {name}: not measured ({exc})")
    finally:
        reaper.close()
    print(f"time to ready, {args.runs} runs each (median [min-max], seconds)")
    for service in ("postgres", "redis", "track's own"):
        local, docker = results.get(f"{service} local"), results.get(f"{service} docker")
        line = f"  {service:<11}"
        for label, values in (("local", local), ("docker", docker)):
            if values:
                line += f"  {label} {statistics.median(values):6.3f} [{min(values):.3f}-{max(values):.3f}]"
        if local and docker:
            line += f"  docker/local {statistics.median(docker) / statistics.median(local):5.1f}x"
        print(line)


if __name__ == "__main__":
    main()
