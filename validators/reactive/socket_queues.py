"""What the kernel holds on each side of a loopback TCP connection, read from /proc/net/tcp.

For a connection's socket, tx_queue is what its process wrote that the peer has not yet
acknowledged, and rx_queue what arrived that its process has not yet read. So the bytes a
process has read from a connection are what the other side wrote, less both queues: an exact
figure that depends on no buffer size. The app's sockets are visible because the app runs on
the same host (its feed and its client are on loopback).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


@dataclass(frozen=True)
class Queues:
    tx: int
    rx: int


def snapshot() -> dict[tuple[int, int], Queues]:
    """(local port, remote port) -> queues, for every TCP socket in this network namespace."""
    found: dict[tuple[int, int], Queues] = {}
    for table in _TABLES:
        try:
            text = table.read_text()
        except OSError:
            continue
        for row in text.splitlines()[1:]:
            parts = row.split()
            if len(parts) < 5:
                continue
            local, remote, queues = parts[1], parts[2], parts[4]
            tx, _, rx = queues.partition(":")
            key = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
            found[key] = Queues(int(tx, 16), int(rx, 16))
    return found


def available() -> bool:
    return _TABLES[0].is_file()
