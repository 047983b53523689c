"""pg.replica.lag_bounded: under a short pgbench write load on the primary, the standby replays
close behind, and catches up when the load stops.

Measured as time: at each sample, how long ago the primary wrote the oldest WAL the standby has
not replayed yet (0 when it has replayed everything), from the primary's pg_current_wal_lsn() and
the standby's own pg_last_wal_replay_lsn(). (The primary's pg_stat_replication.replay_lsn would
also count how often the standby reports, every wal_receiver_status_interval: its own delay.)

A standby whose replay is seen waiting out a recovery_min_apply_delay over the bound (its startup
process in the RecoveryApplyDelay wait) fails at once: it holds every commit back that long, so
its lag will pass the bound (counted from a sample taken before the commit was written); waiting
for the clock to show it would prove nothing more."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

from harness.outcomes import CannotCheck, Failure, Passed
from harness.proc.process import ManagedProcess, run_to_end
from harness.registry import CheckContext, check

from ..replica_pair import RUN_AGAIN, Pair, recovery_conflict, replica_pair

CHECK = "pg.replica.lag_bounded"
# Seconds of pgbench: thousands of transactions (2 clients ran 3,000-4,000 tps here, half that on a
# machine twice as slow). A load shorter than LAG_BOUND_S cannot put replay past the bound while
# it runs (the lag counts from the first sample, just before the load), so what fails a standby is
# the wait after the load: one that holds commits back (recovery_min_apply_delay over the bound)
# passes the bound LAG_BOUND_S after that first sample, however long the load was; 4 s of load
# only made the reference's run 2 s longer.
LOAD_S = 2
CLIENTS = 2
# Idle, a standby replays a commit within milliseconds and under this load within a few hundred;
# 5 s is room for a busy 2-core machine. The wait after the load ends as soon as it caught up.
LAG_BOUND_S = 5.0
SAMPLE_S = 0.2
# pgbench reads no file here: it runs in the temporary folder (a container of the image, in Docker mode, sees it too).
WHERE = Path(tempfile.gettempdir())
CONFLICT_RETRIES = 5
HINT = ("A read replica replays as fast as it receives: a recovery_min_apply_delay holds every commit "
        "back by that long (that makes a delayed standby, a backup against mistakes, not a replica to "
        "read from). Remove it, or keep it on a second standby.")


def _pgbench_env(pair: Pair) -> dict[str, str]:
    parts = urlsplit(pair.primary_url)
    return {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PGHOST": "127.0.0.1", "PGPORT": str(parts.port),
            "PGUSER": unquote(parts.username or ""), "PGPASSWORD": unquote(parts.password or ""),
            "PGDATABASE": "postgres"}


class Sampler:
    """The primary's WAL position over time and the standby's replayed position, as lag in seconds."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        self.written: list[tuple[float, int]] = []  # (time, primary's LSN) of each sample
        self.lags: list[float] = []
        self.states: set[str] = set()
        self.replayed = 0
        # recovery_min_apply_delay in seconds, once replay was seen waiting for it (else 0).
        self.held_back_s = 0.0

    def _replayed(self) -> tuple[object, ...] | None:
        # A standby with max_standby_streaming_delay = 0 (read_only's defect) cancels even this
        # read when replay conflicts with it: that says nothing about lag, so it reads again.
        for attempt in range(CONFLICT_RETRIES):
            try:
                with self.pair.standby_conn() as conn:
                    return conn.execute(
                        "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::int8, "
                        "(SELECT wait_event FROM pg_stat_activity WHERE backend_type = 'startup'), "
                        "(SELECT setting::int8 FROM pg_settings WHERE name = 'recovery_min_apply_delay')"
                    ).fetchone()
            except psycopg.Error as exc:
                if attempt == CONFLICT_RETRIES - 1 or not recovery_conflict(exc):
                    raise
        return None

    def sample(self) -> float:
        with self.pair.primary_conn() as conn:
            row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8, (SELECT state FROM "
                               "pg_stat_replication WHERE pid = %s)", (self.pair.walsender["pid"],)).fetchone()
        got = self._replayed()
        now = time.monotonic()
        assert row is not None and got is not None
        current, replayed, state = int(str(row[0])), int(str(got[0] or 0)), str(row[1] or "gone")
        self.states.add(state)
        self.written.append((now, current))
        self.replayed = replayed
        if got[1] == "RecoveryApplyDelay":  # the setting is in ms
            self.held_back_s = max(self.held_back_s, int(str(got[2] or 0)) / 1000)
        behind = next((t for t, lsn in self.written if lsn > replayed), None)
        lag = 0.0 if behind is None else now - behind
        self.lags.append(lag)
        return lag

    def held_over_bound(self) -> bool:
        """Replay waits out a delay longer than the bound: every commit will be that late."""
        return self.held_back_s > LAG_BOUND_S


