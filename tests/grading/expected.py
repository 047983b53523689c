"""What grading the folder must give: (score, status, verdict) per submission.

Max score 21: the lab's 19 points with db.sql.parameterized raised from 3 to 5 by the
policy. A defect loses exactly its check's points; the hostile corpus gets the verdict
that names the limit hit or the rule broken.
"""

from __future__ import annotations

MAX = 21.0
POINTS = {"db.migrations.versioned": 2, "rest.shelf.contract": 3, "rest.errors.problem_json": 2,
          "db.sql.parameterized": 5, "db.tx.loans_atomic": 3, "db.queries.no_n_plus_one": 2,
          "db.indexes.filters": 2, "db.pool.bounded": 2}

EXPECTED: dict[str, tuple[float, str, str]] = {
    "reference": (MAX, "pass", ""),
    **{f"defect-{check}": (MAX - points, "fail", "") for check, points in POINTS.items()},
    "never-ready": (0.0, "error", "never ready"),
    "crash-mid-run": (2.0, "fail", "crashed during the checks (exit code 3)"),
    "infinite-loop": (0.0, "error", "CPU time limit (20 s) exceeded (--limit cpu_time=40s or limits.cpu_time in the "
                                    "policy)"),
    "memory-bomb": (0.0, "error", "memory limit (256 MB) exceeded"),
    "fork-bomb": (0.0, "error", "process limit (64) reached"),
    "log-flood": (0.0, "error", "log limit (1 MB) reached"),
    "big-file": (0.0, "error", "file size limit (16 MB) exceeded"),
    "wrong-port": (0.0, "error", "bound a port it was not given (9999)"),
    "db-snoop": (MAX, "pass", "database access denied (must be owner of database)"),
    "write-outside": (0.0, "fail", "write outside its folder denied"),
    "net-escape": (0.0, "fail", "network access denied (only loopback to its own services is reachable)"),
    "malformed-toml": (0.0, "error", "invalid harness.toml: is not valid TOML: Expected ']' at the end of a "
                                     "table declaration (at line 2, column 5)"),
    "empty": (0.0, "error", "empty submission: no files"),
    # Nothing a submission controls reaches a root step: its PATH and loader variables apply
    # inside its jail only (graded as the reference it is), a report path outside its folder
    # is a config error, a hard link to a root-only file is not copied (the app cannot read it).
    "path-hijack": (MAX, "pass", ""),
    "coverage-absolute": (0.0, "error", "invalid harness.toml: key 'tests.coverage': must be a path inside the "
                                        "project, relative to its folder (no leading '/', no '..'), got "
                                        "'/tmp/harness-decoy-coverage.json'"),
    "coverage-parent": (0.0, "error", "invalid harness.toml: key 'tests.coverage': must be a path inside the "
                                      "project, relative to its folder (no leading '/', no '..'), got "
                                      "'../../../../../../../../../../tmp/harness-decoy-coverage.json'"),
    "hard-link": (0.0, "fail", ""),
}

# Its own database burns CPU in a loop after the first check: the same CPU-time limit ends it.
EXPECTED["pg-cpu-burn"] = (2.0, "fail", EXPECTED["infinite-loop"][2])
# Its own database holds more than the services memory limit after the first check.
EXPECTED["kills-own-db"] = (2.0, "fail", "its database server was stopped: memory limit (512 MB) exceeded")

# Two answers that never end (the list of books; a book as a gzip that inflates without end): the
# harness reads 32 MB of each and fails the checks that asked, naming the request.
EXPECTED["endless-body"] = (POINTS["db.migrations.versioned"] + POINTS["db.tx.loans_atomic"], "fail", "")

# Traps for the harness in its own database (schemas named after the harness's roles with
# look-alikes of the tables and views it reads, a lying public.pg_stat_statements,
# operators): the probes never resolve a name through them, so it is graded as the reference.
EXPECTED["schema-shadow"] = (MAX, "pass", "")
# A trigger on books that grabs superuser when anyone but the app inserts: the harness
# seeds with the app's rights, so the grab is refused, and the seed with it.
EXPECTED["seed-trigger"] = (MAX - POINTS["db.indexes.filters"], "fail", "database access denied (must be superuser)")

# The warmed-dependency cases (test_grade_warm_deps): a lockfile of other bytes and a linked
# node_modules install their own and are graded as the reference they are; one that writes into
# its copy of the dependencies breaks only its own app.
EXPECTED["a-poisons-deps"] = (0.0, "error", "never ready")
EXPECTED["b-changed-lockfile"] = (MAX, "pass", "")
EXPECTED["c-linked-modules"] = (MAX, "pass", "")

# Paths the write-outside submission tries; none may exist after grading.
WRITE_TARGETS = ("/etc/harness-pwned", "/usr/local/harness-pwned", "/harness-pwned", "/root/harness-pwned",
                 "/var/tmp/harness-pwned", "/dev/shm/harness-pwned", "/tmp/harness-pwned",
                 # path-hijack's tools, had a root step run them
                 "/tmp/harness-pwned-path", "/root/harness-pwned-path")
# What the loader writes for every program started with path-hijack's LD_DEBUG_OUTPUT.
LOADER_MARKERS = "/tmp/harness-pwned-ld*"
