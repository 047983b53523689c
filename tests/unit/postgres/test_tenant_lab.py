"""postgres/week-29 beyond its defect overlays (real PostgreSQL): a setup that fails fails
pg.access.least_privilege with why and skips the other checks, never passes them (an overlay
cannot prove it: the others would not pass); the other leak paths each check names; the
learner's pg_hba.conf is placed after the harness's own line and refused where it would read
another file; the server and the CA's folder are gone after Ctrl-C or a killed harness."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from harness.outcomes import Failure, Skip
from tests.support.projects import ROOT, default_sigint, materialize
from tests.support.waiting import HANG_S, postmaster_with, wait_for
from tests.unit.postgres.direct import run_check
from validators.postgres.conf import ConfRefused
from validators.postgres.hba import compose, read_hba

GATE = "pg.access.least_privilege"
# Only turns a hang into a failure: far above what a start or a cleanup takes.
HBA_LINE = "hostssl  saas      app_owner,app_user,analyst  127.0.0.1/32  scram-sha-256\n"


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    return materialize("postgres", "week-29", tmp_path / "reference")


def _edit(project: Path, name: str, find: str, replace: str) -> None:
    path = project / name
    text = path.read_text()
    assert text.count(find) == 1, find
    path.write_text(text.replace(find, replace))


def test_the_harness_line_comes_first_and_decides_only_the_harness_roles() -> None:
    composed = compose("host all all 0.0.0.0/0 trust\n").splitlines()
    rules = [line for line in composed if line and not line.startswith("#")]
    assert rules[0] == "host all harness,lab_admin,lab_seeder 127.0.0.1/32 scram-sha-256"
    assert rules[1] == "host all all 0.0.0.0/0 trust"


@pytest.mark.parametrize(("text", "words"), [
    ("host all @admins 127.0.0.1/32 scram-sha-256\n", "reads a list from a file"),
    ("include_if_exists other.conf\n", "includes another file"),
    ("# nothing but a comment\n\n", "holds no rule"),
])
def test_an_hba_file_that_reads_other_files_or_holds_no_rule_is_refused(tmp_path: Path, text: str,
                                                                        words: str) -> None:
    (tmp_path / "pg_hba.conf").write_text(text)
    with pytest.raises(ConfRefused, match=words):
        read_hba(tmp_path)


def test_an_hba_link_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "pg_hba.conf").symlink_to("/etc/passwd")
    with pytest.raises(ConfRefused, match="cannot be read"):
        read_hba(tmp_path)


def test_an_hba_line_the_server_refuses_fails_the_gate_with_its_log_and_skips_the_rest(reference: Path) -> None:
    _edit(reference, "pg_hba.conf", "scram-sha-256", "scram-sha256")
    gate = run_check(GATE, reference)
    assert isinstance(gate, Failure) and "does not start" in gate.message, gate
    assert gate.evidence is not None and "scram-sha256" in gate.evidence, gate.evidence
    skipped = run_check("pg.tls.required", reference)
    assert isinstance(skipped, Skip) and GATE in skipped.reason


def test_roles_sql_runs_without_superuser_rights(reference: Path) -> None:
    """A superuser owner is the classic shortcut: lab_admin cannot create one, and the gate says so."""
    _edit(reference, "roles.sql", "CREATE ROLE app_owner LOGIN NOSUPERUSER", "CREATE ROLE app_owner LOGIN SUPERUSER")
    gate = run_check(GATE, reference)
    assert isinstance(gate, Failure), gate
    assert gate.message.startswith("roles.sql failed as lab_admin") and "superuser" in gate.message.lower()
    assert isinstance(run_check("pg.rls.tenants", reference), Skip)


def test_an_owner_the_hba_file_does_not_let_in_fails_the_gate_by_name(reference: Path) -> None:
    _edit(reference, "pg_hba.conf", HBA_LINE, HBA_LINE.replace("app_owner,", ""))
    gate = run_check(GATE, reference)
    assert isinstance(gate, Failure) and gate.message.startswith("app_owner cannot log in to saas"), gate


def test_a_missing_schema_fails_the_gate_before_any_server_starts(reference: Path) -> None:
    (reference / "schema.sql").unlink()
    gate = run_check(GATE, reference)
    assert isinstance(gate, Failure) and gate.message == "schema.sql is missing", gate
    assert isinstance(run_check("pg.auth.scram_only", reference), Skip)


def test_a_definer_view_over_an_unforced_table_leaks_the_other_tenants_totals(reference: Path) -> None:
    _edit(reference, "schema.sql", "ALTER TABLE public.invoices FORCE ROW LEVEL SECURITY;\n", "")
    _edit(reference, "schema.sql", " WITH (security_invoker = true)", "")
    rls = run_check("pg.rls.tenants", reference)
    assert isinstance(rls, Failure), rls
    assert rls.actual is not None and "invoice_summary showed globex's totals" in rls.actual


def test_a_trust_line_for_one_role_is_named(reference: Path) -> None:
    _edit(reference, "pg_hba.conf", HBA_LINE, "hostssl saas analyst 127.0.0.1/32 trust\n" + HBA_LINE)
    auth = run_check("pg.auth.scram_only", reference)
    assert isinstance(auth, Failure), auth
    assert auth.actual is not None and auth.actual.startswith("analyst logged in with no password")
    assert "app_user" not in auth.actual


def test_an_analyst_kept_read_only_by_a_setting_alone_fails(reference: Path) -> None:
    """default_transaction_read_only is the role's to change: the check writes in a READ WRITE transaction."""
    reads = "GRANT SELECT ON public.tenants, public.invoices, public.invoice_summary TO analyst;"
    _edit(reference, "schema.sql", reads,
          "GRANT SELECT, INSERT, UPDATE, DELETE ON public.tenants, public.invoices TO analyst;\n"
          "GRANT SELECT ON public.invoice_summary TO analyst;")
    with (reference / "roles.sql").open("a") as roles:
        roles.write("ALTER ROLE analyst SET default_transaction_read_only = on;\n")
    gate = run_check(GATE, reference)
    assert isinstance(gate, Failure), gate
    assert gate.actual is not None and "analyst ran INSERT INTO tenants" in gate.actual
    assert "analyst holds INSERT, UPDATE, DELETE on invoices" in gate.actual



@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_the_server_and_the_ca_folder_are_gone_after_ctrl_c_or_a_killed_harness(
        tmp_path: Path, how: signal.Signals) -> None:
    project = materialize("postgres", "week-29", tmp_path / "reference")
    marker = f"# cleanup-test {tmp_path.name} {os.getpid()}"
    conf = project / "conf.d" / "10-security.conf"
    conf.write_text(conf.read_text() + marker + "\n")
    # schema.sql holds the run inside the check (its statement timeout ends it after 10 s at most):
    # the harness is stopped while the server runs.
    (project / "schema.sql").write_text("SELECT pg_sleep(30);\n")
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-29", "--track", "postgres",
                             "--project", str(project), "--only", GATE],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_sigint)
    try:
        conf = "conf.d/10-security.conf"
        server, folder = wait_for("the check's server started", lambda: postmaster_with(conf, marker))
        sides = [p for p in Path(tempfile.gettempdir()).glob("harness-week29-*") if p.is_dir()]
        assert sides, "the CA certificate's folder exists while the check runs"
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        wait_for("the server stopped", lambda: not server.is_running() or server.status() == psutil.STATUS_ZOMBIE)
        wait_for("the server's folder removed", lambda: not folder.exists())
        wait_for("the CA certificate's folder removed", lambda: not any(p.exists() for p in sides))
    finally:
        if proc.poll() is None:
            proc.kill()




