"""Starting one service container: Testcontainers for the container, the harness for readiness.

Testcontainers' own waits poll for up to two minutes and do not notice a container that
exited, so readiness is the harness's: the service's client must answer, the container
must still be running, and a failure shows the container's last log lines.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import EnvironmentProblem, ServiceError
from harness.proc import owner
from harness.services import docker as dockermod
from harness.services.base import ServiceSettings, wait_until

RYUK_DEFAULT = "testcontainers/ryuk:0.8.1"


@dataclass
class RunningContainer:
    container: Any  # testcontainers DockerContainer
    image: str
    host: str
    port: int

    def logs(self, lines: int = 20) -> str:
        return dockermod.container_logs(self.container, lines)

    def running(self) -> bool:
        try:
            wrapped = self.container.get_wrapped_container()
            wrapped.reload()
            return bool(wrapped.status in ("created", "running", "restarting"))
        except Exception:
            return False

    def stop(self) -> None:
        # Best effort: the reaper and `harness doctor` sweep leftovers by label.
        with contextlib.suppress(Exception):
            self.container.stop()


def check_ryuk(client: Any) -> None:
    """Ryuk is off by default; a user who turned it on must have its image, or we would pull."""
    if os.environ.get("TESTCONTAINERS_RYUK_DISABLED", "true").lower() in ("1", "true", "yes"):
        return
    image = os.environ.get("RYUK_CONTAINER_IMAGE", RYUK_DEFAULT)
    if not dockermod.image_present(client, image):
        raise EnvironmentProblem(
            f"TESTCONTAINERS_RYUK_DISABLED is off, so Testcontainers would start its Ryuk container, "
            f"but its image {image} is not present locally",
            fixes=["Disable Ryuk: export TESTCONTAINERS_RYUK_DISABLED=true (the harness cleans up its "
                   "containers itself, by label)",
                   f"Or pre-load the image: docker pull {image} (or docker load -i ryuk.tar)"],
        )


def start(
    service: str,
    image: str,
    settings: ServiceSettings,
    *,
    port: int,
    env: Mapping[str, str],
    command: str | None,
    ping: Callable[[str, int], None],
    timeout_s: float = 60.0,
) -> RunningContainer:
    dockermod.configure_testcontainers()
    from testcontainers.core.container import DockerContainer

    container = DockerContainer(image).with_exposed_ports(port).with_kwargs(
        labels={dockermod.RUN_LABEL: settings.run_id, owner.OWNER_LABEL: owner.tag()})
    for key, value in env.items():
        container.with_env(key, value)
    if command:
        container.with_command(command)
    settings.reaper.containers(f"{dockermod.RUN_LABEL}={settings.run_id}")
    handle = RunningContainer(container, image, "", 0)
    def mapped() -> None:
        if not handle.running():
            raise ServiceError(f"the {service} container ({image}) exited right after it started",
                               log_tail=handle.logs())
        handle.host = container.get_container_host_ip()
        handle.port = int(container.get_exposed_port(port))

    try:
        container.start()
        # The mapped port exists only once the container runs; an exit is reported as such.
        wait_until(f"the {service} container ({image})", mapped, timeout_s=10, alive=handle.running,
                   log_tail=handle.logs)
        wait_until(f"the {service} container ({image})", lambda: ping(handle.host, handle.port),
                   timeout_s=timeout_s, alive=handle.running, log_tail=handle.logs)
    except ServiceError as exc:
        handle.stop()
        died = "exited" in exc.message
        raise ServiceError(
            exc.message,
            log_tail=exc.log_tail,
            fixes=[f"See why by hand: docker run --rm {image}"
                   + (" (it exited: a wrong image for this service, or a bad configuration)" if died else ""),
                   "Or use --services local"],
        ) from None
    except Exception as exc:
        logs = handle.logs()
        handle.stop()
        raise ServiceError(f"the {service} container ({image}) could not be started: "
                           f"{str(exc).strip() or type(exc).__name__}", log_tail=logs,
                           fixes=[f"Run it by hand to see why: docker run --rm {image}",
                                  "Or use --services local"]) from None
    return handle
