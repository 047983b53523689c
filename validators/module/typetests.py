"""What a type checker (tsc, mypy) said about a module lab's type tests.

The hidden type tests use each function as the lab's README types it and mark misuses with
the checker's expect-an-error comment (`// @ts-expect-error`, `# type: ignore[code]`); a
checker in strict mode reports a marker nothing needed, so types that accept a misuse fail as
surely as types that refuse a correct use. Each language's check explains the errors in its
own terms; the parsing and the failure are the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.outcomes import Failure
from harness.runs import ProjectRun

SHOWN = 6


@dataclass(frozen=True)
class CheckerError:
    file: str
    line: int
    code: str  # "" when the checker gave none
    text: str


def parse_errors(output: str, pattern: re.Pattern[str]) -> list[CheckerError]:
    """The error lines of a checker's output, by `pattern` (groups file, line, text, code)."""
    found = []
    for line in output.splitlines():
        match = pattern.match(line.strip())
        if match:
            found.append(CheckerError(match["file"], int(match["line"]), match["code"] or "", match["text"]))
    return found


def problems_failure(run: ProjectRun, problems: list[str], *, found: str, unparsed: str, hint: str,
                     reproduce: str) -> Failure:
    """`found` says who finds the problems where ("tsc --strict finds {n} problems in your types");
    `unparsed` what to say when the run failed without an error line the pattern knows."""
    count = len(problems)
    shown = problems[:SHOWN] + ([f"… and {count - SHOWN} more"] if count > SHOWN else [])
    message = found.format(n=count, s="s" if count != 1 else "") + f": {problems[0]}" if problems else unparsed
    return Failure(
        message,
        expected="no errors",
        actual="\n".join(shown) if shown else "\n".join(run.output.strip().splitlines()[-10:]),
        hint=hint,
        reproduce=reproduce,
    )
