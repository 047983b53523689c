"""pg.ha.*: postgres/week-15, a failover without lost rows. Each check reads its phase of the
run's one scenario (failover_scenario.py): node1 killed under load, node2 promoted by the
learner's failover.sh, the client back through conninfo.txt, node1 rewound by rejoin.sh."""

from __future__ import annotations

from harness.outcomes import Failure, Passed, Skip
from harness.registry import CheckContext, check

from .failover_record import (
    FAILOVER,
    GATE,
    NODE1,
    NODE2,
    PROMOTE_BOUND_S,
    REJOIN,
    RESUME_BOUND_S,
    RUN_AGAIN,
    Record,
)
from .failover_scenario import record

LOST = "pg.ha.no_lost_commits"
RESUMES = "pg.ha.client_resumes"
REJOINED = "pg.ha.rejoined"
# The first check to run pays for the scenario (about 7 s; 30 s more when the harness promotes
# node2 itself), the others wait for its record: room for every script's budget and every wait
# of failover_scenario.py run to its end.
TIMEOUT_S = 480


def _gate(rec: Record, check_id: str) -> None:
    """A scenario that could not start fails the gate and skips the others."""
    problem = rec.problem
    if problem is None:
        return
    if check_id == GATE:
        raise Failure(problem.message, hint=problem.hint, evidence=problem.evidence or None,
                      reproduce=RUN_AGAIN.format(check=check_id))
    raise Skip(f"no failover to check: {problem.message} ({GATE})")


def _promoted(rec: Record) -> None:
    if rec.primary_at is None:
        raise Skip(f"node2 never became a primary, not even promoted by the harness ({GATE})")


@check(GATE, points=3, needs_app=False, timeout_s=TIMEOUT_S)
def the_standby_is_promoted_in_time(ctx: CheckContext) -> Passed:
    """failover.sh, run right after the kill, brings node2 out of recovery within the bound."""
    rec = record(ctx)
    _gate(rec, GATE)
    run = rec.failover
    assert run is not None
    evidence = f"{run.tail()}\nnode2's log:\n{rec.node2_log}"
    if not run.ok:
        raise Failure(f"{FAILOVER} failed: {run.verdict()}", expected="exit 0 with node2 promoted",
                      actual=run.verdict(), hint="Run it by hand on a standby of your own (the README shows how).",
                      evidence=evidence, reproduce=RUN_AGAIN.format(check=GATE))
    if rec.promoted_s is None and rec.never_asked:
        raise Failure(f"{FAILOVER} exited without promoting node2, and nothing asked it to promote",
                      expected=f"pg_is_in_recovery() false on node2 within {PROMOTE_BOUND_S:.0f} s of the kill",
                      actual=f"{FAILOVER} exited 0 after {run.seconds:.1f} s; node2 is still a standby, with no "
                             "promote request in its folder or its log",
                      hint="Promote it: pg_ctl promote -D \"$STANDBY_DATA\" (or SELECT pg_promote()).",
                      evidence=evidence, reproduce=RUN_AGAIN.format(check=GATE))
    if rec.promoted_s is None:
        raise Failure(f"node2 was still in recovery {PROMOTE_BOUND_S:.0f} s after node1 was killed",
                      expected=f"pg_is_in_recovery() false on node2 within {PROMOTE_BOUND_S:.0f} s of the kill",
                      actual=f"{FAILOVER} exited 0 after {run.seconds:.1f} s, and node2 is still a standby",
                      hint="Promote it: pg_ctl promote -D \"$STANDBY_DATA\" (or SELECT pg_promote()).",
                      evidence=evidence, reproduce=RUN_AGAIN.format(check=GATE))
    return Passed(f"node2 was a primary {rec.promoted_s:.1f} s after node1 was killed ({FAILOVER} took "
                  f"{run.seconds:.1f} s; bound {PROMOTE_BOUND_S:.0f} s)",
                  figures={"promotion_s": round(rec.promoted_s, 2), "failover_script_s": round(run.seconds, 2),
                           "bound_s": PROMOTE_BOUND_S})


