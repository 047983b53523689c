"""The CPU split of a load test: each process's ticks go to the party it descends from."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from harness.load import cpusplit
from harness.proc.procfs import stat_fields

BUSY = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end: pass"


def _ticks(pid: int) -> int:
    fields = stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def test_a_busy_grandchild_counts_for_the_start_command_that_launched_it() -> None:
    app = subprocess.Popen(["/bin/sh", "-c", f"{sys.executable} -c '{BUSY}'; true"])
    try:
        before = cpusplit.snapshot()
        deadline = time.monotonic() + 30
        grandchild = None
        while time.monotonic() < deadline:  # until the busy process has used a few ticks of CPU
            children = Path(f"/proc/{app.pid}/task/{app.pid}/children").read_text().split()
            if children and _ticks(int(children[0])) >= 5:
                grandchild = int(children[0])
                break
            time.sleep(0.05)
        assert grandchild is not None, "the busy process never ran"
        found = cpusplit.split(before, cpusplit.snapshot())
    finally:
        app.kill()
        subprocess.run(["pkill", "-f", "end = time.monotonic"], check=False)
        app.wait()
    parties = {p["name"]: p["core_percent"] for p in found["parties"]}
    mine = [name for name in parties if name.startswith("app: ") and f"[pid {app.pid}]" in name]
    assert mine and parties[mine[0]] > 0, found
    assert 0 <= found["idle_percent"] <= 100 and found["cores"] >= 1
    assert "CPU during the load" in cpusplit.describe(found)


def _fake_process(proc: Path, pid: int, parent: int, argv: list[str], ticks: int, reaped: int = 0) -> None:
    (proc / str(pid)).mkdir(parents=True)
    fields = ["S", str(parent), str(pid)] + ["0"] * 8 + [str(ticks), "0", str(reaped), "0"] + ["0"] * 4 + ["100"]
    fields += ["0"] * 10
    (proc / str(pid) / "stat").write_text(f"{pid} (x) " + " ".join(fields))
    (proc / str(pid) / "cmdline").write_bytes("\0".join(argv).encode() + b"\0")
    (proc / str(pid) / "cgroup").write_text("0::/user.slice\n")


def test_parties_are_named_by_what_the_harness_started(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    before = cpusplit.snapshot(proc)
    _fake_process(proc, 10, 1, ["harness"], 300, reaped=50)  # a generator worker that has ended
    _fake_process(proc, 11, 10, [sys.executable, "-m", "harness.load.worker"], 200)
    _fake_process(proc, 12, 10, ["/usr/lib/postgresql/15/bin/postgres", "-D", "x"], 50)
    _fake_process(proc, 13, 12, ["postgres: checkpointer"], 50)
    _fake_process(proc, 14, 10, ["/bin/sh", "-c", "node src/server.js"], 0)
    _fake_process(proc, 15, 14, ["node", "src/server.js"], 400)
    _fake_process(proc, 16, 1, ["unrelated"], 100)
    (proc / "stat").write_text("cpu 700 0 200 900 100 0 0 100\n")
    after = cpusplit.snapshot(proc)
    after.at = before.at + 10
    found = cpusplit.split(before, after, root=10, proc=proc)
    parties = {p["name"]: p["core_percent"] for p in found["parties"]}
    tick = 100 / cpusplit.TICKS_PER_S / 10  # percent of a core per tick over 10 s
    assert parties == {
        "app: node src/server.js [pid 14]": round(400 * tick, 1),
        cpusplit.HARNESS: round(300 * tick, 1),
        cpusplit.GENERATOR: round(250 * tick, 1),
        "PostgreSQL": round(100 * tick, 1),
        cpusplit.OTHER: round(100 * tick, 1),
    }
    assert found["idle_percent"] == 50.0 and found["steal_percent"] == 5.0


def test_a_graded_app_is_named_by_its_command_inside_the_jail(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    before = cpusplit.snapshot(proc)
    _fake_process(proc, 10, 1, ["harness"], 0)
    jail = ["/usr/bin/bwrap", "--ro-bind", "/", "/", "--die-with-parent", "--clearenv", "--setenv", "A", "--",
            "--setenv", "PORT", "8080", "--", "/bin/sh", "-c", "gunicorn -w 4 shelf.app:app"]
    _fake_process(proc, 11, 10, jail, 0)
    _fake_process(proc, 12, 11, ["gunicorn"], 400)
    _fake_process(proc, 13, 10, ["/usr/bin/bwrap", "--odd", "--", "node"], 100)  # not the jail's shape
    (proc / "stat").write_text("cpu 500 0 0 1500 0 0 0 0\n")
    after = cpusplit.snapshot(proc)
    after.at = before.at + 10
    names = {p["name"] for p in cpusplit.split(before, after, root=10, proc=proc)["parties"]}
    assert "app: gunicorn -w 4 shelf.app:app [pid 11]" in names, names  # a value "--" is not the end
    assert "app: /usr/bin/bwrap --odd -- node [pid 13]" in names, names


def test_what_the_machine_counted_beyond_the_named_processes_is_other_and_interrupts_are_the_kernels(
        tmp_path: Path) -> None:
    # A test suite next door ran processes that ended before the second snapshot: /proc has no
    # trace of them, /proc/stat does. Interrupt time is charged to no process.
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    before = cpusplit.snapshot(proc, root=10)
    _fake_process(proc, 10, 1, ["harness"], 100)
    _fake_process(proc, 11, 10, [sys.executable, "-c", "from harness.load.worker import main", "open"], 200)
    _fake_process(proc, 12, 10, ["/bin/sh", "-c", "node src/server.js"], 500)
    _fake_process(proc, 13, 10, ["redis-server", "*:6379"], 100)
    _fake_process(proc, 14, 10, [sys.executable, "-m", "harness.proc.reaper"], 50)  # the harness's own
    # busy: user 1200 + system 300 + softirq 100 = 1600 ticks; named 950 and 100 kernel: 550 other
    (proc / "stat").write_text("cpu 1200 0 300 400 0 0 100 0\n")
    after = cpusplit.snapshot(proc, root=10)
    after.at = before.at + 10
    found = cpusplit.split(before, after, root=10, proc=proc)
    tick = 100 / cpusplit.TICKS_PER_S / 10
    parties = {p["name"]: p["core_percent"] for p in found["parties"]}
    assert parties[cpusplit.OTHER] == round(550 * tick, 1)
    assert parties[cpusplit.HARNESS] == round(150 * tick, 1)
    assert parties[cpusplit.KERNEL] == round(100 * tick, 1)
    assert parties[cpusplit.GENERATOR] == round(200 * tick, 1)
    assert found["sides"] == {
        cpusplit.HARNESS_SIDE: round(350 * tick, 1), cpusplit.APP_SIDE: round(500 * tick, 1),
        cpusplit.SERVICES_SIDE: round(100 * tick, 1), cpusplit.OUTSIDE: round(650 * tick, 1)}
    assert "by side: app" in cpusplit.describe(found)


def test_the_time_each_party_waited_for_a_cpu_comes_from_schedstat(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    _fake_process(proc, 10, 1, ["harness"], 0)
    _fake_process(proc, 12, 10, ["/bin/sh", "-c", "node src/server.js"], 0)
    (proc / "12" / "schedstat").write_text("0 1000000000 5\n")
    before = cpusplit.snapshot(proc, root=10)
    (proc / "12" / "schedstat").write_text("0 3000000000 9\n")  # 2 s more runnable but waiting
    (proc / "stat").write_text("cpu 0 0 0 1000 0 0 0 0\n")
    after = cpusplit.snapshot(proc, root=10)
    after.at = before.at + 10
    found = cpusplit.split(before, after, root=10, proc=proc)
    assert found["waited"][cpusplit.APP_SIDE] == 20.0
    app = next(p for p in found["parties"] if p["side"] == cpusplit.APP_SIDE)
    assert app["waited_percent"] == 20.0 and app["core_percent"] == 0.0
    assert "waiting for a CPU (% of the time, summed over processes): app 20%" in cpusplit.describe(found)
