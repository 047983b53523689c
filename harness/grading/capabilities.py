"""What this machine lets the grader do, found by trying each piece once before grading.

`--isolation strict` (the default) refuses to run untrusted code when a piece is missing
and says how to get it; `auto` uses what there is and prints, loudly, what is not
isolated; `none` runs submissions like `harness check` does (trusted code only).
"""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass, field

from harness import systools as tools
from harness.errors import EnvironmentProblem
from harness.grading.cgroups import PREFIX, Hierarchy

ISOLATIONS = ("strict", "auto", "none")
# Looked up in the system folders only (tools.SYSTEM_PATH), as the grader runs them.
TOOLS = ("unshare", "nsenter", "ip", "prlimit", "setpriv", "bwrap", "env")


@dataclass(frozen=True)
class Capabilities:
    root: bool
    cgroups: Hierarchy | None
    netns: bool
    uid_switch: bool
    bwrap: bool
    problems: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (what is missing, how to fix it)

    def describe(self) -> str:
        parts = [f"cgroups {self.cgroups.version}" if self.cgroups else "no cgroups",
                 "network namespace" if self.netns else "no network namespace",
                 "own uid per submission" if self.uid_switch else "no uid switch",
                 "bubblewrap" if self.bwrap else "no bubblewrap"]
        return ", ".join(parts)


def _run(argv: list[str]) -> tuple[bool, str]:
    try:
        proc = subprocess.run([tools.find(argv[0]) or argv[0], *argv[1:]], capture_output=True, text=True,
                              timeout=20, env=tools.ROOT_ENV)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return proc.returncode == 0, (proc.stderr or proc.stdout).strip()


def _cgroups() -> tuple[Hierarchy | None, str]:
    hierarchy = Hierarchy.detect()
    if hierarchy is None:
        return None, "no cgroup v2 with memory, pids and cpu, nor cgroup v1 with memory, pids, cpu, cpuacct"
    try:
        group = hierarchy.root_group(f"{PREFIX}probe-{secrets.token_hex(3)}")
    except OSError as exc:
        return None, f"cannot create a cgroup under {next(iter(hierarchy.bases.values()))}: {exc.strerror}"
    try:
        group.child("leaf").limit(memory_bytes=64 * 1024 * 1024, pids=16, cpus=0.5)
    except OSError as exc:
        return None, f"cannot set cgroup limits: {exc.strerror}"
    finally:
        group.remove()
    return hierarchy, ""


def probe(uid: int) -> Capabilities:
    root = os.geteuid() == 0
    missing_tools = [t for t in TOOLS if tools.find(t) is None]
    problems: list[tuple[str, str]] = []
    if not root:
        problems.append(("root", "Run the grader as root (sudo -E harness grade ...): it creates cgroups, "
                                 "network namespaces and a uid per submission"))
    if missing_tools:
        problems.append((f"tools: {', '.join(missing_tools)}",
                         "apt-get install util-linux iproute2 bubblewrap coreutils (in /usr/bin, /usr/sbin, /bin "
                         "or /sbin: the grader does not look them up on PATH)"))
    cgroups, why = _cgroups() if root else (None, "not root")
    if root and cgroups is None:
        problems.append((f"cgroups ({why})", "Mount cgroup v2 (or v1 memory, pids, cpu, cpuacct) read-write; "
                                             "in a container, run it with --privileged or a delegated cgroup"))
    netns = root and not {"unshare", "ip"} & set(missing_tools) and _run(
        ["unshare", "--net", "--", tools.tool("ip"), "link", "set", "lo", "up"])[0]
    if root and not netns:
        problems.append(("network namespaces (unshare --net failed)",
                         "Allow CAP_SYS_ADMIN (a privileged container), or grade on a VM"))
    uid_switch = root and "setpriv" not in missing_tools
    bwrap = False
    if uid_switch and "bwrap" not in missing_tools:
        bwrap, detail = _run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                              tools.tool("bwrap"), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                              "--unshare-pid", "--die-with-parent", "--clearenv", "--", "/bin/true"])
        if not bwrap and "clearenv" in detail:
            # The jail sets the submission's variables with --clearenv/--setenv (bubblewrap 0.5+).
            problems.append((f"a bubblewrap that knows --clearenv ({detail})",
                             "Install bubblewrap 0.5 or later (Debian 12, Ubuntu 22.04 and later have it)"))
        elif not bwrap:
            problems.append((f"bubblewrap as an unprivileged uid ({detail or 'failed'})",
                             "Allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1; "
                             "on Ubuntu 24.04: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"))
    return Capabilities(root=root, cgroups=cgroups, netns=netns, uid_switch=uid_switch, bwrap=bwrap,
                        problems=tuple(problems))


def require(caps: Capabilities, isolation: str) -> list[str]:
    """Warnings to print loudly (auto), or an EnvironmentProblem (strict) when a piece is missing."""
    if isolation == "none":
        return ["isolation none: submissions run with the grader's rights, the machine's network and "
                "no limits but the timeouts; grade only code you trust this way"]
    if not caps.problems:
        return []
    if isolation == "strict":
        raise EnvironmentProblem(
            "the grader cannot isolate submissions on this machine (--isolation strict)",
            tried=[what for what, _ in caps.problems],
            fixes=[fix for _, fix in caps.problems]
            + ["Or grade with what there is: --isolation auto (prints what is not isolated)"],
        )
    return [f"NOT ISOLATED: {what}. {fix}" for what, fix in caps.problems]
