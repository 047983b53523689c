"""A small server of a test's own, started and stopped by the harness's AppRunner as an app."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from harness.config import parse_config
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppRunner
from harness.services.base import free_port


@contextlib.contextmanager
def running_app(folder: Path, server: str, *, track: str = "node",
                start: str | None = None) -> Iterator[tuple[AppRunner, int]]:
    """`server` (Python source) written to folder/server.py and started as the app of a project of
    `track` on a free port (its health route /health), stopped and reaped at the end."""
    (folder / "server.py").write_text(server)
    command = start or f"{sys.executable} server.py"
    config = parse_config(folder, {"track": track, "app": {"start": command, "health": "/health"}}, "harness.toml")
    port = free_port()
    reaper = Reaper()
    runner = AppRunner(config, workdir=folder, app_env=AppEnvironment(port=port, service_urls={}),
                       reaper=reaper, progress=lambda _message: None)
    try:
        runner.start()
        runner.wait_ready()
        yield runner, port
    finally:
        runner.stop()
        reaper.close()
