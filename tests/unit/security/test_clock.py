"""The clock hook: lab.toml `[app] clock = "faketime"`, FakeClock, and the app's start environment."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from harness.catalog import load_manifest
from harness.config import AppConfig, ProjectConfig
from harness.errors import ConfigError
from harness.httpclient import AppClient
from harness.outcomes import CannotCheck
from harness.proc.reaper import Reaper
from harness.registry import CheckContext
from harness.runner.app import AppEnvironment, AppRunner
from harness.runner.clock import FakeClock, find_library, orphaned

CHECKS = '[[checks]]\nid = "security.headers.hardened"\n'


def manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text('services = ["postgres"]\n' + text + CHECKS)
    return path


def test_manifest_clock_defaults_to_real_and_accepts_faketime(tmp_path: Path) -> None:
    assert load_manifest(manifest(tmp_path, "")).clock == "real"
    assert load_manifest(manifest(tmp_path, '[app]\nclock = "faketime"\n')).clock == "faketime"


@pytest.mark.parametrize(("text", "key"), [
    ('[app]\nclock = "sundial"\n', "app.clock"),
    ('[app]\nclok = "faketime"\n', "app.clok"),
])
def test_manifest_clock_errors_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_manifest(manifest(tmp_path, text))
    assert key in str(info.value) or key in repr(info.value.__dict__)


def test_fake_clock_writes_cumulative_offsets_atomically(tmp_path: Path) -> None:
    clock = FakeClock(Path("/lib/libfaketimeMT.so.1"), tmp_path)
    assert clock.path.read_text() == "+0\n" and clock.offset_s == 0
    clock.shift(3600)
    clock.shift(-600.4)
    assert clock.path.read_text() == "+3000\n" and clock.offset_s == 3000
    clock.reset()
    assert clock.path.read_text() == "+0\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["offset"]
    env = clock.environment()
    assert env["LD_PRELOAD"] == "/lib/libfaketimeMT.so.1"
    assert env["FAKETIME_TIMESTAMP_FILE"] == str(clock.path)
    assert env["FAKETIME_NO_CACHE"] == "1" and env["FAKETIME_DONT_FAKE_MONOTONIC"] == "1"
    # Timed waits pass through: a JVM parks its threads with timeouts all the time.
    assert env["FAKETIME_FORCE_MONOTONIC_FIX"] == "0"


def test_without_the_library_the_app_runs_normally_and_shifting_cannot_check(tmp_path: Path) -> None:
    clock = FakeClock(None, tmp_path)
    assert clock.environment() == {}
    with pytest.raises(CannotCheck) as info:
        clock.shift(60)
    assert info.value.fix is not None and "libfaketime" in info.value.fix


def test_find_library_prefers_the_override(tmp_path: Path) -> None:
    lib = tmp_path / "libfaketimeMT.so.1"
    lib.write_bytes(b"")
    assert find_library(("/nowhere/lib.so",), {"HARNESS_FAKETIME_LIB": str(lib)}) == lib
    assert find_library(("/nowhere/lib.so",), {}) is None


def test_create_and_close(tmp_path: Path) -> None:
    clock = FakeClock.create(library=tmp_path / "lib.so")
    assert clock.directory.stat().st_mode & 0o777 == 0o755
    assert clock.path.stat().st_mode & 0o777 == 0o644
    clock.close()
    assert not clock.directory.exists()


def test_context_clock_needs_the_lab_to_ask_for_it() -> None:
    client = AppClient("http://127.0.0.1:9")
    ctx = CheckContext(http=client, app=None, run_id="r1", seed=1)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match='clock = "faketime"'):
        _ = ctx.clock
    client.close()


def _runner(tmp_path: Path, start: str, clock: FakeClock) -> AppRunner:
    config = ProjectConfig(root=tmp_path, track="node",
                           app=AppConfig(start=start, install="env > install.env"))
    return AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=1, service_urls={}), reaper=Reaper(),
                     progress=lambda _message: None, clock=clock)


def _wait_for(path: Path) -> str:
    deadline = time.monotonic() + 60  # a bound on a hang, not a speed assumption
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text().endswith("done\n"):
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_only_the_start_command_runs_under_the_clock(tmp_path: Path) -> None:
    (tmp_path / "clock").mkdir()
    clock = FakeClock(tmp_path / "not-a-library.so", tmp_path / "clock")
    runner = _runner(tmp_path, "env > start.env; echo done >> start.env; sleep 30", clock)
    runner.install()
    runner.start()
    try:
        started = _wait_for(tmp_path / "start.env")
    finally:
        runner.stop()
    assert f"FAKETIME_TIMESTAMP_FILE={clock.path}" in started
    assert "FAKETIME_TIMESTAMP_FILE" not in (tmp_path / "install.env").read_text()


def test_the_real_library_moves_the_apps_wall_clock(tmp_path: Path) -> None:
    library = find_library()
    assert library is not None, "libfaketime is needed by the security lab: apt-get install libfaketime"
    (tmp_path / "clock").mkdir()
    clock = FakeClock(library, tmp_path / "clock")
    clock.shift(7200)
    runner = _runner(tmp_path, "date +%s > start.env; echo done >> start.env; sleep 30", clock)
    runner.start()
    try:
        seen = int(_wait_for(tmp_path / "start.env").split()[0])
    finally:
        runner.stop()
        clock.close()  # and libfaketime's shared memory with it
    assert abs(seen - (time.time() + 7200)) < 60
    assert os.environ.get("LD_PRELOAD") is None  # the harness itself keeps real time


def test_close_removes_what_libfaketime_leaves_in_shared_memory(tmp_path: Path) -> None:
    library = find_library()
    assert library is not None, "libfaketime is needed by the security lab: apt-get install libfaketime"
    (tmp_path / "clock").mkdir()
    clock = FakeClock(library, tmp_path / "clock")
    # The shell spawns `date`: libfaketime then creates its segment and semaphore.
    runner = _runner(tmp_path, "date > start.env; echo done >> start.env; sleep 30", clock)
    runner.start()
    try:
        _wait_for(tmp_path / "start.env")
    finally:
        runner.stop()
    left = clock.leftovers()
    assert {p.name.split("_")[1] for p in left} == {"shm", "sem"}, "libfaketime left nothing: nothing to prove"
    clock.close()
    assert not [p for p in left if p.exists()]


def test_orphaned_finds_only_the_leftovers_of_exited_processes(tmp_path: Path) -> None:
    gone = 2**22 + 1  # above the kernel's pid_max: never a live process
    names = [f"faketime_shm_{gone}", f"sem.faketime_sem_{gone}", f"faketime_shm_{os.getpid()}",
             f"sem.faketime_sem_{os.getpid()}", "PostgreSQL.1234", f"faketime_shm_{gone}.bak"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in orphaned(tmp_path)] == [f"faketime_shm_{gone}", f"sem.faketime_sem_{gone}"]
    assert orphaned(tmp_path / "missing") == []
