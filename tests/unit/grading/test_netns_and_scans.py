"""Reading the namespace from /proc and the logs for broken rules."""

from __future__ import annotations

from harness.grading import scans
from harness.grading.netns import parse_listeners, parse_snmp, parse_snmp6

SNMP = """Ip: Forwarding DefaultTTL InReceives OutRequests OutNoRoutes
Ip: 1 64 10 12 3
Icmp: InMsgs OutMsgs
Icmp: 0 0
"""
TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:270F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1790042 0 1 1 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 1790042 0 2 1 0
   2: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104 0 3 1 0
"""


def test_snmp_counters() -> None:
    assert parse_snmp(SNMP)["Ip.OutNoRoutes"] == 3
    assert parse_snmp6("Ip6InReceives 4\nIp6OutNoRoutes 2\n")["Ip6OutNoRoutes"] == 2


def test_listening_sockets_with_their_uid() -> None:
    assert parse_listeners(TCP) == [(9999, 1790042), (5432, 104)]


def test_postgres_refusals_without_names() -> None:
    log = ("2025-01-01 [12] LOG:  database system is ready\n"
           '2025-01-01 [40] ERROR:  must be owner of database postgres\n'
           '2025-01-01 [40] STATEMENT:  DROP DATABASE "postgres"\n')
    assert scans.database_denied(log) == "must be owner of database"
    assert scans.database_denied('FATAL:  permission denied for database "shelf_g1"') == \
        "permission denied for database"
    assert scans.database_denied("ERROR:  relation \"books\" does not exist") is None


def test_read_only_writes() -> None:
    assert scans.write_denied("denied /etc/x: EROFS EROFS: read-only file system, open '/etc/x'")
    assert not scans.write_denied("EACCES: permission denied, open '/root/x'")


def test_file_size() -> None:
    assert scans.file_size_exceeded("", [153])
    assert scans.file_size_exceeded("Error: EFBIG: file too large, write", [None])
    assert not scans.file_size_exceeded("fine", [0, 137, None])


def test_ports_bind_zero_hands_out_are_not_a_broken_rule() -> None:
    from harness.grading.netns import ephemeral

    assert ephemeral(40000) and not ephemeral(9999) and not ephemeral(3000)
