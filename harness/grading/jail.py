"""The jail launcher: how a submission's own commands (install, migrate, start) are run.

One exec chain, each link doing one thing and then exec'ing the next, so there is no
moment when the submission's code runs outside its limits:

    [nsenter --net=HOST]  install only: registries need the network
    sh -c 'umask 022; echo $$ > .../cgroup.procs'   join the phase's cgroups while still root
    prlimit --fsize --nofile --core=0    per-process limits the cgroup cannot express
    setpriv --reuid=U --regid=U           the submission's own uid, no groups, no new privileges
    bwrap --clearenv --setenv ...         read-only machine, its folders writable, private /tmp,
                                          own PID namespace, dies with the harness
    /bin/sh -c "<the command from harness.toml>"

The uid switch happens in the chain rather than through `Launcher.account()` because the
cgroup join and the namespace switch need root, and must happen before the drop.
Without bwrap (a container that forbids user namespaces), `env -i` after the drop sets the
environment and the rest of the chain still applies; without cgroups, RLIMIT_NPROC bounds
the processes.

Nothing of the submission's reaches the root steps: each tool is named by the absolute path
found in the system folders (tools.py), the chain starts with a fixed environment
(tools.ROOT_ENV), and the submission's variables (its `[app] env`, PORT, the service URLs)
are set only by the last step, bwrap or `env -i`, which already runs as the submission's uid.
A PATH of `./bin` or an LD_PRELOAD in harness.toml therefore applies to its own commands
and to nothing that runs as root.

One more phase is the harness's own: COPY, the lab's warmed dependencies copied into the
submission in place of its install (grading/reuse.py). It runs in the install's cgroups,
without the network, with the read-only store bound back over the hidden grading folder
for that step only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness import systools as tools
from harness.grading.cgroups import MOUNT

# Where the harness's own toolchain caches live: the submission gets its own under HOME.
_UNSET = ("npm_config_cache", "GOCACHE", "GOPATH", "MAVEN_OPTS", "VIRTUAL_ENV")
COPY = "copy-deps"


@dataclass(frozen=True)
class JailSpec:
    uid: int | None                # None: no uid switch (isolation "none")
    workdir: str
    home: str
    tmp: str                       # TMPDIR when there is no bwrap (its /tmp is private otherwise)
    bwrap: bool = True
    hide: tuple[str, ...] = ()     # covered with an empty tmpfs: other submissions, results
    install_procs: tuple[str, ...] = ()
    run_procs: tuple[str, ...] = ()
    host_netns: str | None = None  # install runs in this network namespace when set
    file_size_bytes: int = 64 * 1024 * 1024
    open_files: int = 1024
    processes: int = 128           # RLIMIT_NPROC, only when there is no pids cgroup
    extra_env: Mapping[str, str] = field(default_factory=dict)
    # Bound read-only over `hide` for the copy phase only: the lab's warmed dependencies (warm.py).
    warm_store: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["hide"] = list(self.hide)
        data["install_procs"] = list(self.install_procs)
        data["run_procs"] = list(self.run_procs)
        data["extra_env"] = dict(self.extra_env)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JailSpec:
        values = dict(data)
        for key in ("hide", "install_procs", "run_procs"):
            values[key] = tuple(values.get(key, ()))
        values["extra_env"] = dict(values.get("extra_env", {}))
        return cls(**values)


def join_cgroups(procs_files: tuple[str, ...]) -> list[str]:
    return tools.joining(procs_files, "harness-jail")


def enter(procs_files: tuple[str, ...]) -> list[str]:
    """The first root step: a fixed umask (the grader's own is 077), then the phase's cgroups."""
    return tools.joining(procs_files, "harness-jail", first=["umask 022"])


def dns_files() -> list[str]:
    """What /etc/resolv.conf points to under /run (systemd-resolved's stub file): the one
    thing an install needs from /run, bound back alone after /run is hidden."""
    real = os.path.realpath("/etc/resolv.conf")
    return [real] if real.startswith("/run/") and os.path.isfile(real) else []


def cgroup_views(procs_files: tuple[str, ...], mount: Path = MOUNT) -> list[tuple[str, str]]:
    """(the phase's own group, where the jail sees it): inside the jail /sys/fs/cgroup shows
    its own groups only, as in a container (the run's token, the other slots stay hidden),
    and a runtime that sizes itself from memory.max (the JVM, Node) reads its own limit."""
    unified = (mount / "cgroup.controllers").is_file()
    views = []
    for procs in procs_files:
        group = Path(procs).parent
        if not group.is_relative_to(mount) or group == mount:
            return []  # an unusual layout: the view stays as it is
        relative = group.relative_to(mount)
        views.append((str(group), str(mount if unified else mount / relative.parts[0])))
    return views


class JailLauncher:
    """The runner's Launcher for untrusted projects (see the module docstring)."""

    def __init__(self, spec: JailSpec, tool: Callable[[str], str] = tools.tool) -> None:
        self.spec = spec
        self._tool = tool  # absolute paths of the root steps' tools (tests pass their own)

    def account(self) -> tuple[int | None, int | None]:
        return None, None  # dropped inside the chain, after the root-only steps

    def wrap(self, argv: list[str], *, phase: str, cwd: Path, env: Mapping[str, str],
             readable: Sequence[Path] = ()) -> tuple[list[str], dict[str, str]]:
        """The chain that runs `argv`, and the fixed environment its first (root) step gets;
        `env`, the submission's environment, is applied by the last step only."""
        spec = self.spec
        tool = self._tool
        install = phase == "install"
        # COPY (the warmed dependencies copied in, in place of the install) counts in the
        # install's groups like the install it replaces, but gets no network.
        procs = spec.install_procs if install or phase == COPY else spec.run_procs
        chain: list[str] = []
        if install and spec.host_netns:
            chain += [tool("nsenter"), f"--net={spec.host_netns}", "--"]
        chain += enter(procs)
        chain += [tool("prlimit"), f"--fsize={spec.file_size_bytes}", f"--nofile={spec.open_files}", "--core=0"]
        if not procs and spec.uid is not None:
            chain.append(f"--nproc={spec.processes}")
        chain.append("--")
        if spec.uid is not None:
            chain += [tool("setpriv"), f"--reuid={spec.uid}", f"--regid={spec.uid}", "--clear-groups",
                      "--no-new-privs", "--"]
        inner = self._inner_env(env)
        store = spec.warm_store if phase == COPY else None
        chain += self._bwrap(install, cwd, procs, inner, store, readable) if spec.bwrap else self._env(inner)
        return chain + argv, dict(tools.ROOT_ENV)

    def _inner_env(self, env: Mapping[str, str]) -> dict[str, str]:
        spec = self.spec
        inner = {name: value for name, value in env.items() if name not in _UNSET}
        inner["HOME"] = spec.home
        inner["TMPDIR"] = "/tmp" if spec.bwrap else spec.tmp
        inner.update(spec.extra_env)
        return inner

    def _bwrap(self, install: bool, cwd: Path, procs: tuple[str, ...], env: Mapping[str, str],
               store: str | None = None, readable: Sequence[Path] = ()) -> list[str]:
        spec = self.spec
        # bwrap starts the command in --chdir, not in the directory it was started from: a
        # command run elsewhere in the project (a seeded bug's copy) must name its folder.
        if not cwd.is_relative_to(spec.workdir):
            raise ValueError(f"{cwd} is outside the jailed project {spec.workdir}")
        args = [self._tool("bwrap"), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        # /run holds the machine's sockets (D-Bus, nscd, the container runtime's); an install
        # gets back only the resolver file that /etc/resolv.conf may point into.
        for path in ("/run", *spec.hide):
            args += ["--tmpfs", path]
        if install:
            for path in dns_files():
                args += ["--ro-bind", path, path]
        if store is not None:  # inside the hidden grading folder: seen again, read-only
            args += ["--ro-bind", store, store]
        # The harness's own folders the command reads (the fake clock's offset file, written by
        # the harness as it moves the app's clock): seen read-only, over the private /tmp and the
        # hidden grading folder they may lie in. Never a folder of the submission's: only the
        # harness names these, and it writes into them outside the jail.
        for folder in readable:
            args += ["--ro-bind", str(folder), str(folder)]
        views = cgroup_views(procs)
        if views:
            args += ["--tmpfs", str(MOUNT)]
            for group, seen_as in views:
                args += ["--ro-bind", group, seen_as]
        args += ["--bind", spec.workdir, spec.workdir, "--bind", spec.home, spec.home,
                 "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                 "--die-with-parent", "--new-session", "--chdir", str(cwd), "--clearenv"]
        for name, value in env.items():
            args += ["--setenv", name, value]
        return [*args, "--"]

    def _env(self, env: Mapping[str, str]) -> list[str]:
        # `--` ends env's options; the assignments after it are still assignments.
        return [self._tool("env"), "-i", "--", *(f"{name}={value}" for name, value in env.items())]
