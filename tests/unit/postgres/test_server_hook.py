"""LocalPostgres's hook for a server with a configuration of its own (real PostgreSQL): `options`
replace the harness's usual command-line settings, `prepare` writes into the new cluster before
its first start, and what it writes becomes the server's account's."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import psycopg

from harness.proc.reaper import Reaper
from harness.services import users
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import start_local


def test_options_and_prepare_shape_the_server(tmp_path: Path) -> None:
    seen: dict[str, Path] = {}

    def prepare(data: Path) -> Mapping[str, str]:
        (data / "extra.conf").write_text("work_mem = 7MB\n")
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("\ninclude = 'extra.conf'\n")
        seen["data"] = data
        return {"SOME_DIR": str(data.parent)}

    reaper = Reaper()
    reaper.start()
    server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="rhook", reaper=reaper),
                         options={"max_connections": "50"}, prepare=prepare)
    try:
        with psycopg.connect(server.admin_url) as conn:
            rows = dict(conn.execute("SELECT name, setting || ':' || source FROM pg_settings WHERE name IN "
                                     "('work_mem', 'max_connections', 'fsync', 'shared_preload_libraries')").fetchall())
        assert rows["work_mem"] == "7168:configuration file"
        assert rows["max_connections"] == "50:command line"
        # The harness's usual settings are not added: the lab's configuration decides them.
        assert rows["fsync"] == "on:default" and rows["shared_preload_libraries"] == ":default"
        account = users.service_run().account
        if account is not None:
            assert os.stat(seen["data"] / "extra.conf").st_uid == account.uid
    finally:
        server.stop()
        reaper.close()
    assert not seen["data"].exists()
