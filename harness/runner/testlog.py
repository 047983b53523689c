"""Which of the project's own tests failed, read from its test runner's output.

A failing suite's last lines are usually a coverage table or a summary count, not the test
that failed. This reads every line as it is printed and keeps, for each failing test, its
name, where it is and the first lines of its error, in the formats the labs' stacks print:
TAP from node:test (the default when not on a terminal), node's spec reporter, pytest's
short summary, Maven Surefire, Jest, Vitest and `go test`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

MAX_FAILURES = 10
ERROR_LINES = 3
LINE_CHARS = 200

_TAP_NOT_OK = re.compile(r"^(?P<indent>\s*)not ok \d+ - (?P<name>.*?)(?:\s+#\s*(?:TODO|SKIP)\b.*)?$")
_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_]+):\s?(?P<value>.*)$")
# Formats that name a failing test on one line. `error` is on that line (pytest, Surefire's
# summary) or on the next line: more indented (INDENTED: node's spec reporter, Jest, go), or
# whatever its indent (NEXT: Vitest prints the error flush left under `FAIL  file > test`; tests
# that failed with the same error get their `FAIL` lines one after another, then that error).
NONE, INDENTED, NEXT = 0, 1, 2
_ONE_LINE: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^(?P<indent>\s*)✖ (?P<name>(?!failing tests:$).+?)(?: \(\d[\d.]*m?s\))?$"), INDENTED),  # node spec
    (re.compile(r"^(?P<indent>)(?:FAILED|ERROR) (?P<name>\S+\.py\S*?)(?: - (?P<error>.*))?$"), NONE),  # pytest
    # Surefire's summary; an assertion made in a helper of another class adds "->Helper.method:NN".
    (re.compile(r"^(?P<indent>)\[ERROR\] {3}(?P<name>[\w.$]+:\d+)(?:->[\w.$<>]+:\d+)* (?P<error>.*)$"), NONE),
    (re.compile(r"^(?P<indent>\s*)● (?P<name>(?!Console$).+)$"), INDENTED),  # Jest
    (re.compile(r"^(?P<indent>\s*)--- FAIL: (?P<name>\S+)"), INDENTED),  # go test
    (re.compile(r"^(?P<indent>\s*)FAIL {1,2}(?P<name>\S+ > .+?)(?: \[[^\]]*\])?$"), NEXT),  # Vitest
]


@dataclass
class FailedTest:
    name: str
    location: str = ""
    error: list[str] = field(default_factory=list)

    def format(self) -> str:
        head = f"✗ {self.name}" + (f" ({self.location})" if self.location else "")
        return "\n".join([head, *(f"    {line}" for line in self.error)])


class _TapRecord:
    """The YAML block under one `not ok` line: its location, failure type and error."""

    def __init__(self, name: str, indent: int) -> None:
        self.test = FailedTest(name)
        self.indent = indent + 2  # the block's keys sit two spaces in from `not ok`
        self.failure_type = ""
        self.in_error = False
        self.closed = False

    def add(self, line: str) -> None:
        stripped = line.strip()
        if stripped == "---" or (not stripped and not self.in_error):
            return
        depth = len(line) - len(line.lstrip())
        if stripped == "..." and depth <= self.indent:
            self.closed = True
            return
        if depth > self.indent and self.in_error:
            if stripped and len(self.test.error) < ERROR_LINES:
                self.test.error.append(stripped[:LINE_CHARS])
            return
        self.in_error = False
        match = _YAML_KEY.match(stripped) if depth == self.indent else None
        if match is None:
            return
        key, value = match["key"], match["value"].strip()
        if key == "location":
            self.test.location = value.strip("'\"")
        elif key == "failureType":
            self.failure_type = value.strip("'\"")
        elif key == "error":
            if value in ("|-", "|", ">-", ">"):
                self.in_error = True
            elif value:
                self.test.error.append(value.strip("'\"")[:LINE_CHARS])


class FailureDigest:
    """Fed every line of a test run (from the output thread); tells which tests failed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed: list[FailedTest] = []
        self._more = 0
        self._open: _TapRecord | None = None
        # The tests waiting for their error line, and how deep it must be indented (None: any depth).
        self._detail: tuple[list[FailedTest], int | None] | None = None

    def add(self, line: str) -> None:
        line = line.rstrip("\n")
        with self._lock:
            if self._open is not None:
                self._open.add(line)
                if not self._open.closed:
                    return
                self._finish(self._open)
                self._open = None
                return
            if self._detail is not None and line.strip():
                waiting, indent = self._detail
                self._detail = None
                if indent is None and self._grouped(line, waiting):
                    return
                if indent is None or len(line) - len(line.lstrip()) > indent:
                    for test in waiting:
                        test.error.append(line.strip()[:LINE_CHARS])
                    return
            tap = _TAP_NOT_OK.match(line)
            if tap is not None:
                self._open = _TapRecord(tap["name"].strip(), len(tap["indent"]))
                return
            for pattern, detail in _ONE_LINE:
                found = pattern.match(line)
                if found is not None:
                    test = FailedTest(found["name"].strip()[:LINE_CHARS])
                    if found.groupdict().get("error"):
                        test.error.append(found["error"].strip()[:LINE_CHARS])
                    if self._keep(test) and detail != NONE:
                        self._detail = ([test], len(found["indent"]) if detail == INDENTED else None)
                    return

    def _grouped(self, line: str, waiting: list[FailedTest]) -> bool:
        """Whether `line` names one more test of a group that shares the error to come (Vitest)."""
        for pattern, detail in _ONE_LINE:
            found = pattern.match(line) if detail == NEXT else None
            if found is not None:
                test = FailedTest(found["name"].strip()[:LINE_CHARS])
                self._detail = ([*waiting, test] if self._keep(test) else waiting, None)
                return True
        return False

    def _finish(self, record: _TapRecord) -> None:
        # A parent whose subtests failed adds nothing: the subtest already names the failure.
        # node:test also reports each failing file as a test named by its path; keep it only
        # when it failed on its own (a crash before or between tests).
        if record.failure_type == "subtestsFailed":
            return
        self._keep(record.test)

    def _keep(self, test: FailedTest) -> bool:
        """Keep a failure once (reporters repeat them in a closing summary); whether it is new."""
        if any(seen.name == test.name for seen in self._failed):
            return False
        if len(self._failed) < MAX_FAILURES:
            self._failed.append(test)
        else:
            self._more += 1
        return True

    def failures(self) -> list[FailedTest]:
        with self._lock:
            record = self._open  # a run cut off inside a failure's block still names it
            if record is None or record.failure_type == "subtestsFailed":
                return list(self._failed)
            return [*self._failed, record.test]

    def summary(self) -> str:
        """The failing tests, one block each; empty when the output named none."""
        failed = self.failures()
        if not failed:
            return ""
        count = len(failed) + self._more
        lines = [f"{count} failing test{'s' if count != 1 else ''}:"]
        lines += ["  " + block.replace("\n", "\n  ") for block in (t.format() for t in failed)]
        if self._more:
            lines.append(f"  … and {self._more} more")
        return "\n".join(lines)
