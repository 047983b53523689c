"""The Docker path: Testcontainers with the official images, never an accidental pull.

Testcontainers reads its settings from the environment at import time, so they are set
here, before the first import: Ryuk off unless the user asked for it (its image cannot be
assumed present), and mapped ports reached on loopback (inside a container, or with
/.dockerenv present, Testcontainers would otherwise pick a gateway address).
"""

from __future__ import annotations

import os
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
