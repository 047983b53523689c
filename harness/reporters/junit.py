"""JUnit XML for CI systems: one testcase per check, failures with the whole explanation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters import Silent
from harness.reporters.json_report import write_atomically


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
        "name": result.lab,
        "tests": str(len(result.planned)),
        "failures": str(counts["fail"]),
        "errors": str(counts["error"] + (len(result.planned) - len(result.checks))),
        "skipped": str(counts["skip"]),
        "time": f"{sum(c.duration_s for c in result.checks):.3f}",
    })
    done = set()
    for check in result.checks:
        done.add(check.id)
        case = ET.SubElement(suite, "testcase", {"classname": result.lab, "name": f"{check.id}: {check.title}",
                                                 "time": f"{check.duration_s:.3f}"})
        if check.status is Status.FAIL:
            ET.SubElement(case, "failure", {"message": check.message or "failed"}).text = failure_text(check)
        elif check.status is Status.ERROR:
            ET.SubElement(case, "error", {"message": check.message or "error"}).text = failure_text(check)
        elif check.status is Status.SKIP:
            ET.SubElement(case, "skipped", {"message": check.message or "not applicable"})
        elif check.message:  # a pass with something to show: the test that caught a bug, the coverage
            ET.SubElement(case, "system-out").text = "\n".join(filter(None, (check.message, check.evidence)))
    for check_id, title, _ in result.planned:
        if check_id not in done:
            case = ET.SubElement(suite, "testcase", {"classname": result.lab, "name": f"{check_id}: {title}"})
            ET.SubElement(case, "error", {"message": "not run: " + (result.message or "the run ended early")})
    if result.app_log_tail:
        ET.SubElement(suite, "system-out").text = result.app_log_tail
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


class JunitReporter(Silent):
    def __init__(self, path: Path) -> None:
        self.path = path

    def run_finished(self, result: RunResult) -> None:
        write_atomically(self.path, to_xml(result))
