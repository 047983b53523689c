"""JUnit XML for CI systems: one testcase per check, failures with the whole explanation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters import Silent
from harness.reporters.json_report import write_atomically

# Colour codes and cursor moves from an app's log (or a check's actual value) carry ESC, which
# XML 1.0 cannot hold even escaped: strict parsers reject the whole file ("invalid token").
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without terminal escape sequences, other characters XML 1.0 forbids shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", _ANSI.sub("", text))


def _element(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None,
             text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in (attrs or {}).items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def failure_text(check: CheckResult) -> str:
    parts = []
    for label, value in (("Expected", check.expected), ("Actual", check.actual), ("Hint", check.hint),
                         ("Reproduce", check.reproduce), ("Evidence", check.evidence)):
        if value:
            parts.append(f"{label}: {value}")
    return "\n".join(parts)


def to_xml(result: RunResult) -> str:
    counts = result.counts()
    suite = ET.Element("testsuite", {
        "name": xml_safe(result.lab),
        "tests": str(len(result.planned)),
        "failures": str(counts["fail"]),
        "errors": str(counts["error"] + (len(result.planned) - len(result.checks))),
        "skipped": str(counts["skip"]),
        "time": f"{sum(c.duration_s for c in result.checks):.3f}",
    })
    done = set()
    for check in result.checks:
        done.add(check.id)
        case = _element(suite, "testcase", {"classname": result.lab, "name": f"{check.id}: {check.title}",
                                            "time": f"{check.duration_s:.3f}"})
        if check.status is Status.FAIL:
            _element(case, "failure", {"message": check.message or "failed"}, failure_text(check))
        elif check.status is Status.ERROR:
            _element(case, "error", {"message": check.message or "error"}, failure_text(check))
        elif check.status is Status.SKIP:
            _element(case, "skipped", {"message": check.message or "not applicable"})
        elif check.message:  # a pass with something to show: the test that caught a bug, the coverage
            _element(case, "system-out", text="\n".join(filter(None, (check.message, check.evidence))))
    for check_id, title, _ in result.planned:
        if check_id not in done:
            case = _element(suite, "testcase", {"classname": result.lab, "name": f"{check_id}: {title}"})
            _element(case, "error", {"message": "not run: " + (result.message or "the run ended early")})
    if result.app_log_tail:
        _element(suite, "system-out", text=result.app_log_tail)
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


class JunitReporter(Silent):
    def __init__(self, path: Path) -> None:
        self.path = path

    def run_finished(self, result: RunResult) -> None:
        write_atomically(self.path, to_xml(result))
