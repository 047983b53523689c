"""What Docker mode asks of docker for the postgres track's processes (harness/services/pg_container.py),
without an engine: the runs against real containers are the labs' Docker-mode proofs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from harness.proc.reaper import Reaper
from harness.services import pg_container
from harness.services.users import Account


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> pg_container.ContainerRun:
    monkeypatch.setattr(pg_container, "docker_command", lambda: "/usr/bin/docker")
    monkeypatch.setattr(pg_container.users, "current", lambda: Account("postgres", 101, 104))
    return pg_container.ContainerRun("postgres:16", Reaper(), "r0123abcd")


def test_a_server_runs_as_the_local_account_with_the_host_s_namespaces(run: pg_container.ContainerRun,
                                                                         tmp_path: Path) -> None:
    argv = run.wrap(["/usr/lib/postgresql/16/bin/postgres", "-D", str(tmp_path / "data")],
                    env={"PATH": "/usr/bin:/bin", "ARCHIVE_DIR": "/tmp/x"}, cwd=tmp_path)
    assert argv[:3] == ["/usr/bin/docker", "run", "--rm"]
    for flag, value in (("--network", "host"), ("--pid", "host"), ("--ipc", "host"), ("--user", "101:104"),
                        ("--entrypoint", "/usr/lib/postgresql/16/bin/postgres"), ("-w", str(tmp_path))):
        assert argv[argv.index(flag) + 1] == value, flag
    # The variables by name only: their values stay out of the command line (client_env has them).
    assert argv[argv.index("-e"):argv.index("-e") + 2] == ["-e", "PATH"] and "ARCHIVE_DIR" in argv
    assert "/tmp/x" not in argv
    assert argv[argv.index("postgres:16") + 1:] == ["-D", str(tmp_path / "data")]
    assert "dev.harness.run=r0123abcd" in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL" and "no-new-privileges" in argv


def test_a_tool_as_ourselves_runs_as_our_ids(run: pg_container.ContainerRun, tmp_path: Path) -> None:
    import os

    argv, env, uid, gid = run.tool(["pgbench", "-i"], {"PGPORT": "5432"}, tmp_path, None)
    assert argv[argv.index("--user") + 1] == f"{os.getuid()}:{os.getgid()}"
    assert (uid, gid) == (None, None), "the docker command itself always runs as ourselves"
    assert env["PGPORT"] == "5432"


def test_the_folders_bound_are_the_outermost_ones(tmp_path: Path) -> None:
    inner, other = tmp_path / "a" / "b", Path("/srv/project")
    assert pg_container._outermost({tmp_path, inner, other}) == {tmp_path, other}


def test_the_image_s_listen_addresses_is_commented_out_as_a_local_initdb_leaves_it(tmp_path: Path) -> None:
    conf = tmp_path / "postgresql.conf"
    conf.write_text("# - Connection Settings -\nlisten_addresses = '*'\n#port = 5432\nmax_connections = 100\n")
    pg_container.as_local_initdb_makes(tmp_path)
    assert conf.read_text().splitlines() == ["# - Connection Settings -", "#listen_addresses = '*'", "#port = 5432",
                                             "max_connections = 100"]


@pytest.mark.docker
@pytest.mark.usefixtures("docker_ready")
def test_a_server_up_in_its_container_but_not_on_our_loopback_names_host_networking(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What Docker Desktop without host networking looks like: the container's server runs, and
    nothing answers on the loopback here. Played with a network of the container's own."""
    import os

    from harness.errors import ServiceError
    from harness.services import postgres
    from harness.services.base import Mode, ServiceSettings

    wrap = pg_container.ContainerRun.wrap

    def own_network(self: pg_container.ContainerRun, argv: Sequence[str], **kwargs: Any) -> list[str]:
        command = wrap(self, argv, **kwargs)
        command[command.index("--network") + 1] = "none"
        return command

    monkeypatch.setattr(pg_container.ContainerRun, "wrap", own_network)
    reaper = Reaper()
    reaper.start()
    settings = ServiceSettings(mode=Mode.DOCKER, run_id="rnetwork", reaper=reaper,
                               server_image=os.environ["HARNESS_POSTGRES_IMAGE"])
    server = postgres.LocalPostgres(postgres.server_binaries(settings), settings)
    try:
        with pytest.raises(ServiceError) as raised:
            server.start(timeout_s=3)
        assert any("host networking" in fix for fix in raised.value.fixes)
    finally:
        server.stop()
        reaper.close()


@pytest.mark.docker
@pytest.mark.usefixtures("docker_ready")
def test_a_hostile_script_in_its_container_has_no_more_than_the_account(tmp_path: Path) -> None:
    """What a learner's script (or archive_command) may try from a container that shares the host's
    pids and network: become root, signal or read the host's pid 1, write outside the bound folder."""
    import os
    import subprocess

    from harness.services import users

    reaper = Reaper()
    run = pg_container.ContainerRun(os.environ["HARNESS_POSTGRES_IMAGE"], reaper, "rhostile")
    script = ("id -u; grep CapEff /proc/self/status; kill -0 1 2>/dev/null && echo SIGNALLED-PID-1; "
              "cat /proc/1/environ >/dev/null 2>&1 && echo READ-PID-1; su -c id root </dev/null 2>/dev/null && "
              "echo BECAME-ROOT; touch /etc/harness-probe 2>/dev/null && echo WROTE-ETC; echo done")
    account = users.current()
    argv, env, _uid, _gid = run.tool(["/bin/sh", "-c", script], {"PATH": "/usr/bin:/bin"}, tmp_path, account)
    try:
        out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False).stdout
    finally:
        run.release()
    lines = out.split()
    assert out.rstrip().endswith("done"), out
    assert lines[0] == str(account.uid if account else os.getuid()) and lines[0] != "0", out
    assert "CapEff:\t0000000000000000" in out, out
    for escape in ("SIGNALLED-PID-1", "READ-PID-1", "BECAME-ROOT", "WROTE-ETC"):
        assert escape not in out, out
