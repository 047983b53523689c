"""Reporters consume results only: terminal, JSON, JUnit XML, HTML, GitHub Actions annotations
(Gradescope's results are harness/grading/gradescope.py's). Fields: docs/results.md."""

from __future__ import annotations

from typing import Protocol

from harness.outcomes import CheckResult, RunResult


class Reporter(Protocol):
    def phase(self, text: str) -> None: ...

    def phase_done(self, text: str, seconds: float) -> None: ...

    def run_started(self, result: RunResult) -> None: ...

    def check_started(self, check_id: str, title: str) -> None: ...

    def check_finished(self, check: CheckResult, result: RunResult) -> None: ...

    def run_finished(self, result: RunResult) -> None: ...

    def note(self, text: str) -> None: ...


class Fanout:
    """Several reporters as one; the order is the order of output."""

    def __init__(self, *reporters: Reporter) -> None:
        self.reporters = list(reporters)

    def phase(self, text: str) -> None:
        for r in self.reporters:
            r.phase(text)

    def phase_done(self, text: str, seconds: float) -> None:
        for r in self.reporters:
            r.phase_done(text, seconds)

    def run_started(self, result: RunResult) -> None:
        for r in self.reporters:
            r.run_started(result)

    def check_started(self, check_id: str, title: str) -> None:
        for r in self.reporters:
            r.check_started(check_id, title)

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        for r in self.reporters:
            r.check_finished(check, result)

    def run_finished(self, result: RunResult) -> None:
        for r in self.reporters:
            r.run_finished(result)

    def note(self, text: str) -> None:
        for r in self.reporters:
            r.note(text)


class Silent:
    """A reporter that ignores everything: the base for file writers."""

    def phase(self, text: str) -> None:
        pass

    def phase_done(self, text: str, seconds: float) -> None:
        pass

    def run_started(self, result: RunResult) -> None:
        pass

    def check_started(self, check_id: str, title: str) -> None:
        pass

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        pass

    def run_finished(self, result: RunResult) -> None:
        pass

    def note(self, text: str) -> None:
        pass
