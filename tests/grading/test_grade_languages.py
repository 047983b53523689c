"""Grading is not tied to Node: a FastAPI + SQLAlchemy project (its .venv copied from the
dependencies pip installed once in the jail from its base project, see lab_gradings.py;
python/week-01's submissions pip install their own) and a Spring Boot project (Maven, then a
JVM under the memory and process limits) are graded in the same jail, each reference in full
and a defect losing exactly its check's points. So is a testing lab, whose seeded bugs are
planted in copies inside the jailed project (written by the harness, run as the submission's
user), and a module lab, whose hidden tests are copied in the same way. (What a grading
leaves behind is counted by the corpus test; the grading tests take turns, see grading_alone;
each lab is graded once per session, lab_gradings.py, and other tests may read its grading.)

Needs root (cgroups, network namespaces, a uid per submission), as `harness grade` does.
"""

from __future__ import annotations

import json

import pytest

from tests.grading.lab_gradings import LabGradings

pytestmark = pytest.mark.slow

CASES = [
    # lab, test folder, defect, full score, the defect's points
    ("python/week-11", "week-11", "db.pool.bounded", 19, 2),
    # Spring Boot on Reactor Netty (Maven, then a JVM under the limits), streaming the harness's own
    # feed (harness/services/feed.py) inside the submission's network namespace, where the
    # backpressure check reads the app's socket queues; this defect's unbounded buffer shows there.
    # (It took the place of java/week-09, which proved the same Maven build and JVM in the jail.)
    ("java/week-28", "week-28", "reactive.stream.backpressure", 9, 2),
    ("node/week-24", "week-24", "testing.catches.page_limit", 10, 1),
    # A module lab: no app, the lab's hidden files copied in by the harness and run as the submission.
    ("node/week-01", "week-01", "module.limiter.bounded", 10, 2),
    # The same in Python: hidden pytest suites and mypy run with the submission's own .venv.
    ("python/week-01", "week-01", "pymodule.context.atomic", 9, 1),
    # Its asyncio sequel: the hidden suites run their own event loops inside the jail.
    ("python/week-04", "week-04", "pymodule.pipeline.backpressure", 18, 2),
    # And in Java: the hidden JUnit 5 classes compiled into the submission's src/test/java and run
    # by its Maven offline (what its install downloaded into its own HOME); this defect's hidden
    # class does not compile, so the other checks rerun their classes alone.
    ("java/week-01", "week-01", "jmodule.generics.variance", 8, 2),
    # Java 21 (lab.toml `java = 21`: a JDK beside the default 17, found and passed into the jail);
    # the harness's loopback endpoint reached by the jailed probe's 2000 sockets (open_files from
    # the lab's [grading]); this defect's pool of 100 stalls there.
    ("java/week-05", "week-05", "jmodule.threads.virtual", 7, 3),
    # A program of the project's own ([commands] aggregate) run to the end in the jail on the 500 MiB
    # log the harness writes into the project (readable there whatever the grader's umask), its peak
    # RSS read through bwrap, which exits without reaping it; this defect hashes on the event loop.
    ("node/week-05", "week-05", "internals.hash.nonblocking", 12, 4),
    # A plain node:http server started a second time by its TLS checks, with the run's certificate.
    ("node/week-08", "week-08", "web.tls.harness_cert", 16, 2),
    # Express with its middleware (npm ci in the install jail); a check reads the app's log.
    ("node/week-11", "week-11", "middleware.request_id.echoed_and_logged", 13, 2),
    # Two processes of the submission's in one jail (the gateway, and the catalog it reaches through
    # the harness's proxy), the catalog killed and started again from the checks' threads, and a
    # SIGTERM that must reach the gateway past bwrap and the harness's shell (its in-flight requests
    # answered). The Dockerfile check is skipped where no node:20-slim image is on the machine: 10.
    ("node/week-31", "week-31", "micro.shutdown.graceful", 10, 3),
    # The app under libfaketime in the jail: the clock's offset file, written by the harness as it
    # moves the app's clock, is bound read-only over the jail's private /tmp (the expiry checks).
    # The defect first tries to write, open up and remove that file, and ends if one works
    # (lab_gradings.py CLOCK_ATTACK): its grade shows none did.
    ("node/week-21", "week-21", "security.jwt.expiry_enforced", 50, 3),
    # No app: PostgreSQL servers of the check's own with the learner's conf.d, pg_hba.conf and SQL.
    # This defect's archive_command also attacks the file the harness puts into the archive
    # (lab_gradings.py ARCHIVE_ATTACK): links to root's private file, the folder swapped for a link.
    ("postgres/week-01", "week-01", "pg.archive.works", 10, 2),
    ("postgres/week-29", "week-29", "pg.rls.tenants", 10, 3),
    ("postgres/week-22", "week-22", "pg.perf.same_results", 9, 2),
    # Both servers and the three scripts of a failover in one jail of the submission's, the
    # harness a client of them (validators/postgres/failover_jail.py).
    ("postgres/week-15", "week-15", "pg.ha.rejoined", 11, 3),
]


@pytest.mark.parametrize(("lab", "week", "defect", "full", "lost"), CASES)
def test_a_lab_of_another_language_is_graded_in_the_jail(lab: str, week: str, defect: str, full: int, lost: int,
                                                       lab_gradings: LabGradings) -> None:
    done = lab_gradings.get(lab, week, defect)
    graded, private = done.graded, done.private
    assert graded.code == 0, graded.explain()  # grading worked; a failed check is a grade, not an error
    rows = {r["submission"]: r for r in graded.gradebook()}
    assert (rows["solved"]["score"], rows["solved"]["max_score"], rows["solved"]["status"]) == \
        (str(full), str(full), "pass"), graded.explain()
    assert (rows["slipped"]["score"], rows["slipped"]["status"], rows["slipped"]["failed_checks"]) == \
        (str(full - lost), "fail", defect), graded.explain()
    # Nothing but the grade: no limit hit, and an app the run never started (the testing labs
    # send it no request) is not a crash.
    assert (rows["solved"]["verdict"], rows["slipped"]["verdict"]) == ("", ""), graded.explain()
    # The CPU time used sits next to its limit in verdict.json, for the instructor to size limits by
    # (the lab's default limits are five times the reference's measured cost: lab.toml [grading]).
    assert private.stat().st_mode & 0o777 == 0o600
    assert private.read_text() == "only root reads this"
    assert not (private.parent / "roots-folder").exists() or not any((private.parent / "roots-folder").iterdir())
    run = json.loads((graded.out / "solved" / "verdict.json").read_text())["usage"]["run"]
    assert 0 < run["cpu_s"] <= run["cpu_limit_s"], run
