"""The submission's network namespace, seen from outside through /proc/<pid>/net.

A fresh namespace holds only a loopback device: the worker's PostgreSQL, the app and the
harness's probes meet there, and any other destination has no route. The kernel counts
those attempts (OutNoRoutes in /proc/net/snmp and snmp6), which is how a submission that
tried to reach the internet or another host is named, whatever it printed. The harness
itself only ever talks to 127.0.0.1, so every count is the submission's.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import systools as tools

LISTEN = "0A"
# Linux's default ip_local_port_range: what bind(port 0) hands out. A project's own test
# suite listens on such ports (supertest, a test server); a port the app was not given
# and that it chose itself (3000, 8080, 9999) is below it.
EPHEMERAL = (32768, 60999)


def ephemeral(port: int) -> bool:
    return EPHEMERAL[0] <= port <= EPHEMERAL[1]


def worker_prefix() -> list[str]:
    """Run the worker in a new network namespace (it brings its loopback up itself)."""
    return [tools.tool("unshare"), "--net", "--"]


def bring_up_loopback() -> None:
    subprocess.run([tools.tool("ip"), "link", "set", "lo", "up"], check=True, capture_output=True, timeout=10,
                   env=tools.ROOT_ENV)


def parse_snmp(text: str) -> dict[str, int]:
    """/proc/net/snmp: pairs of header and value lines -> {"Ip.OutNoRoutes": n, ...}."""
    lines = text.splitlines()
    out: dict[str, int] = {}
    for header, values in zip(lines[::2], lines[1::2], strict=False):
        prefix = header.split(":", 1)[0]
        for name, value in zip(header.split()[1:], values.split()[1:], strict=False):
            if value.lstrip("-").isdigit():
                out[f"{prefix}.{name}"] = int(value)
    return out


def parse_snmp6(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


def parse_listeners(text: str) -> list[tuple[int, int]]:
    """/proc/net/tcp or tcp6: (port, uid) of every listening socket."""
    found = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 8 or parts[3] != LISTEN:
            continue
        port = int(parts[1].rsplit(":", 1)[1], 16)
        found.append((port, int(parts[7])))
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@dataclass(frozen=True)
class NamespaceView:
    """The namespace of a process, from outside: /proc/<pid>/net shows that process's view."""

    pid: int

    def unroutable_attempts(self) -> int:
        net = Path(f"/proc/{self.pid}/net")
        v4 = parse_snmp(_read(net / "snmp")).get("Ip.OutNoRoutes", 0)
        v6 = parse_snmp6(_read(net / "snmp6")).get("Ip6OutNoRoutes", 0)
        return v4 + v6

    def listeners(self) -> list[tuple[int, int]]:
        net = Path(f"/proc/{self.pid}/net")
        return parse_listeners(_read(net / "tcp")) + parse_listeners(_read(net / "tcp6"))
