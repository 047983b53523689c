"""The elapsed time of a long step: the ticker's schedule on a fake clock, the live line's
erase before a report line, and a real install that waits on a condition this test controls."""

from __future__ import annotations

import io
import os
import re
import threading
import time
from pathlib import Path

import pytest

from harness.config import parse_config
from harness.proc.reaper import Reaper
from harness.progress import LOG_EVERY_S, Progress, Ticker, elapsed, fit
from harness.reporters.terminal import TerminalReporter
from harness.runner.app import AppEnvironment, AppRunner


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_line_every_30_s_and_nothing_for_a_short_step() -> None:
    clock = FakeClock()
    ticker = Ticker(live=False, clock=clock)
    assert ticker.every_s == LOG_EVERY_S == 30.0
    assert ticker.due() is None and ticker.wait_s() is None, "no step, nothing to say"
    ticker.begin("installing: npm ci")
    clock.now += 29.9
    assert ticker.due() is None
    assert ticker.wait_s() == pytest.approx(0.1)
    clock.now += 0.1
    assert ticker.due() == "… installing: npm ci (30s so far)"
    assert ticker.due() is None, "one line per interval"
    clock.now += 30
    assert ticker.due() == "… installing: npm ci (1m00s so far)"


def test_a_stalled_machine_gets_one_line_on_the_grid_not_every_missed_one() -> None:
    clock = FakeClock()
    ticker = Ticker(live=False, clock=clock)
    ticker.begin("migrating (run 1 of 2): npm run migrate")
    clock.now += 125  # woke late: 30, 60, 90 and 120 were missed
    assert ticker.due() == "… migrating (run 1 of 2): npm run migrate (2m00s so far)"
    assert ticker.due() is None
    assert ticker.wait_s() == pytest.approx(25.0), "the next line is at 150 s from the start, not at 155"


def test_a_terminal_gets_whole_seconds_every_second_and_an_ended_step_says_nothing() -> None:
    clock = FakeClock()
    ticker = Ticker(live=True, clock=clock)
    ticker.begin("prod.load.rps: 1000 req/s held")
    clock.now += 0.5
    assert ticker.due() is None
    clock.now += 0.7
    assert ticker.due() == "… prod.load.rps: 1000 req/s held (1s so far)"
    clock.now += 1.0
    assert ticker.due() == "… prod.load.rps: 1000 req/s held (2s so far)"
    ticker.end()
    clock.now += 5
    assert ticker.due() is None and ticker.wait_s() is None


def test_elapsed_reads_like_a_clock() -> None:
    assert [elapsed(s) for s in (0.4, 42.9, 60, 90, 725)] == ["0s", "42s", "1m00s", "1m30s", "12m05s"]


def test_a_live_line_too_wide_for_the_terminal_keeps_its_time() -> None:
    line = "… installing: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt (12s so far)"
    assert fit(line, 200) == line
    cut = fit(line, 60)
    assert len(cut) == 60 and cut.endswith("… (12s so far)") and cut.startswith("… installing: python3")
    assert fit("no time here " * 10, 20) == ("no time here " * 10)[:20]


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="every_s"):
        Ticker(live=False, every_s=0)


class Lines(io.StringIO):
    """A stream that reports each write, so a test waits for a state, never for a time."""

    def __init__(self, on_write: threading.Event | None = None) -> None:
        super().__init__()
        self.on_write = on_write or threading.Event()

    def write(self, text: str) -> int:
        n = super().write(text)
        if text.strip():
            self.on_write.set()
        return n


def test_a_report_line_erases_the_live_line_first() -> None:
    err = Lines()
    progress = Progress(err, live=True, every_s=0.01)
    out = io.StringIO()
    reporter = TerminalReporter(out, progress=progress)
    reporter.phase("installing: npm ci")
    assert err.on_write.wait(60), "the live line was never drawn"
    reporter.phase_done("install done", 1.0)
    progress.close()
    text = err.getvalue()
    assert text.startswith("\r\033[K… installing: npm ci (")
    assert text.endswith("\r\033[K"), "the live line is gone once the step ended"
    assert out.getvalue() == "▸ installing: npm ci\n  install done (1 s)\n"


def test_a_long_install_prints_a_periodic_line_in_a_log(tmp_path: Path) -> None:
    """A real install that finishes only once a progress line has been printed."""
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    command = f"read line < {fifo} && echo \"$line\" > released"

    class ReleasingLog(io.StringIO):
        released = False

        def write(self, text: str) -> int:
            n = super().write(text)
            if "… installing:" in text and not self.released:
                self.released = True
                with fifo.open("w") as pipe:  # blocks until the install's shell opens it to read
                    pipe.write("go\n")
            return n

    err = ReleasingLog()
    out = io.StringIO()
    reporter = TerminalReporter(out, progress=Progress(err, live=False, every_s=0.05))
    config = parse_config(tmp_path, {"track": "node", "app": {"install": command, "start": "true"}},
                          "harness.toml")
    runner = AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=1, service_urls={}),
                       reaper=Reaper(), progress=reporter.phase)
    seconds = runner.install()
    reporter.phase_done("install done", seconds)
    assert (tmp_path / "released").read_text() == "go\n"
    assert out.getvalue().startswith(f"▸ installing: {command}\n  install done (")
    first = err.getvalue().splitlines()[0]
    # The first line comes at the first tick (0.05 s), a second or more later on a busy machine.
    assert re.fullmatch(rf"  … installing: {re.escape(command)} \(\d+s so far\)", first), err.getvalue()
    assert "\r" not in err.getvalue() and "\033" not in err.getvalue(), "plain lines in a log"


def test_close_returns_when_a_ctrl_c_lost_the_progress_threads_wakeup() -> None:
    """A KeyboardInterrupt in the main thread inside Condition.notify_all() can take the waiting
    progress thread off the waiters without waking it: close() must still end (it did not: a
    harness hung after SIGINT). Simulated by taking the waiter off by hand."""
    progress = Progress(io.StringIO(), live=False)
    progress.begin("step")
    progress.end()  # no step: the thread waits with no deadline of its own
    deadline = time.monotonic() + 30
    while not progress._cond._waiters and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.01)
    assert progress._cond._waiters, "the progress thread waits on its condition"  # type: ignore[attr-defined]
    with progress._cond:
        progress._cond._waiters.clear()  # type: ignore[attr-defined]  # what the interrupted notify leaves
    closer = threading.Thread(target=progress.close, daemon=True)
    closer.start()
    closer.join(30)
    assert not closer.is_alive(), "close() waited for a thread that is never woken"