@check(LOST, points=3, needs_app=False, timeout_s=TIMEOUT_S)
def no_acknowledged_commit_is_lost(ctx: CheckContext) -> Passed:
    """Every id the client saw committed on node1 is on node2 after the failover."""
    rec = record(ctx)
    _gate(rec, LOST)
    if rec.unread:
        raise Failure(f"node2's rows could not be read: {rec.unread}", expected="node2 readable by the harness",
                      hint="node2 must let the harness's superuser `harness` in from 127.0.0.1 (its pg_hba.conf).",
                      evidence=f"node2's log:\n{rec.node2_log}", reproduce=RUN_AGAIN.format(check=LOST))
    if rec.acked == 0:
        raise Failure("the client could not commit a single write on node1 under load",
                      expected="writes acknowledged before the kill",
                      actual="every commit waited (or failed) until node1 was killed",
                      hint=f"synchronous_standby_names must name the standby that is there: {NODE2!r} "
                           "($STANDBY_NAME, its application_name).",
                      evidence=f"node2's log:\n{rec.node2_log}", reproduce=RUN_AGAIN.format(check=LOST))
    figures = {"acknowledged": rec.acked, "acknowledged_while_wal_sender_stopped": rec.acked_frozen,
               "missing": len(rec.missing), "sync_state": rec.sync_state}
    if rec.missing:
        shown = ", ".join(str(i) for i in rec.missing[:10]) + (" ..." if len(rec.missing) > 10 else "")
        raise Failure(f"{len(rec.missing)} of {rec.acked} acknowledged commits are not on node2 after the failover",
                      expected="every id the client saw committed on node2",
                      actual=f"missing ids {shown}; node2 was {rec.sync_state or 'not'} in pg_stat_replication, and "
                             f"{rec.acked_frozen} commits were acknowledged while no WAL reached it",
                      hint="A commit is acknowledged once it is flushed where synchronous_commit says: name node2 in "
                           "synchronous_standby_names (its application_name) and keep synchronous_commit at on or "
                           "remote_apply.",
                      figures=figures, reproduce=RUN_AGAIN.format(check=LOST))
    # With node2 synchronous, a commit acknowledged after the stop was confirmed by node2 before it:
    # its reply was on its way to the client. Said so, since a bare count reads like a lost commit.
    after = (f"; {rec.acked_frozen} acknowledged after its WAL sender was stopped, replies already on their way "
             "and on node2 too" if rec.acked_frozen else "")
    return Passed(f"all {rec.acked} acknowledged commits are on node2 (node2 was {rec.sync_state}{after})",
                  figures=figures)


@check(RESUMES, points=2, needs_app=False, timeout_s=TIMEOUT_S)
def the_client_resumes_writing(ctx: CheckContext) -> Passed:
    """Through conninfo.txt: a write lands on node1 before the kill, writes resume on node2 within the
    bound after it, and after node1 is back as a standby a new connection still lands on node2."""
    rec = record(ctx)
    _gate(rec, RESUMES)
    if rec.conninfo_problem is not None:
        raise Failure(rec.conninfo_problem.message, hint=rec.conninfo_problem.hint,
                      reproduce=RUN_AGAIN.format(check=RESUMES))
    hint = ("List both servers and ask for the one that takes writes: host=127.0.0.1,127.0.0.1 "
            "port=${NODE1_PORT},${NODE2_PORT} target_session_attrs=read-write.")
    before = rec.before_kill
    if before is None or not before.ok or before.port != rec.node1_port:
        raise Failure("a write through conninfo.txt failed before the kill, with node1 the primary",
                      expected=f"the write lands on node1 (port {rec.node1_port})",
                      actual=(before.error or f"it landed on port {before.port}") if before else "not tried",
                      hint=hint, reproduce=RUN_AGAIN.format(check=RESUMES))
    swapped = rec.swapped
    if swapped is None or not swapped.ok or swapped.port != rec.node1_port:
        raise Failure("with the first server in conninfo.txt a standby, a write through it did not land on the "
                      "primary", expected=f"the write lands on node1 (port {rec.node1_port}), the one that takes "
                      "writes, with ${NODE1_PORT} given node2's port (a standby) and ${NODE2_PORT} node1's",
                      actual=(swapped.error or f"it landed on port {swapped.port}") if swapped else "not tried",
                      hint=hint, reproduce=RUN_AGAIN.format(check=RESUMES))
    _promoted(rec)
    if rec.resumed_s is None or rec.resumed_s > RESUME_BOUND_S:
        raise Failure(f"the client did not write again within {RESUME_BOUND_S:.0f} s of node2's promotion",
                      expected="a write acknowledged by node2, promoted",
                      actual=f"{rec.resume_attempts} attempts; the last: {rec.resume_error or 'still waiting'}",
                      hint=f"{hint} A new primary whose synchronous_standby_names names a standby that is not there "
                           f"makes every commit wait: {FAILOVER} decides what it runs with.",
                      evidence=f"node2's log:\n{rec.node2_log}", reproduce=RUN_AGAIN.format(check=RESUMES))
    after = rec.after_rejoin
    if after is not None and (not after.ok or after.port != rec.node2_port):
        where = f"port {after.port}" if after.port else "no server"
        raise Failure("with node1 back as a standby, a new connection through conninfo.txt did not write on node2",
                      expected=f"the write lands on node2 (port {rec.node2_port})",
                      actual=after.error or f"it landed on {where}", hint=hint,
                      reproduce=RUN_AGAIN.format(check=RESUMES))
    back = "and still lands there with node1 back as a standby" if after is not None else \
        f"(node1 did not rejoin: {REJOINED}; a standby listed first was tried before the kill)"
    return Passed(f"the client wrote on node2 {rec.resumed_s:.1f} s after its promotion (bound "
                  f"{RESUME_BOUND_S:.0f} s, {rec.resume_attempts} attempts), {back}",
                  figures={"resumed_s": round(rec.resumed_s, 2), "attempts": rec.resume_attempts,
                           "bound_s": RESUME_BOUND_S})


