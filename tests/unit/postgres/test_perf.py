"""postgres/week-22's logic that needs no server: psql's variables in the reports, what counts as a
rewrite, which reports are the top ones, what a regression is, and a setup that fails the gate
and skips the others. The measurements themselves are proven on real servers by the lab's
reference and defects (tests/integration/test_labs.py); failing files, planted functions, the printed
shop script and the cleanup after Ctrl-C or a killed harness are proven here on real servers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import psutil
import psycopg
import pytest

from harness.outcomes import Failure, Skip
from harness.validators.postgres import perf, perf_lab
from harness.validators.postgres import shop_workload as shop
from harness.validators.postgres.perf import regressed, regressions, top_reports
from harness.validators.postgres.perf_lab import (
    Measured,
    SetupFailed,
    Side,
    Stat,
    measured,
    read_project,
    rows_examined,
    same_statement,
)
from tests.support.projects import ROOT, default_sigint, materialize
from tests.support.waiting import HANG_S, postmaster_with, wait_for
from tests.unit.postgres.direct import run_check


def test_variables_are_substituted_as_psql_does_outside_quotes_comments_and_casts() -> None:
    values = {"day": "2024-05-01", "n": "7", "name": "O'Hara 3"}
    text = "SELECT ':day', \":day\" FROM t -- :day\nWHERE d = :'day'::date + :n AND x = :'name' /* :n */"
    assert shop.substitute(text, values) == (
        "SELECT ':day', \":day\" FROM t -- :day\nWHERE d = '2024-05-01'::date + 7 AND x = 'O''Hara 3' /* :n */")


def test_a_variable_the_report_is_not_given_is_refused() -> None:
    with pytest.raises(shop.UnknownVariable, match="month"):
        shop.substitute("SELECT :'month'", {"day": "2024-05-01"})


def test_the_reports_parameters_are_the_same_for_a_seed_and_differ_between_seeds() -> None:
    assert shop.parameters(7) == shop.parameters(7)
    assert shop.parameters(7) != shop.parameters(8)
    assert len(shop.parameters(7)) == shop.PARAMETER_SETS


def test_a_rewrite_is_a_different_statement_not_different_spacing_comments_or_semicolon() -> None:
    given = "SELECT id FROM orders WHERE created_at::date = :'day'"
    assert same_statement("-- as given\nselect id  FROM orders\n WHERE created_at::date = :'day';\n", given)
    assert not same_statement("SELECT id FROM orders WHERE created_at >= :'day'::date", given)


def _project(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "conf.d").mkdir(parents=True)
    (tmp_path / "conf.d" / "10.conf").write_text("# nothing\n")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_missing_rewrite_leaves_the_report_as_given_and_a_missing_indexes_file_is_a_setup_failure(
        tmp_path: Path) -> None:
    with pytest.raises(SetupFailed, match=r"indexes\.sql is missing"):
        read_project(_project(tmp_path / "a"))
    project = read_project(_project(tmp_path / "b", **{"indexes.sql": "", "rewrites/day_orders.sql": "SELECT 1;\n"}))
    assert project.rewrites["day_orders"] == "SELECT 1"
    assert project.rewrites["customer_by_name"] == shop.REPORTS[1].sql


def _stat(ms: float, blocks: int, calls: int = 10) -> Stat:
    return Stat("q", calls, ms * calls, blocks * calls)


def _side(reports: dict[str, Stat], workload: dict[int, Stat]) -> Side:
    return Side(reports=reports, workload=workload)


def test_the_top_reports_are_ranked_by_their_work_in_all_not_per_call() -> None:
    before = _side({"a": _stat(20.0, 100, calls=2), "b": _stat(2.0, 10, calls=60), "c": _stat(10.0, 50, calls=10)}, {})
    assert top_reports(before) == ["b", "c"]  # 600 and 500 buffers in all; "a" reads most per call, 200 in all


def test_a_busy_moment_does_not_reorder_the_top_reports() -> None:
    # The given reports as a 1-CPU grading jail measured them: month_by_status's two calls held up
    # (20 times their time), which put it above customer_by_name by total time.
    before = _side({"day_orders": _stat(30.0, 1852, calls=10), "customer_by_name": _stat(4.0, 527, calls=100),
                    "month_by_status": _stat(500.0, 1852, calls=2)}, {})
    assert top_reports(before) == ["customer_by_name", "day_orders"]


def test_a_regression_is_more_work_per_call_or_much_more_time_with_more_work_and_faster_statements_are_not() -> None:
    before = _side({"r": _stat(10.0, 1000)},
                   {1: _stat(0.05, 8), 2: _stat(0.05, 8), 3: _stat(1.0, 100), 4: _stat(0.05, 100)})
    after = _side({"r": _stat(1.0, 100)},
                  {1: _stat(0.01, 16), 2: _stat(0.2, 8), 3: _stat(2.0, 140), 4: _stat(0.2, 125)})
    rows, worse = regressions(Measured(1, before), after)
    assert len(rows) == 5
    # 1: twice the buffers (a HOT update lost) though faster; 4: four times the time with 1.25x the
    # buffers. 2: four times the time alone (a busy spell over the after side); 3: neither bound.
    assert sorted(r["blocks_per_call_after"] for r in worse) == [16.0, 125.0]


def test_time_alone_fails_no_statement_however_slow() -> None:
    assert not regressed(_stat(0.05, 8), _stat(5.0, 8))
    assert not regressed(_stat(0.05, 100), _stat(5.0, 119))
    assert regressed(_stat(0.05, 100), _stat(0.16, 120))
    assert regressed(_stat(0.05, 100), _stat(0.01, 150))


def _workload_side(tps: float, blocks_per_call: list[int]) -> Side:
    side = _side({}, {q: _stat(0.1, b, calls=100) for q, b in enumerate(blocks_per_call)})
    side.tps, side.transactions = tps, int(tps)
    return side


# The figures measured on 2 cores: the given indexes 1852 + 527 + 8 buffers per transaction; the
# reference's 8 + 4 + 7; the defect's index on email (not lower(email)) 8 + 527 + 8.
_BEFORE = [1852, 527, 8]


@pytest.mark.parametrize(("tps_after", "blocks_after", "passes"), [
    (100 * 90.0, [8, 4, 7], True),  # the reference
    (100 * 12.0, [8, 4, 7], True),  # the reference with a burst over the after side's second
    (100 * 9.0, [8, 527, 8], False),  # the defect with a burst over the before side's second
    (100 * 3.0, [8, 527, 8], False),  # the defect
    (100 * 4.0, [8, 4, 7], False),  # the reference's indexes, with something that costs every transaction time
])
def test_the_tps_check_decides_on_buffers_per_transaction_with_a_low_tps_floor(
        monkeypatch: pytest.MonkeyPatch, tps_after: float, blocks_after: list[int], passes: bool) -> None:
    ctx = types.SimpleNamespace(run_id="unit-perf-tps", seed=1)
    before = _workload_side(100.0, _BEFORE)
    monkeypatch.setitem(perf_lab._measured, ctx.run_id,
                        Measured(1, before, after=_workload_side(tps_after, blocks_after)))
    if passes:
        assert "buffers per transaction 2387 -> 19 (125.6x fewer)" in perf.tps(ctx).message  # type: ignore[arg-type]
        return
    with pytest.raises(Failure) as failed:
        perf.tps(ctx)  # type: ignore[arg-type]
    assert ("fewer buffers" in failed.value.message) == (blocks_after != [8, 4, 7]), failed.value.message
    assert ("TPS rose" in failed.value.message) == (tps_after < 100 * perf.TPS_FLOOR), failed.value.message
    assert failed.value.figures["tps_ratio"] == tps_after / 100


def test_a_statement_much_slower_after_is_measured_again_and_keeps_its_best_time_not_its_buffers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A busy moment made report "r" and workload statement 1 slow on the after side's first run;
    # statement 2 is slower on every run (it does more per call); report "s" was never suspect.
    before = _side({"r": _stat(10.0, 100), "s": _stat(10.0, 100)}, {1: _stat(0.1, 8), 2: _stat(0.1, 8)})
    after = _side({"r": _stat(40.0, 10), "s": _stat(1.0, 10)}, {1: _stat(0.4, 16), 2: _stat(0.5, 8)})
    asked: list[object] = []

    def reports(lab: object, side: Side, texts: object, sets: object, only: set[str] | None = None) -> None:
        asked.append(only)
        side.reports = {name: _stat(2.0, 99) for name in only or ()}

    def pgbench(lab: object, side: Side, seed: object, folder: object) -> None:
        asked.append("pgbench")
        side.workload = {1: _stat(0.05, 3), 2: _stat(0.45, 3)}

    monkeypatch.setattr(perf_lab, "_reports", reports)
    monkeypatch.setattr(perf_lab, "_pgbench", pgbench)
    perf_lab._again(types.SimpleNamespace(), before, after, {}, [], 1, Path("."))  # type: ignore[arg-type]
    # Statement 2 stays over 2x after its reruns (AGAIN_ROUNDS); "r" and 1 left the suspects at once.
    assert asked[:2] == [{"r"}, "pgbench"]
    assert asked[2:] == ["pgbench"] * (perf_lab.AGAIN_ROUNDS - 1)
    assert after.reports["r"].mean_ms == 2.0 and after.reports["r"].blocks_per_call == 10
    assert after.reports["s"].mean_ms == 1.0
    assert after.workload[1].mean_ms == 0.05 and after.workload[1].blocks_per_call == 16  # the first run's buffers
    assert after.workload[2].mean_ms == 0.45


def test_a_top_report_with_far_fewer_buffers_but_not_enough_faster_is_measured_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # "t" (the top report) reads 10x fewer buffers after but a busy moment made it only 2.5x faster;
    # "u" is not faster and reads the same buffers (no index serves it): its verdict is its own.
    before = _side({"t": _stat(10.0, 100, calls=100), "u": _stat(10.0, 100, calls=50), "v": _stat(1.0, 5)}, {})
    after = _side({"t": _stat(4.0, 10, calls=100), "u": _stat(9.0, 100, calls=50), "v": _stat(1.0, 5)}, {})
    asked: list[set[str] | None] = []

    def reports(lab: object, side: Side, texts: object, sets: object, only: set[str] | None = None) -> None:
        asked.append(only)
        side.reports = {name: _stat(0.5, 10, calls=100) for name in only or ()}

    monkeypatch.setattr(perf_lab, "_reports", reports)
    perf_lab._again(types.SimpleNamespace(), before, after, {}, [], 1, Path("."))  # type: ignore[arg-type]
    assert asked == [{"t"}], "only the top report whose buffers went down; then it is 20x faster"
    assert after.reports["t"].mean_ms == 0.5 and after.reports["t"].blocks_per_call == 10
    assert after.reports["u"].mean_ms == 9.0


def test_a_setup_that_failed_fails_the_gate_and_skips_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = types.SimpleNamespace(run_id="unit-perf-gate", seed=1, server_image=None)
    monkeypatch.setitem(perf_lab._measured, ctx.run_id,
                        Measured(1, Side(), problem=SetupFailed("indexes.sql failed as shop_owner: boom", "fix it")))
    with pytest.raises(Failure, match="boom") as failed:
        measured(ctx, perf_lab.GATE)  # type: ignore[arg-type]
    assert failed.value.hint == "fix it" and failed.value.reproduce
    with pytest.raises(Skip, match=r"boom \(pg.perf.top_statements\)"):
        measured(ctx, "pg.perf.tps")  # type: ignore[arg-type]


# --- on real servers -----------------------------------------------------------------------------

@pytest.fixture
def fresh_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_check's context has one run id: each test measures its own project."""
    monkeypatch.setattr(perf_lab, "_measured", {})


