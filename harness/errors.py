"""The errors the CLI maps to messages and exit codes (one boundary, in cli.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    CHECK_FAILED = 1
    INTERRUPTED = 2
    INTERNAL = 3
    USAGE = 4
    NOTHING_TO_RUN = 5


class HarnessError(Exception):
    """An error the user can act on; printed as `harness: error: <message>`."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, fixes: Sequence[str] = (), details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fixes = tuple(fixes)
        self.details = details

    def render(self) -> str:
        lines = [self.message]
        if self.details:
            lines.append(self.details.rstrip())
        if self.fixes:
            lines.append("How to fix it:")
            lines.extend(f"  {n}. {fix}" for n, fix in enumerate(self.fixes, 1))
        return "\n".join(lines)


class UsageError(HarnessError):
    """Bad command-line arguments."""


class ConfigError(HarnessError):
    """A configuration file is missing or wrong: names the file and the key."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        key: str | None = None,
        suggestion: str | None = None,
        fixes: Sequence[str] = (),
    ) -> None:
        where = f"{file}: key '{key}'" if key else file
        text = f"{where}: {message}"
        if suggestion:
            text += f" (did you mean '{suggestion}'?)"
        super().__init__(text, fixes=fixes)
        self.file = file
        self.key = key
        self.suggestion = suggestion


class EnvironmentProblem(HarnessError):
    """A service or tool the run needs is not available: lists what was tried."""

    def __init__(
        self, message: str, *, tried: Sequence[str] = (), fixes: Sequence[str] = ()
    ) -> None:
        details = ""
        if tried:
            details = "What was tried:\n" + "\n".join(f"  - {t}" for t in tried)
        super().__init__(message, fixes=fixes, details=details)
        self.tried = tuple(tried)


class NothingToRun(HarnessError):
    """The lab exists in the catalog but is not built yet, or no check was selected."""

    exit_code = ExitCode.NOTHING_TO_RUN


class ServiceError(HarnessError):
    """A service started but broke: failed to start, never became ready, died."""

    def __init__(self, message: str, *, log_tail: str = "", fixes: Sequence[str] = ()) -> None:
        details = f"Last log lines:\n{log_tail}" if log_tail.strip() else ""
        super().__init__(message, fixes=fixes, details=details)
        self.log_tail = log_tail
