"""The Docker path: Testcontainers with the official images, never an accidental pull.

Testcontainers reads its settings from the environment at import time, so they are set
here, before the first import: Ryuk off unless the user asked for it (its image cannot be
assumed present), and mapped ports reached on loopback (inside a container, or with
/.dockerenv present, Testcontainers would otherwise pick a gateway address).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

from harness.errors import EnvironmentProblem

RUN_LABEL = "dev.harness.run"


def configure_testcontainers() -> None:
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
    os.environ.setdefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")


@dataclass(frozen=True)
class Engine:
    reachable: bool
    detail: str  # version, or why it did not answer
    docker_host: str
    client: Any = None  # docker.DockerClient when reachable


def engine(timeout_s: float = 3.0) -> Engine:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    # A socket nobody listens on (no Docker, or an engine that is not running): said without
    # importing the docker package, a tenth of a second of every run where the local default runs.
    if host.startswith("unix://"):
        refused = _unix_refusal(host.removeprefix("unix://"))
        if refused:
            return Engine(False, f"no answer from {host}: {refused}", host)
    try:
        import docker
    except ImportError:
        return Engine(False, "the docker Python package is not installed", host)
    try:
        client = docker.from_env(timeout=int(max(timeout_s, 1)))
        client.ping()
        version = client.version().get("Version", "?")
    except Exception as exc:  # any failure means "no engine we can use"
        reason = str(exc).split("(Caused by")[0].strip()
        return Engine(False, f"no answer from {host}: {reason}", host)
    return Engine(True, f"Docker Engine {version}", host, client)


def _unix_refusal(path: str) -> str | None:
    """Why nothing answers on the socket at `path`, or None when something accepts (or it cannot
    be told here: the docker package then asks the engine itself)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        return exc.strerror or type(exc).__name__
    except OSError:
        return None  # a permission problem, say: the docker package words it for the user
    finally:
        probe.close()
    return None


def image_present(client: Any, image: str) -> bool:
    import docker.errors

    try:
        client.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False


def missing_image_problem(image: str, service: str) -> EnvironmentProblem:
    env = {"postgres": "HARNESS_POSTGRES_IMAGE", "redis": "HARNESS_REDIS_IMAGE",
           "mongodb": "HARNESS_MONGODB_IMAGE"}[service]
    return EnvironmentProblem(
        f"the {service} image {image} is not present locally, and the harness does not pull images "
        "during a check",
        fixes=[
            f"Pull it once where a registry is reachable: docker pull {image}",
            f"Or load a saved copy: docker load -i {image.replace('/', '_').replace(':', '_')}.tar",
            f"Or name an image you have: --{service}-image IMAGE, [services] {service}_image in "
            f"harness.toml, or {env}",
            "Or run without Docker: --services local",
        ],
    )


def container_logs(container: Any, lines: int = 20) -> str:
    try:
        raw = container.get_wrapped_container().logs(tail=lines)
        return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    except Exception:
        return ""
