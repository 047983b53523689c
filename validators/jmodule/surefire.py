"""Surefire's XML reports (target/surefire-reports/TEST-<class>.xml), read into what failed and why.

One report per test class: a <testsuite> of <testcase>s, each with a <failure> (an assertion
that did not hold), an <error> (an exception the test did not expect) or a <skipped>. The
harness reads them as root from a folder the submission's build wrote, so it reads no link
and no more than a bounded size.
"""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPORT_LIMIT_BYTES = 4 * 1024 * 1024
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class TestFailure:
    test: str      # Class#method, the form `mvn -Dtest=...` takes
    kind: str      # "failure", "error" or "skipped"
    message: str   # its first line, e.g. "expected: <Dune> but was: <  Dune >"


@dataclass(frozen=True)
class ClassReport:
    name: str      # the fully qualified test class
    tests: int
    problems: tuple[TestFailure, ...]

    @property
    def passed(self) -> bool:
        return self.tests > 0 and not self.problems


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.strip().splitlines() if part.strip()), "")
    return line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS] + "..."


def parse_report(text: str) -> ClassReport:
    """One TEST-*.xml. Raises ValueError for a file that is not a Surefire report."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ValueError(f"not XML: {error}") from error
    if root.tag != "testsuite":
        raise ValueError(f"not a Surefire report: its root is <{root.tag}>")
    name = root.get("name", "")
    problems = []
    cases = root.findall("testcase")
    for case in cases:
        short = case.get("classname", name).rsplit(".", 1)[-1]
        for kind in ("failure", "error", "skipped"):
            found = case.find(kind)
            if found is None:
                continue
            # The message attribute is absent for an assertion without text: the body's first
            # line is then `org.opentest4j.AssertionFailedError` or the exception's own line.
            kind_of = found.get("type") or ""
            message = found.get("message") or _first_line(found.text or "") or kind_of or kind
            if kind == "error" and kind_of and kind_of not in message:
                message = f"{kind_of.rsplit('.', 1)[-1]}: {message}"
            problems.append(TestFailure(f"{short}#{case.get('name', '?')}", kind, _first_line(message)))
            break
    return ClassReport(name, len(cases), tuple(problems))


def read_report(folder: Path, test_class: str) -> ClassReport | None:
    """The report of one class in `folder`, None when there is none. Never follows a link: the
    folder is the submission's, and the harness reads it as root."""
    path = folder / f"TEST-{test_class}.xml"
    try:
        # O_NONBLOCK: a FIFO in its place must not hold the harness up.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ValueError(f"{path.name} cannot be read: {error.strerror}") from error
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise ValueError(f"{path.name} is not a plain file")
        data = file.read(REPORT_LIMIT_BYTES + 1)
    if len(data) > REPORT_LIMIT_BYTES:
        raise ValueError(f"{path.name} is larger than {REPORT_LIMIT_BYTES // (1024 * 1024)} MiB")
    return parse_report(data.decode("utf-8", errors="replace"))
