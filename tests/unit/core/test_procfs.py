"""/proc parsing: the command name may hold spaces and parentheses; gone processes are skipped."""

from __future__ import annotations

import os
from pathlib import Path

from harness.proc.procfs import processes, start_time, stat_fields


def _stat(proc: Path, pid: int, comm: str, state: str, ppid: int, pgrp: int, start: int) -> None:
    rest = [state, str(ppid), str(pgrp), *["0"] * 16, str(start), "0", "0"]
    (proc / str(pid)).mkdir(parents=True)
    (proc / str(pid) / "stat").write_text(f"{pid} ({comm}) {' '.join(rest)}\n")


def test_fields_are_counted_after_the_command_name(tmp_path: Path) -> None:
    _stat(tmp_path, 41, "node) (evil", "S", 1, 41, 777)
    _stat(tmp_path, 42, "sh", "Z", 41, 41, 778)
    (tmp_path / "self").mkdir()
    (tmp_path / "43").mkdir()  # vanished between listing and reading
    fields = stat_fields(41, tmp_path)
    assert fields is not None and fields[:3] == ["S", "1", "41"] and fields[19] == "777"
    assert sorted((pid, f[0]) for pid, f in processes(tmp_path)) == [(41, "S"), (42, "Z")]


def test_start_time_tells_a_live_process_from_a_missing_one() -> None:
    assert start_time(os.getpid()) is not None
    assert start_time(2**22 + 1) is None  # above the kernel's pid_max
