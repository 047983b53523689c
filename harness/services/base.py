"""What every service module shares: modes, the run's settings, readiness polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from harness.config import ServiceImages
from harness.errors import ServiceError
from harness.proc.ports import free_port as free_port  # where the services and the runner import it from
from harness.proc.reaper import Reaper

T = TypeVar("T")


class Mode(StrEnum):
    AUTO = "auto"
    DOCKER = "docker"
    LOCAL = "local"
    EXTERNAL = "external"


DEFAULT_IMAGES = {"postgres": "postgres:16", "redis": "redis:7", "mongodb": "mongo:7"}
IMAGE_ENV = {"postgres": "HARNESS_POSTGRES_IMAGE", "redis": "HARNESS_REDIS_IMAGE",
             "mongodb": "HARNESS_MONGODB_IMAGE"}
URL_ENV = {"postgres": "HARNESS_POSTGRES_URL", "redis": "HARNESS_REDIS_URL",
           "mongodb": "HARNESS_MONGODB_URL"}


@dataclass(frozen=True)
class ServiceSettings:
    """How the run wants its services; resolved once at run start, passed everywhere."""

    mode: Mode
    run_id: str
    reaper: Reaper
    urls: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    progress: Callable[[str], None] = lambda _msg: None
    # Docker mode for the servers a lab runs itself (the postgres track): their image; None, local binaries.
    server_image: str | None = None

    def image(self, service: str) -> str:
        return self.images.get(service) or DEFAULT_IMAGES[service]


def resolve_images(flags: dict[str, str | None], project: ServiceImages | None, env: dict[str, str]) -> dict[str, str]:
    """Flag, then harness.toml, then environment, then the official image."""
    chosen: dict[str, str] = {}
    for service in DEFAULT_IMAGES:
        from_project = getattr(project, service, None) if project else None
        value = flags.get(service) or from_project or env.get(IMAGE_ENV[service])
        if value:
            chosen[service] = value
    return chosen


# The first pause between attempts on a local process: its refused connections are cheap.
# The pauses grow from there (wait_until), so a slow start is asked about no more than usual.
LOCAL_POLL_S = 0.005


def wait_until(
    what: str,
    attempt: Callable[[], T],
    *,
    timeout_s: float,
    alive: Callable[[], bool] = lambda: True,
    log_tail: Callable[[], str] = lambda: "",
    interval_s: float = 0.05,
) -> T:
    """Poll `attempt` until it returns; notice a process that died; say what was last seen."""
    deadline = time.monotonic() + timeout_s
    last_error = "no attempt made"
    while True:
        if not alive():
            raise ServiceError(f"{what} exited before it became ready", log_tail=log_tail())
        try:
            return attempt()
        except Exception as exc:  # any failure to connect is "not ready yet"
            last_error = f"{type(exc).__name__}: {exc}".strip()
        if time.monotonic() >= deadline:
            raise ServiceError(
                f"{what} did not become ready within {timeout_s:.0f} s (last attempt: {last_error})",
                log_tail=log_tail(),
            )
        time.sleep(interval_s)
        # At most 0.1 s between attempts: a failed connect costs next to nothing, and a start is
        # seen as soon as it happens instead of up to half a second later.
        interval_s = min(interval_s * 1.5, 0.1)