def test_an_index_file_that_fails_fails_the_gate_with_the_error_and_skips_the_rest(
        tmp_path: Path, fresh_runs: None) -> None:
    project = materialize("postgres", "week-22", tmp_path / "reference")
    with (project / "indexes.sql").open("a") as indexes:
        indexes.write("CREATE INDEX orders_note_idx ON orders (note);\n")
    gate = run_check(perf_lab.GATE, project)
    assert isinstance(gate, Failure), gate
    assert gate.message == 'indexes.sql failed as shop_owner: column "note" does not exist', gate.message
    skipped = run_check("pg.perf.tps", project)
    assert isinstance(skipped, Skip) and perf_lab.GATE in skipped.reason


def _checksums(conn: psycopg.Connection[tuple[object, ...]]) -> list[object]:
    return [conn.execute(f"SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM public.{table} t").fetchone()
            for table in ("customers", "orders")]


def test_the_printed_script_builds_the_shop_the_check_loaded(tmp_path: Path) -> None:
    ctx = types.SimpleNamespace(run_id="unit-perf-script", seed=4242, server_image=None)
    with perf_lab._server(ctx, []) as lab:  # type: ignore[arg-type]
        perf_lab._load(lab, ctx.seed)
        with lab.admin() as conn:
            loaded = _checksums(conn)
            conn.execute("CREATE DATABASE copy")
        script = tmp_path / "shop.sql"
        script.write_text(shop.script(ctx.seed))
        url = lab.server.admin_url.rsplit("/", 1)[0] + "/copy"
        done = subprocess.run([str(lab.server.binaries.tool("psql")), "-q", "-v", "ON_ERROR_STOP=1", "-d", url,
                               "-f", str(script)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with lab.admin("copy") as conn:
            assert _checksums(conn) == loaded


def test_functions_the_owner_plants_in_public_are_never_what_the_superuser_calls(
        tmp_path: Path, fresh_runs: None) -> None:
    """shop_owner may create in public: a pg_stat_statements_reset() or pg_prewarm() of its own there
    would run with the caller's rights if the harness's superuser resolved names through public."""
    project = materialize("postgres", "week-22", tmp_path / "reference")
    with (project / "indexes.sql").open("a") as indexes:
        for planted in ("pg_stat_statements_reset()", "pg_prewarm(regclass)", "pg_stat_statements_reset(oid)"):
            indexes.write(f"CREATE FUNCTION public.{planted} RETURNS void LANGUAGE plpgsql AS "
                          "$$BEGIN RAISE EXCEPTION 'planted function called'; END$$;\n")
    gate = run_check(perf_lab.GATE, project)
    assert not isinstance(gate, Exception), gate


def test_a_rewrite_that_fails_or_holds_two_statements_fails_the_gate_naming_the_file(
        tmp_path: Path, fresh_runs: None) -> None:
    project = materialize("postgres", "week-22", tmp_path / "reference")
    (project / "rewrites" / "customer_by_name.sql").write_text(
        "SELECT id, email, country FROM customers WHERE name = :'name'; SELECT 1;\n")
    gate = run_check(perf_lab.GATE, project)
    assert isinstance(gate, Failure), gate
    assert gate.message.startswith("rewrites/customer_by_name.sql failed as shop_reader: cannot insert multiple "
                                   "commands into a prepared statement"), gate.message


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_the_server_pgbench_and_their_folders_are_gone_after_ctrl_c_or_a_killed_harness(
        tmp_path: Path, how: signal.Signals) -> None:
    """Stopped while pgbench runs the before side's workload: nothing of the run is left."""
    project = materialize("postgres", "week-22", tmp_path / "reference")
    marker = f"# cleanup-test {tmp_path.name} {os.getpid()}"
    conf = project / "conf.d" / "10-perf.conf"
    conf.write_text(conf.read_text() + marker + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-22", "--track", "postgres",
                             "--project", str(project), "--only", perf_lab.GATE],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_sigint)
    try:
        conf = f"{perf_lab.PENDING}/10-perf.conf"
        server, folder = wait_for("the check's server started", lambda: postmaster_with(conf, marker))
        bench, script_folder = wait_for("pgbench runs the workload", lambda: _our_pgbench(server))
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        for what, process in (("the server", server), ("pgbench", bench)):
            wait_for(f"{what} stopped", lambda p=process: not p.is_running() or p.status() == psutil.STATUS_ZOMBIE)
        wait_for("the server's folder removed", lambda: not folder.exists())
        wait_for("pgbench's script folder removed", lambda: not script_folder.exists())
    finally:
        if proc.poll() is None:
            proc.kill()






def _our_pgbench(server: psutil.Process) -> tuple[psutil.Process, Path] | None:
    port = server.cmdline()[server.cmdline().index("-p") + 1]
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if proc.info["name"] == "pgbench" and proc.environ().get("PGPORT") == port:
                return proc, Path(proc.cwd())
        except psutil.Error:
            continue
    return None




def test_rows_examined_counts_what_each_table_scan_read_in_every_loop() -> None:
    plan = {"Node Type": "Nested Loop", "Actual Rows": 5, "Plans": [
        {"Node Type": "Seq Scan", "Relation Name": "customers", "Actual Rows": 2, "Rows Removed by Filter": 98,
         "Actual Loops": 1},
        {"Node Type": "Bitmap Heap Scan", "Relation Name": "orders", "Actual Rows": 3,
         "Rows Removed by Index Recheck": 1, "Actual Loops": 2,
         "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "i", "Actual Rows": 4}]}]}
    assert rows_examined(plan) == 100 + 2 * 4
