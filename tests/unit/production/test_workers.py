"""prod.workers.parallel's reading of the processes: who served, on real processes' CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from harness.proc.named import command_tree
from harness.validators.production.workers import SERVED_MIN_MS, Served, cpu_ms, measure


def test_a_process_serves_when_it_gained_enough_cpu_and_a_share_of_it() -> None:
    served = Served({1: 400.0, 2: 300.0, 3: 10.0, 4: SERVED_MIN_MS - 1})
    assert served.serving() == [1, 2]
    # One busy worker and a master that ticked: one process served.
    assert Served({10: 900.0, 11: 20.0}).serving() == [10]
    # Enough CPU, but a small share of what the app used: the master of a busy pair of workers.
    assert Served({1: 2000.0, 2: 2000.0, 3: SERVED_MIN_MS + 10}).serving() == [1, 2]


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_cpu_time_is_read_from_proc_and_grows_with_work() -> None:
    before = cpu_ms(os.getpid())
    assert before is not None
    _burn(0.1)
    after = cpu_ms(os.getpid())
    assert after is not None and after - before >= 50


def test_measure_counts_the_processes_that_worked_and_stops_once_enough_did() -> None:
    # Each line read: 150 ms of CPU, then an answer. Each says "ready" once started: Python's own
    # start (tens of ms of CPU on a slow machine) is then over before the measure begins, and the
    # idle one stays idle in it.
    burn = ("import sys, time\nprint('ready', flush=True)\nfor line in sys.stdin:\n"
            "    e = time.process_time() + 0.15\n    while time.process_time() < e: pass\n    print(1, flush=True)\n")
    idle = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(60)"],
                            stdout=subprocess.PIPE, text=True)
    busy = [subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]
    rounds_sent = []
    try:
        for proc in (idle, *busy):
            assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        def send() -> None:
            rounds_sent.append(1)
            for proc in busy:
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
                proc.stdout.readline()

        pids = [idle.pid, *(p.pid for p in busy)]
        served, rounds = measure(pids, send, enough=2)
        assert sorted(served.serving()) == sorted(p.pid for p in busy)
        assert rounds == 1 == len(rounds_sent)
        # Three processes never do: every round is tried, and the verdict is what they did.
        _, rounds = measure(pids, send, enough=3, rounds=2)
        assert rounds == 2
        # Fewer processes than asked for: one round, since more cannot change the verdict.
        served, rounds = measure([busy[0].pid], send, enough=2, rounds=3)
        assert rounds == 1 and served.serving() == [busy[0].pid]
    finally:
        for proc in (idle, *busy):
            proc.kill()
            proc.wait()


def test_the_command_tree_holds_what_the_start_command_runs_and_not_the_shell_around_it() -> None:
    start = "sleep 30 & sleep 30 & wait"
    shell = subprocess.Popen(["/bin/sh", "-c", start], start_new_session=True)
    try:
        wrapper = ["/bin/sh", "-c", start]
        # Until both children have exec'd sleep, a forked child still reads as the shell (its
        # command line is its parent's) and counts as the wrapper: wait for that state, not a count.
        deadline = time.monotonic() + 5
        while len(command_tree(shell.pid, wrapper=wrapper)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        everything = command_tree(shell.pid)
        assert shell.pid in everything and len(everything) == 3
        without_wrapper = command_tree(shell.pid, wrapper=wrapper)
        assert shell.pid not in without_wrapper and len(without_wrapper) == 2
    finally:
        os.killpg(shell.pid, 9)
        shell.wait()
