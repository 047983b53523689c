"""The jail launcher: how a submission's own commands (install, migrate, start) are run.

One exec chain, each link doing one thing and then exec'ing the next, so there is no
moment when the submission's code runs outside its limits:

    [nsenter --net=HOST]  install only: registries need the network
    sh -c 'echo $$ > .../cgroup.procs'   join the phase's cgroups while still root
    prlimit --fsize --nofile --core=0    per-process limits the cgroup cannot express
    setpriv --reuid=U --regid=U           the submission's own uid, no groups, no new privileges
    bwrap ...                             read-only machine, its folders writable, private /tmp,
                                          own PID namespace, dies with the harness
    /bin/sh -c "<the command from harness.toml>"

The uid switch happens in the chain rather than through `Launcher.account()` because the
cgroup join and the namespace switch need root, and must happen before the drop.
Without bwrap (a container that forbids user namespaces), `env` sets HOME and TMPDIR and
the rest of the chain still applies; without cgroups, RLIMIT_NPROC bounds the processes.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Where the harness's own toolchain caches live: the submission gets its own under HOME.
_UNSET = ("npm_config_cache", "GOCACHE", "GOPATH", "MAVEN_OPTS", "VIRTUAL_ENV")


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
    joins = " && ".join(f"echo $$ > {shlex.quote(path)}" for path in procs_files)
    script = f'{joins} || {{ echo "harness: could not join the cgroup" >&2; exit 125; }}; exec "$@"'
    return ["/bin/sh", "-c", script, "harness-jail"]


class JailLauncher:
    """The runner's Launcher for untrusted projects (see the module docstring)."""

    def __init__(self, spec: JailSpec) -> None:
        self.spec = spec

    def account(self) -> tuple[int | None, int | None]:
        return None, None  # dropped inside the chain, after the root-only steps

    def wrap(self, argv: list[str], *, phase: str, cwd: Path) -> list[str]:
        spec = self.spec
        install = phase == "install"
        chain: list[str] = []
        if install and spec.host_netns:
            chain += ["nsenter", f"--net={spec.host_netns}", "--"]
        procs = spec.install_procs if install else spec.run_procs
        if procs:
            chain += join_cgroups(procs)
        chain += ["prlimit", f"--fsize={spec.file_size_bytes}", f"--nofile={spec.open_files}", "--core=0"]
        if not procs and spec.uid is not None:
            chain.append(f"--nproc={spec.processes}")
        chain.append("--")
        if spec.uid is not None:
            chain += ["setpriv", f"--reuid={spec.uid}", f"--regid={spec.uid}", "--clear-groups",
                      "--no-new-privs", "--"]
        chain += self._bwrap(install, cwd) if spec.bwrap else self._env()
        return chain + argv

    def _bwrap(self, install: bool, cwd: Path) -> list[str]:
        spec = self.spec
        # bwrap starts the command in --chdir, not in the directory it was started from: a
        # command run elsewhere in the project (a seeded bug's copy) must name its folder.
        if not cwd.is_relative_to(spec.workdir):
            raise ValueError(f"{cwd} is outside the jailed project {spec.workdir}")
        args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        # /run holds the machine's world-writable sockets (D-Bus, nscd); installs keep it, since
        # /etc/resolv.conf often points into it and registries need DNS.
        hide = spec.hide if install else ("/run", *spec.hide)
        for path in hide:
            args += ["--tmpfs", path]
        args += ["--bind", spec.workdir, spec.workdir, "--bind", spec.home, spec.home,
                 "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                 "--die-with-parent", "--new-session", "--chdir", str(cwd),
                 "--setenv", "HOME", spec.home, "--setenv", "TMPDIR", "/tmp"]
        for name in _UNSET:
            args += ["--unsetenv", name]
        for name, value in spec.extra_env.items():
            args += ["--setenv", name, value]
        return [*args, "--"]

    def _env(self) -> list[str]:
        spec = self.spec
        args = ["env"]
        for name in _UNSET:
            args += ["-u", name]
        # `--` ends env's options; the assignments after it are still assignments.
        args += ["--", f"HOME={spec.home}", f"TMPDIR={spec.tmp}"]
        args += [f"{name}={value}" for name, value in spec.extra_env.items()]
        return args