@check(REJOINED, points=3, needs_app=False, timeout_s=TIMEOUT_S)
def the_old_primary_rejoins_as_a_standby(ctx: CheckContext) -> Passed:
    """rejoin.sh rewinds node1's folder (no new copy: a table file keeps its inode); node1 starts as a
    standby of node2 and streams from it."""
    rec = record(ctx)
    _gate(rec, REJOINED)
    _promoted(rec)
    run = rec.rejoin
    reproduce = RUN_AGAIN.format(check=REJOINED)
    hint = ("pg_rewind --target-pgdata=\"$OLD_PRIMARY_DATA\" --source-server='host=... port=$NEW_PRIMARY_PORT "
            "user=$REPLICATION_USER dbname=postgres' -R needs wal_log_hints = on (or data checksums) in the "
            "configuration node1 ran with.")
    if run is None:
        raise Failure(rec.rejoin_problem or f"{REJOIN} did not run", hint=f"Write {REJOIN} as the README says.",
                      reproduce=reproduce)
    evidence = f"{run.tail()}\nnode1's log:\n{rec.node1_log or '(not started)'}"
    if not run.ok:
        raise Failure(f"{REJOIN} failed: {run.verdict()}", expected="exit 0, node1's folder a standby of node2",
                      actual=run.verdict(), hint=hint, evidence=evidence, reproduce=reproduce)
    if rec.rewound_in_place is not True:
        raise Failure(f"{REJOIN} replaced node1's files instead of rewinding them",
                      expected="node1's table files kept (pg_rewind copies only what changed)",
                      actual="a table file of node1's has a new inode: a new base backup, or a copy",
                      hint=hint, evidence=evidence, reproduce=reproduce)
    if rec.rejoined_streaming_s is None:
        raise Failure(rec.rejoin_problem or "node1 did not rejoin", expected=f"node1 streaming from node2 as {NODE1!r}",
                      actual=rec.rejoin_problem, hint="pg_rewind -R writes standby.signal and primary_conninfo; "
                      "add application_name=$OLD_PRIMARY_NAME to the source-server string.",
                      evidence=evidence, reproduce=reproduce)
    return Passed(f"{REJOIN} rewound node1 in {run.seconds:.1f} s, and it streamed from node2 as {NODE1} "
                  f"{rec.rejoined_streaming_s:.1f} s after it started",
                  figures={"rejoin_script_s": round(run.seconds, 2),
                           "streaming_after_s": round(rec.rejoined_streaming_s, 2)})

