"""The postgres track's own servers in Docker mode: each one a container of a PostgreSQL image.

A DBA lab runs servers of its own (the learner's configuration is what it grades), and its
checks treat them as local processes: they signal and kill them by pid, read and write their
data folders, reach them on loopback ports and run the learner's scripts beside them. In Docker
mode every such process (the server, initdb, pgbench, a learner's script) is a container of the
image that shares the host's network, process and IPC namespaces, runs as the account a local
server runs as, and sees the run's temporary folders at the same paths. To the checks it is the
local process it would be, with the image's binaries: the labs need no other code for it.

The containers of one `ContainerRun` carry a label of their own: the run's cleanup sidecar
removes them after a crash, and `release()` after a normal end (a container whose `docker run`
was killed, rather than stopped, keeps running until then).

`harness grade` never runs these: a submission's servers stay in its jail and its cgroup.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.errors import EnvironmentProblem
from harness.proc import owner
from harness.proc.reaper import Reaper
from harness.services import docker as dockermod
from harness.services import users
from harness.services.pg_binaries import PgBinaries

LABEL = "harness.pg-run"
# What a server that runs in its container and does not answer on the loopback most likely means.
HOST_NETWORK_FIX = ("Docker mode runs the servers on the host's network (docker run --network host): Docker "
                    "Desktop needs host networking turned on (Settings > Resources > Network, version 4.34 or "
                    "later); or run with --services local")
# What the docker command needs of our environment to reach the engine; none of it enters a container.
CLIENT_ENV = ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "HOME")
# One shell line in the image: where its binaries are, its version, whether pg_stat_statements is there.
_PROBE = ('printf "%s\\n" "$(pg_config --bindir)" "$(postgres --version)"; '
          'test -f "$(pg_config --pkglibdir)/pg_stat_statements.so" && echo pg_stat_statements; '
          'ls "$(pg_config --bindir)" | sed "s/^/tool /"')


@dataclass(frozen=True)
class ImageBinaries(PgBinaries):
    """The image's binaries: `bindir` and `tool()` are paths inside the image."""

    image: str = ""
    image_id: str = ""  # what the cached initdb template is kept under (pg_template.py)
    pg_stat_statements: bool = False
    tools: frozenset[str] = frozenset()

    @property
    def has_pg_stat_statements(self) -> bool:
        return self.pg_stat_statements

    def has_tool(self, name: str) -> bool:
        return name in self.tools


def docker_command() -> str:
    found = shutil.which("docker")
    if found is None:
        raise EnvironmentProblem("Docker mode runs the lab's servers with the docker command, which is not on PATH",
                                 fixes=["Install Docker, or run with --services local"])
    return found


@cache
def image_binaries(image: str) -> ImageBinaries:
    """What the image holds; asked of the image once per run."""
    engine = dockermod.engine()
    if not engine.reachable:
        raise EnvironmentProblem(f"Docker mode needs a Docker engine: {engine.detail}",
                                 fixes=["Start Docker, or run with --services local"])
    if not dockermod.image_present(engine.client, image):
        raise dockermod.missing_image_problem(image, "postgres")
    probe = subprocess.run([docker_command(), "run", "--rm", "--entrypoint", "sh", image, "-c", _PROBE],
                           capture_output=True, text=True, timeout=120, check=False)
    lines = probe.stdout.splitlines()
    version = re.search(r"\(PostgreSQL\) (\d+(?:\.\d+)?)", lines[1]) if len(lines) > 1 else None
    if probe.returncode != 0 or version is None or not lines[0].startswith("/"):
        raise EnvironmentProblem(f"{image} does not look like a PostgreSQL image: pg_config and postgres did not "
                                 "answer in it", tried=[f"docker run --rm --entrypoint sh {image} -c '{_PROBE}'",
                                                        (probe.stderr or probe.stdout).strip()[-300:]],
                                 fixes=["Give an image of PostgreSQL's official kind: --postgres-image postgres:16"])
    return ImageBinaries(bindir=Path(lines[0]), version=version.group(1), source=f"the image {image}",
                         image=image, image_id=str(engine.client.images.get(image).id),
                         pg_stat_statements="pg_stat_statements" in lines[2:],
                         tools=frozenset(line.removeprefix("tool ") for line in lines[2:] if line.startswith("tool ")))


