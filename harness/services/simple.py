"""Redis and MongoDB: one server binary, one port, a temp dir; or a container; or a URL."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import EnvironmentProblem
from harness.proc import owner
from harness.proc.process import ManagedProcess
from harness.services import users
from harness.services.base import LOCAL_POLL_S, ServiceSettings, free_port, wait_until


@dataclass
class SimpleServer:
    """A running Redis or MongoDB: the URL the app gets, and how to stop it."""

    service: str
    mode: str
    url: str
    description: str
    _stop: Callable[[], None]
    _tail: Callable[[int], str] = lambda _n: ""

    def stop(self) -> None:
        self._stop()

    def log_tail(self, lines: int = 20) -> str:
        return self._tail(lines)


_BINARIES = {"redis": "redis-server", "mongodb": "mongod"}
_INSTALL_HINTS = {
    "redis": "apt-get install redis-server (Debian/Ubuntu), brew install redis (macOS)",
    "mongodb": "install MongoDB Community Server from mongodb.com (mongod on PATH)",
}
_SEARCH_DIRS = ("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin", "/snap/bin")


def find_binary(service: str) -> tuple[Path | None, list[str]]:
    name = _BINARIES[service]
    tried: list[str] = []
    found = shutil.which(name)
    if found:
        return Path(found), tried
    tried.append(f"PATH: no {name}")
    for directory in _SEARCH_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file():
            return candidate, tried
        tried.append(f"{candidate}: not there")
    return None, tried


def _ping_redis(url: str) -> Callable[[], None]:
    def ping() -> None:
        import redis

        client: Any = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    return ping


def _ping_mongo(url: str) -> Callable[[], None]:
    def ping() -> None:
        import pymongo

        client: Any = pymongo.MongoClient(url, serverSelectionTimeoutMS=1000)
        try:
            client.admin.command("ping")
        finally:
            client.close()
    return ping


def start_local(service: str, settings: ServiceSettings, timeout_s: float = 30.0) -> SimpleServer:
    binary, tried = find_binary(service)
    if binary is None:
        raise EnvironmentProblem(
            f"no {_BINARIES[service]} found for --services local",
            tried=tried,
            fixes=[f"Install it: {_INSTALL_HINTS[service]}",
                   "Or use Docker: --services docker",
                   f"Or give a server: --services external --{service.replace('mongodb', 'mongo')}-url URL"],
        )
    settings.progress(f"starting local {service} ({binary})")
    run = users.service_run()  # grading: the submission's own services uid and cgroup
    account = run.account
    workdir = Path(tempfile.mkdtemp(prefix=f"harness-{service}-"))
    settings.reaper.path(workdir)
    owner.mark(workdir)
    users.give(workdir, account)
    port = free_port()
    if service == "redis":
        argv = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(workdir), "--daemonize", "no", "--protected-mode", "yes"]
        url = f"redis://127.0.0.1:{port}/0"
        ping = _ping_redis(url)
    else:
        argv = [str(binary), "--dbpath", str(workdir), "--port", str(port), "--bind_ip", "127.0.0.1"]
        url = f"mongodb://127.0.0.1:{port}"
        ping = _ping_mongo(url)
    uid, gid = run.start_ids()
    proc = ManagedProcess(service, run.wrap(argv), cwd=workdir, env={"PATH": "/usr/bin:/bin"},
                          user=uid, group=gid, on_start=settings.reaper.process_group)

    def stop() -> None:
        proc.stop(grace_s=5.0)
        settings.reaper.forget_process_group(proc.pid)
        shutil.rmtree(workdir, ignore_errors=True)
        settings.reaper.forget_path(workdir)

    proc.start()
    try:
        wait_until(f"{service} ({binary})", ping, timeout_s=timeout_s, alive=proc.alive,
                   log_tail=lambda: proc.tail(20), interval_s=LOCAL_POLL_S)
    except BaseException:
        stop()
        raise
    return SimpleServer(service, "local", url, f"local {service} ({binary}), port {port}", stop, proc.tail)


def start_docker(service: str, image: str, settings: ServiceSettings) -> SimpleServer:
    from harness.services import containers

    if service == "redis":
        handle = containers.start("redis", image, settings, port=6379, env={}, command=None,
                                  ping=lambda h, p: _ping_redis(f"redis://{h}:{p}/0")())
        url = f"redis://{handle.host}:{handle.port}/0"
    else:
        user, password = "harness", secrets.token_urlsafe(18)
        handle = containers.start(
            "mongodb", image, settings, port=27017, command=None,
            env={"MONGO_INITDB_ROOT_USERNAME": user, "MONGO_INITDB_ROOT_PASSWORD": password},
            ping=lambda h, p: _ping_mongo(f"mongodb://{user}:{password}@{h}:{p}")())
        url = f"mongodb://{user}:{password}@{handle.host}:{handle.port}"
    return SimpleServer(service, "docker", url, f"{service} in Docker ({image}), port {handle.port}",
                        handle.stop, handle.logs)


def external(service: str, url: str) -> SimpleServer:
    schemes = {"redis": ("redis", "rediss"), "mongodb": ("mongodb", "mongodb+srv")}[service]
    if url.split("://", 1)[0] not in schemes:
        raise EnvironmentProblem(f"the {service} URL must start with {' or '.join(s + '://' for s in schemes)}",
                                 fixes=[f"Pass e.g. --{service.replace('mongodb', 'mongo')}-url {schemes[0]}://localhost"])
    ping = _ping_redis(url) if service == "redis" else _ping_mongo(url)
    try:
        ping()
    except Exception as exc:
        raise EnvironmentProblem(f"cannot reach the {service} at {url}: {exc}",
                                 fixes=["Check the URL and that the server is running"]) from None
    return SimpleServer(service, "external", url, f"external {service}", lambda: None)
