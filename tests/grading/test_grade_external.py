"""`--services external`: one shared PostgreSQL for every submission. The grader says loudly
that the network is not isolated, each submission still gets a database and a role of
its own without rights on the others', and every database and role is gone afterwards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

from harness.proc.reaper import Reaper
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import start_local
from tests.grading.support import LAB, build_submissions, grade, grading_alone, leftovers
from tests.support.projects import materialize

pytestmark = pytest.mark.slow


@grading_alone()
def test_shared_server_not_network_isolated_but_databases_apart(tmp_path: Path, warm_home: Path) -> None:
    server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="external", reaper=Reaper()))
    try:
        folder = tmp_path / "submissions"
        build_submissions(folder, lab=False)
        for name in [p.name for p in folder.iterdir() if p.name != "db-snoop"]:
            shutil.rmtree(folder / name)
        materialize("node", "week-18", folder / "victim")
        before = leftovers()
        graded = grade(str(folder), "--lab", LAB, "--services", "external", "--postgres-url", server.admin_url,
                       "--jobs", "2", "--home-template", str(warm_home), "--seed", "4",
                       out=tmp_path / "out")
        assert graded.code == 0, graded.explain()
        assert "NOT ISOLATED: network" in graded.stderr and "one shared Redis" in graded.stderr
        rows = {r["submission"]: (r["score"], r["status"]) for r in graded.gradebook()}
        assert rows == {"victim": ("19", "pass"), "db-snoop": ("19", "pass")}, graded.explain()
        log = json.loads((graded.out / "db-snoop" / "results.json").read_text())["app_log_tail"]
        assert "DROPPED" not in log and "RAN" not in log, log
        meta = json.loads((graded.out / "grade.json").read_text())
        assert any("NOT ISOLATED: network" in w for w in meta["warnings"])
        with psycopg.connect(server.admin_url, autocommit=True) as conn:
            databases = {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}
            roles = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'app_%'")}
        assert databases == {"postgres", "template0", "template1"} and roles == set()
        assert leftovers(before) == []
    finally:
        server.stop()
