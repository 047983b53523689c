"""Local PostgreSQL starts from a cached initdb: a copy per run, a password per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from harness.proc.reaper import Reaper
from harness.services.base import Mode, ServiceSettings
from harness.services.pg_template import TemplateStore
from harness.services.postgres import LocalPostgres, start_local


@pytest.fixture
def reaper() -> Iterator[Reaper]:
    reaper = Reaper()
    reaper.start()
    yield reaper
    reaper.close()


def _start(reaper: Reaper, run_id: str) -> LocalPostgres:
    return start_local(ServiceSettings(mode=Mode.LOCAL, run_id=run_id, reaper=reaper))


def test_the_second_server_is_a_copy_of_the_first_ones_cluster_with_a_password_of_its_own(
        reaper: Reaper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = _start(reaper, "t1")
    try:
        entries = list((tmp_path / "harness" / "pg").iterdir())
        assert len(entries) == 1, "the first run keeps the cluster initdb made"
        template = TemplateStore(tmp_path / "harness" / "pg").find(entries[0].name)
        assert template is not None
        assert oct(entries[0].stat().st_mode & 0o777) == "0o700", "the cache is the harness user's only"
        second = _start(reaper, "t2")
        try:
            assert first.admin_url != second.admin_url
            for server in (first, second):
                with psycopg.connect(server.admin_url, connect_timeout=10) as conn:
                    stored = conn.execute("SELECT rolpassword FROM pg_catalog.pg_authid "
                                          "WHERE rolname = current_user").fetchone()
                assert stored is not None and str(stored[0]).startswith("SCRAM-SHA-256$")
                shared = server.admin_url.replace(server.admin_url.split(":")[2].split("@")[0], template.password)
                with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                    psycopg.connect(shared, connect_timeout=10).close()
        finally:
            second.stop()
    finally:
        first.stop()


def _segments() -> set[str]:
    return {row.split()[1] for row in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]}


def test_a_killed_server_leaves_no_shared_memory_behind(reaper: Reaper) -> None:
    """Killed instead of shut down (a grading's cgroup at the end, a failover lab's primary), a
    postmaster leaves its System V segment: stop() gives it back. Its dynamic shared memory is
    in its data folder (not /dev/shm, where a killed server's stayed), and goes with it."""
    import os
    import signal

    server = _start(reaper, "killed")
    data = server._dir / "data"
    try:
        shmid = (data / "postmaster.pid").read_text().splitlines()[6].split()[1]
        assert shmid in _segments(), "a running server holds its segment"
        with psycopg.connect(server.admin_url, connect_timeout=10) as conn:  # a backend attached too
            shown = conn.execute("SHOW dynamic_shared_memory_type").fetchone()
            assert shown is not None and shown[0] == "mmap"
            assert any((data / "pg_dynshmem").iterdir()), "the control segment, in the data folder"
            assert server._proc is not None
            os.kill(server._proc.pid, signal.SIGKILL)
    except psycopg.OperationalError:
        pass  # the connection's end met the killed server
    finally:
        server.stop()
    assert shmid not in _segments()
    assert not data.exists()


def test_the_reaper_of_a_harness_that_died_gives_back_a_killed_servers_segment() -> None:
    """The server's postmaster killed (a failover lab's primary), then the harness gone (its
    reaper's pipe closed without a word): the reaper gives back the segment the postmaster left,
    and removes the folder. (A postmaster the reaper signals itself shuts down cleanly.)"""
    import os
    import signal

    reaper = Reaper()
    reaper.start()
    server = _start(reaper, "orphaned")
    data = server._dir / "data"
    shmid = (data / "postmaster.pid").read_text().splitlines()[6].split()[1]
    assert shmid in _segments() and server._proc is not None
    os.kill(server._proc.pid, signal.SIGKILL)
    server._proc.wait_exit(30)
    proc = reaper._proc
    assert proc is not None and proc.stdin is not None
    proc.stdin.close()  # as when the harness is killed: no "done"
    proc.wait(timeout=60)
    reaper._proc = None
    assert shmid not in _segments()
    assert not server._dir.exists()



def _mapped_segments(pid: int) -> set[Path]:
    """The /dev/shm segments a process has mapped (other servers make theirs at the same time)."""
    rows = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {Path(row.split(maxsplit=5)[5]) for row in rows
            if len(row.split(maxsplit=5)) == 6 and row.split(maxsplit=5)[5].startswith("/dev/shm/PostgreSQL.")}


def test_a_killed_server_with_its_dynamic_shared_memory_in_dev_shm_leaves_none_there(reaper: Reaper) -> None:
    """A lab that grades the server's own configuration leaves `dynamic_shared_memory_type` at
    its default, posix: the segments live in /dev/shm, outside the data folder. Killed, the
    server leaves them; stop() finds them through its System V header, as the next postmaster
    on the same folder would, and removes them."""
    import os
    import signal

    from harness.services.postgres import SERVER_SETTINGS

    options = {k: v for k, v in SERVER_SETTINGS.items() if k != "dynamic_shared_memory_type"}
    server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="posix", reaper=reaper), options=options)
    try:
        with psycopg.connect(server.admin_url, connect_timeout=10) as conn:
            shown = conn.execute("SHOW dynamic_shared_memory_type").fetchone()
            assert shown is not None and shown[0] == "posix"
        assert server._proc is not None
        made = _mapped_segments(server._proc.pid)
        assert made, "the control segment, in /dev/shm, mapped by the postmaster"
        os.kill(server._proc.pid, signal.SIGKILL)
        server._proc.wait_exit(30)
        assert all(path.exists() for path in made), "a killed postmaster leaves it"
    finally:
        server.stop()
    assert not any(path.exists() for path in made)
