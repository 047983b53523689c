"""`harness grade`: a folder of untrusted submissions, graded in parallel, each in its own jail.

The orchestrator (runner.py) runs one worker process per submission (worker.py). The
worker is an ordinary check Session, started inside a fresh network namespace so that its
PostgreSQL, its app and its probes talk over that namespace's loopback and nothing else.
The submission's own commands run through the jail launcher (jail.py): its own uid, its own
cgroups (cgroups.py), a read-only view of the machine (bubblewrap) and rlimits. The
orchestrator watches the cgroups and the namespace from outside (watch.py), names what a
submission did wrong (verdicts.py), and writes the gradebook (gradebook.py) and the
Gradescope results (gradescope.py). With --warm-deps it first installs the lab's starter
into a read-only set (warm.py) that a matching submission gets a copy of (reuse.py).
The command line (harness/commands/grade.py) reads the arguments and calls these modules;
batch.py holds what it needs around the Grader (which folders are submissions, what this
machine can isolate).
"""
