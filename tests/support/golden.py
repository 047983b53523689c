"""Golden reports: what a learner reads when a defect fails its check, frozen in a file.

A lab opts a defect in by holding `tests/labs/<track>/<week>/golden/<check-id>.txt`: the
failing check's block of the terminal report (its line, message, expected, actual, hint,
reproduce), with what differs from run to run (run ids, ports, seeds, durations, temporary
folders) replaced by placeholders. test_labs compares the defect's run with it, so that a
change of wording or layout shows in review. `HARNESS_UPDATE_GOLDEN=1` writes the files
instead of comparing (then read the diff before committing it).
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

UPDATE_ENV = "HARNESS_UPDATE_GOLDEN"
# What differs between two runs of the same defect, and what stands for it.
VOLATILE = [
    (re.compile(r"\br[0-9a-f]{8}\b"), "r<run>"),
    (re.compile(r"\[(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?), [\d.]+ m?s\]"), r"[\1/\2, <time>]"),
    (re.compile(r"(?<![\w.])(?:/tmp|/var/tmp)/\S*?/(?:project|reference|starter)/"), "<project>/"),
    (re.compile(r"(?<![\w.])(?:/tmp|/var/tmp)/[^\s\"')]+"), "<tmp>"),
    (re.compile(r"\b(localhost|127\.0\.0\.1):\d{2,5}\b"), r"\1:<port>"),
    (re.compile(r"\bport \d{2,5}\b"), "port <port>"),
    (re.compile(r"\bseed \d+\b"), "seed <seed>"),
    # The SQL labs' reproduce lines name the dataset's database after its seed.
    (re.compile(r"\bshop_\d+\b"), "shop_<seed>"),
]


def block(stdout: str, check_id: str) -> str:
    """The failing check's block of the terminal report: its line and the indented lines under it."""
    lines = stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s+[✗!] {re.escape(check_id)}\s", line)), None)
    if start is None:
        raise AssertionError(f"no failing line for {check_id} in the report:\n{stdout}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent) and lines[end].strip():
        end += 1
    return "\n".join(lines[start:end]) + "\n"


def normalized(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def compare(golden: Path, stdout: str, check_id: str) -> None:
    """Assert the report's block for `check_id` is the golden one (or write it when updating)."""
    got = normalized(block(stdout, check_id))
    if os.environ.get(UPDATE_ENV):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got)
        return
    want = golden.read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), str(golden), "this run"))
        raise AssertionError(f"the report of {check_id} changed; if on purpose, run the test again with "
                             f"{UPDATE_ENV}=1 and commit {golden}:\n{diff}")
