"""What people read: progress while services and the app start, then one line per check,
and for each failure what was expected, what came back, the fix and a command to reproduce."""

from __future__ import annotations

import os
import sys
import textwrap
from typing import TextIO

from harness.durations import format_duration
from harness.outcomes import CheckResult, RunResult, Status
from harness.progress import Progress
from harness.reporters.junit import failure_text

_MARKS = {Status.PASS: "✓", Status.FAIL: "✗", Status.SKIP: "-", Status.ERROR: "!"}
_COLORS = {Status.PASS: "32", Status.FAIL: "31", Status.SKIP: "33", Status.ERROR: "35"}
# The variables a run gives the app for each service it started (harness/runner/session.py).
_SERVICE_URLS = (("postgres", "DATABASE_URL"), ("redis", "REDIS_URL"), ("mongodb", "MONGO_URL"))


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class TerminalReporter:
    def __init__(self, stream: TextIO | None = None, *, verbose: bool = False, title: str = "",
                 progress: Progress | None = None) -> None:
        self.out = stream or sys.stdout
        self.verbose = verbose
        self.title = title
        self.color = _use_color(self.out)
        # The elapsed time of the step under way (harness/progress.py): each phase line and
        # each check begins a step, the next event ends it. None: nothing between events.
        self.progress = progress

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def _print(self, text: str = "") -> None:
        if self.progress is None:
            print(text, file=self.out, flush=True)
            return
        with self.progress.aside():
            print(text, file=self.out, flush=True)

    def _end_step(self) -> None:
        if self.progress is not None:
            self.progress.end()

    def phase(self, text: str) -> None:
        self._end_step()
        self._print(self._paint("▸ ", "36") + text)
        if self.progress is not None:
            self.progress.begin(text)

    def phase_done(self, text: str, seconds: float) -> None:
        self._end_step()
        self._print(self._paint("  ", "36") + f"{text} ({format_duration(seconds)})")

    def note(self, text: str) -> None:
        if self.verbose:
            self._print(self._paint(text, "2"))

    def run_started(self, result: RunResult) -> None:
        self._end_step()
        self._print(self._paint(self.title or result.lab, "1"))
        self._print(f"run {result.run_id} · seed {result.seed} · {len(result.planned)} checks")

    def check_started(self, check_id: str, title: str) -> None:
        self._end_step()
        if self.verbose:
            self._print(self._paint(f"  … {check_id}", "2"))
        if self.progress is not None:  # a load check runs 20 s and more
            self.progress.begin(f"{check_id}: {title}")

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        self._end_step()
        if check.id == (result.checks[0].id if result.checks else None):
            self._print()
        mark = self._paint(_MARKS[check.status], _COLORS[check.status])
        points = f"{check.score:g}/{check.max_score:g}" if check.max_score else "n/a"
        self._print(f"  {mark} {check.id:<32} {check.title}  [{points}, {format_duration(check.duration_s)}]")
        if check.message:  # a pass shows one too when the lab promises evidence (Passed)
            self._print(textwrap.indent(check.message, "      "))
        if check.status is Status.PASS and check.evidence:
            self._print(textwrap.indent(check.evidence, "      "))
        if check.status in (Status.FAIL, Status.ERROR):
            details = failure_text(check)
            if details:
                self._print(textwrap.indent(details, "      "))
            self._print()

    def run_finished(self, result: RunResult) -> None:
        if self.progress is not None:
            self.progress.close()
        counts = result.counts()
        self._print()
        # A run that ended in an environment or config error has no check results; the CLI
        # prints that error once, after this summary.
        if result.message and (result.checks or result.interrupted):
            self._print(self._paint(result.message, "31"))
            if result.fixes:
                self._print("How to fix it:")
                for n, fix in enumerate(result.fixes, 1):
                    self._print(f"  {n}. {fix}")
            if result.app_log_tail and any(c.cause == "not-run" for c in result.checks):
                self._print("Last lines of the app's output:")
                self._print(textwrap.indent(result.app_log_tail, "  | "))
            self._print()
        if result.unstable:
            self._print(self._paint("Verdicts changed between rounds on the same app (--repeat):", "31"))
            for line in result.unstable:
                self._print(f"  {line}")
            self._print()
        not_run = sum(c.cause == "not-run" for c in result.checks)
        # A check that could not judge on this machine (CannotCheck: an inconclusive load round, a
        # database that went away) is no error of the app's nor the harness's: said as such.
        unjudged = sum(c.cause == "environment" for c in result.checks)
        counts["error"] -= not_run + unjudged
        counts["unjudged"] = unjudged
        parts = [f"{counts['pass']} passed"]
        for key, label in (("fail", "failed"), ("error", "errors"), ("unjudged", "not judged here"),
                           ("skip", "not applicable")):
            if counts[key]:
                parts.append(f"{counts[key]} {label}")
        missing = len(result.planned) - len(result.checks) + not_run
        if missing:
            parts.append(f"{missing} not run")
        total = result.timings.get("total", 0.0)
        verdict = self._paint(result.status.value.upper(), _COLORS[result.status])
        self._print(f"{verdict} · {', '.join(parts)} · score {result.score:g}/{result.max_score:g}"
                    f" · {format_duration(total)}")
        if any(c.reproduce and "$PORT" in c.reproduce for c in result.checks):
            services = result.environment.get("services") or {}
            given = " ".join(["PORT=3000", *(f"{name}=..." for service, name in _SERVICE_URLS if service in services)])
            self._print(f"Reproduce lines use $PORT: start your app yourself ({given} "
                        "your start command), then export PORT=3000.")
