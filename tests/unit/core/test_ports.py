"""Ports handed out are claimed machine-wide: a port a live run claimed is passed over (two runs
side by side once started two apps on one port, and the loser's health check was answered by the
winner), a dead run's claim is taken over, and without a folder to claim in the kernel decides."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from harness.proc import owner
from harness.proc.ports import claim, free_port, remove_stale, stale_claims
from harness.proc.procfs import start_time


def _tag_of(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{start_time(pid)}"


def test_a_port_handed_out_is_claimed_by_this_process_and_not_handed_out_again(tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    port = free_port(folder)
    assert (folder / str(port)).read_text() == owner.tag()
    assert folder.stat().st_mode & 0o7777 == 0o1777, "every account's runs claim there, as in /tmp"
    assert not claim(port, folder), "claimed already, by this very process"
    assert free_port(folder) != port


def test_a_live_runs_claim_is_passed_over_and_a_dead_runs_is_taken_over(tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    folder.mkdir()
    folder.chmod(0o1777)  # as the harness makes it
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (folder / "40001").write_text(_tag_of(other.pid))
        assert not claim(40001, folder)
    finally:
        other.kill()
        other.wait()
    assert claim(40001, folder), "its process has ended: the claim is stale"
    assert (folder / "40001").read_text() == owner.tag()


def test_a_claim_half_written_is_taken_over(tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    folder.mkdir()
    folder.chmod(0o1777)  # as the harness makes it
    (folder / "40002").write_text("")
    assert claim(40002, folder)


def test_without_a_folder_to_claim_in_the_kernel_decides(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    port = free_port(blocked / "ports")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free, as the kernel said


def test_a_link_or_fifo_in_the_folder_is_never_followed_nor_read(tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    folder.mkdir()
    folder.chmod(0o1777)  # as the harness makes it
    secret = tmp_path / "secret"
    secret.write_text("")  # an empty claim would be taken over: a link to it must not be
    (folder / "40003").symlink_to(secret)
    os.mkfifo(folder / "40004")  # reading it would block
    assert not claim(40003, folder) and not claim(40004, folder)
    assert (folder / "40003").is_symlink() and secret.read_text() == ""


def test_a_folder_planted_as_a_link_is_not_claimed_in(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "ports").symlink_to(elsewhere)
    port = free_port(tmp_path / "ports")
    assert list(elsewhere.iterdir()) == [] and port > 0, "the kernel's word alone, nothing written through the link"


def test_doctor_lists_and_removes_only_claims_of_ended_runs(tmp_path: Path) -> None:
    folder = tmp_path / "ports"
    folder.mkdir()
    folder.chmod(0o1777)  # as the harness makes it
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    (folder / "40005").write_text(f"{socket.gethostname()}:{ended.pid}:1")  # its process has ended
    (folder / "40006").write_text(owner.tag())  # this live process's
    secret = tmp_path / "secret"
    secret.write_text("")
    (folder / "40007").symlink_to(secret)  # never followed, never removed
    stale = stale_claims(folder)
    assert stale == [folder / "40005"]
    remove_stale(stale)
    assert sorted(p.name for p in folder.iterdir()) == ["40006", "40007"] and secret.exists()