def _load(pgbench: str, env: dict[str, str], pair: Pair, sampler: Sampler) -> str:
    """pgbench's write load, sampled as it runs; its output ("" when stopped early, the outcome known)."""
    argv, env, uid, gid = pair.primary.run.tool([pgbench, "-n", "-N", "-c", str(CLIENTS), "-j", "1", "-T",
                                                 str(LOAD_S)], env, WHERE, None)
    proc = ManagedProcess("pgbench", argv, cwd=WHERE, env=env, user=uid, group=gid)
    proc.start()
    try:
        while proc.poll() is None:
            sampler.sample()
            if sampler.held_over_bound():
                return ""
            time.sleep(SAMPLE_S)  # a sampling period, not a wait for a state
        code = proc.wait(30)
    finally:
        proc.stop(grace_s=3.0)
    if code != 0:
        raise CannotCheck(f"pgbench failed on the harness's primary (exit {code}): {proc.log.tail(5)}")
    return proc.log.text()


@check(CHECK, points=2, needs_app=False, timeout_s=150)
def lag_stays_bounded_under_load(ctx: CheckContext) -> Passed:
    """Under 2 s of pgbench writes the standby's replay stays within 5 s of the primary, and it
    catches up within 5 s after the load."""
    with replica_pair(ctx, CHECK) as pair:
        pair.require_connections()
        pgbench = str(pair.primary.binaries.tool("pgbench"))
        env = _pgbench_env(pair)
        argv, init_env, uid, gid = pair.primary.run.tool([pgbench, "-i", "-s", "1", "-q"], env, WHERE, None)
        code, log, _ = run_to_end("pgbench -i", argv, cwd=WHERE, env=init_env, timeout_s=60, user=uid, group=gid)
        if code != 0:
            raise CannotCheck(f"pgbench -i failed on the harness's primary (exit {code}): {log.tail(5)}")
        sampler = Sampler(pair)
        sampler.sample()
        # Replay may already wait out a delay on pgbench -i's commits: then no load is needed.
        output = "" if sampler.held_over_bound() else _load(pgbench, env, pair, sampler)
        tps = next((line.split("=")[1].split()[0] for line in output.splitlines() if line.startswith("tps")), "?")
        # After the load: sample until the standby replayed all the primary had written when the load
        # ended, or the lag passed the bound. (Not "no lag at all": the primary may go on writing a
        # little WAL by itself, a checkpoint or autovacuum, which a standby trails by milliseconds.)
        ended = time.monotonic()
        target: int | None = None
        caught = False
        while not sampler.held_over_bound():
            lag = sampler.sample()
            target = sampler.written[-1][1] if target is None else target
            caught = sampler.replayed >= target
            if caught or lag > LAG_BOUND_S or time.monotonic() - ended > LAG_BOUND_S:
                break
            time.sleep(SAMPLE_S)
        caught_up = time.monotonic() - ended
        evidence = pair.evidence()
    worst = max(sampler.lags)
    measured = (f"pgbench {CLIENTS} clients × {LOAD_S} s: {float(tps):.0f} tps" if tps != "?" else "pgbench ran") + \
        f"; replay lag at most {worst:.2f} s over {len(sampler.lags)} samples"
    if sampler.states - {"streaming"}:
        raise Failure("the standby left the streaming state under load", expected="streaming throughout",
                      actual=f"states seen: {', '.join(sorted(sampler.states))}; {measured}", hint=HINT,
                      evidence=evidence, reproduce=RUN_AGAIN.format(check=CHECK))
    if sampler.held_over_bound():
        raise Failure(f"the standby holds every commit back {sampler.held_back_s:g} s, more than the "
                      f"{LAG_BOUND_S:.0f} s it may fall behind the primary under load",
                      expected=f"replay lag at most {LAG_BOUND_S:.0f} s, caught up within {LAG_BOUND_S:.0f} s "
                               "after the load",
                      actual=f"the standby's replay waiting out recovery_min_apply_delay = {sampler.held_back_s:g} s "
                             "(its startup process in the RecoveryApplyDelay wait)",
                      hint=HINT, evidence=evidence, reproduce=RUN_AGAIN.format(check=CHECK))
    if worst > LAG_BOUND_S or not caught:
        raise Failure(f"the standby fell more than {LAG_BOUND_S:.0f} s behind the primary under load",
                      expected=f"replay lag at most {LAG_BOUND_S:.0f} s, caught up within {LAG_BOUND_S:.0f} s "
                               "after the load",
                      actual=measured, hint=HINT, evidence=evidence, reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed(f"{measured}; caught up {caught_up:.1f} s after the load")