def as_local_initdb_makes(data: Path) -> None:
    """The official image's sample configuration says `listen_addresses = '*'` (for a server
    reached through a port mapping); a local initdb leaves it commented out. The harness gives
    the address on the command line either way, but a reload then finds the file disagreeing
    with it and marks the key as waiting for a restart, which pg.config.starts reads as the
    learner's. Commented out, the cluster's own file says what a local one says."""
    conf = data / "postgresql.conf"
    lines = conf.read_text(encoding="utf-8").splitlines(keepends=True)
    conf.write_text("".join("#" + line if re.match(r"\s*listen_addresses\s*=", line) else line for line in lines),
                    encoding="utf-8")


class ContainerRun:
    """How a server of the track starts in Docker mode (the same questions `users.ServiceRun`
    answers for a local one): the account its files belong to, and the command that starts it."""

    def __init__(self, image: str, reaper: Reaper, run_id: str) -> None:
        self.image = image
        self.account = users.current()  # None: the harness is not root; the containers run as us
        self._docker = docker_command()
        self._tag = secrets.token_hex(6)
        self._run_id = run_id
        self._started: list[str] = []
        reaper.containers(f"{LABEL}={self._tag}")

    def setup_account(self) -> users.Account | None:
        return self.account

    def ids(self) -> tuple[int | None, int | None]:
        return (self.account.uid, self.account.gid) if self.account else (None, None)

    def start_ids(self) -> tuple[int | None, int | None]:
        """The docker command runs as ourselves: the container takes the account itself."""
        return None, None

    def user(self, ids: tuple[int | None, int | None] | None = None) -> str:
        uid, gid = self.ids() if ids is None else ids
        return f"{os.getuid() if uid is None else uid}:{os.getgid() if gid is None else gid}"

    def wrap(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
             ids: tuple[int | None, int | None] | None = None) -> list[str]:
        """`docker run` of argv in the image, attached: a signal to the command reaches the
        container's process (the server's fast shutdown). `env` is what the process gets
        (give the command `client_env(env)`); the temporary folder and `cwd` are bound at their
        paths; `ids`: who it runs as, (None, None) for ourselves (default: the server's account)."""
        name = f"harness-pg-{self._tag}-{len(self._started) + 1}"
        self._started.append(name)
        folders = {Path(tempfile.gettempdir()).resolve()}
        if cwd is not None:
            folders.add(Path(cwd).resolve())
        mounts = [arg for folder in sorted(_outermost(folders)) for arg in ("-v", f"{folder}:{folder}")]
        return [self._docker, "run", "--rm", "--name", name, "--label", f"{LABEL}={self._tag}",
                "--label", f"{dockermod.RUN_LABEL}={self._run_id}", "--label", f"{owner.OWNER_LABEL}={owner.tag()}",
                "--network", "host", "--pid", "host", "--ipc", "host", "--user", self.user(ids),
                # No capability and no setuid way back to one: a learner's script, or an
                # archive_command, can do in the container what the account can do outside.
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                # initdb and the server look their account up: the host's names, read-only.
                "-v", "/etc/passwd:/etc/passwd:ro", "-v", "/etc/group:/etc/group:ro", *mounts,
                *(["-w", str(cwd)] if cwd is not None else []),
                *[arg for key in env or {} for arg in ("-e", key)],
                "--entrypoint", argv[0], self.image, *argv[1:]]

    def client_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """The docker command's environment: the process's variables (`-e NAME` passes each on)
        and what the command needs to reach the engine."""
        return {**{k: os.environ[k] for k in CLIENT_ENV if k in os.environ}, **env}

    def setup_command(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[list[str], dict[str, str],
                                                                                             users.Account | None]:
        """initdb in a container as the server's account; the docker command as ourselves."""
        return self.wrap(argv, env=env, cwd=cwd), self.client_env(env), None

    def tool(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path,
             account: users.Account | None) -> tuple[list[str], dict[str, str], int | None, int | None]:
        """A tool or a learner's script beside the server (pgbench, setup-replica.sh), as `account`
        (None: as ourselves): argv and environment to start, and the ids to start them as."""
        ids = (account.uid, account.gid) if account else (None, None)
        return self.wrap(argv, env=env, cwd=cwd, ids=ids), self.client_env(env), None, None

    def release(self) -> None:
        """Every container this run started that is still there goes (a killed `docker run`
        leaves its container running)."""
        if self._started:
            subprocess.run([self._docker, "rm", "-f", *self._started], capture_output=True, timeout=60, check=False)
            self._started.clear()


def _outermost(folders: set[Path]) -> set[Path]:
    """The folders not inside another of them: one bind each."""
    return {f for f in folders if not any(f != other and f.is_relative_to(other) for other in folders)}
