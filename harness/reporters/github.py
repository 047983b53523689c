"""GitHub Actions annotations (`harness check --format github`): workflow commands on stdout
that mark each failing check on the workflow run's page and, for a project that could not be
installed, migrated or started, on its harness.toml in the pull request.

GitHub keeps 10 error annotations per step: a check that never ran (the app did not start)
gets none of its own; the one annotation on the run says why, and the last line sums up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from harness.errors import HarnessError
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters import Silent

# The same cleaning as JUnit's: a colour code in an annotation shows as "[31m" on the page.
from harness.reporters.junit import failure_text
from harness.reporters.junit import xml_safe as strip_escapes

# An annotation holds a few kilobytes; the rest of a long log is in the job's output anyway.
MESSAGE_LIMIT = 4000


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are escaped (a newline would end the command)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file=, title=): also ':' and ',', which separate the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, message: str, **properties: str) -> str:
    """`::error file=harness.toml,title=...::message`, every part escaped as GitHub requires."""
    props = ",".join(f"{key}={escape_property(strip_escapes(value))}" for key, value in properties.items() if value)
    text = strip_escapes(message)
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT] + "\n… (cut: the whole text is in the job's log)"
    return f"::{kind}{' ' + props if props else ''}::{escape_data(text)}"


def _relative(path: Path) -> str:
    """A path as GitHub names files: relative to the checkout (GITHUB_WORKSPACE), else to here."""
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def error_annotation(exc: HarnessError, config_file: Path, lab: str) -> str:
    """What stopped `harness check` before any check (a config, usage or environment error),
    on harness.toml when the message names it."""
    file = _relative(config_file) if config_file.name in exc.message and config_file.is_file() else ""
    return workflow_command("error", exc.render(), file=file, title=f"harness check {lab}")


class GithubReporter(Silent):
    def __init__(self, stream: TextIO | None = None, *, config_file: Path | None = None) -> None:
        self.out = stream or sys.stdout
        self.config_file = config_file  # the project's harness.toml: where a failed phase points

    def _emit(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        if check.status not in (Status.FAIL, Status.ERROR) or check.cause == "not-run":
            return
        kind = "warning" if check.cause == "environment" else "error"  # not the learner's code
        message = "\n".join(filter(None, (check.message, failure_text(check)))) or check.status.value
        self._emit(workflow_command(kind, message, title=f"{check.id}: {check.title}"))

    def run_finished(self, result: RunResult) -> None:
        if result.message:
            lines = [result.message, *(f"{n}. {fix}" for n, fix in enumerate(result.fixes, 1))]
            if result.app_log_tail and result.failed_phase:
                lines += ["Last lines of the app's output:", result.app_log_tail]
            file = _relative(self.config_file) if self.config_file is not None and result.failed_phase else ""
            self._emit(workflow_command("error", "\n".join(lines), file=file, title=f"harness check {result.lab}"))
        counts = result.counts()
        parts = [f"{counts['pass']} passed", f"{counts['fail']} failed"]
        if counts["error"]:
            parts.append(f"{counts['error']} errors")
        missing = len(result.planned) - len(result.checks)
        if missing:
            parts.append(f"{missing} not run")
        summary = f"{result.status.value.upper()}: {', '.join(parts)}, score {result.score:g}/{result.max_score:g}"
        self._emit(workflow_command("notice", summary, title=f"harness check {result.lab}"))
