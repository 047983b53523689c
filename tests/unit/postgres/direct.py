"""Calling one postgres-track check directly on a project folder, without a session: the
track's checks start their own servers and read only the project's files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.outcomes import CannotCheck, Failure, Passed, Skip
from harness.registry import CheckContext, load_validators


@dataclass
class FakeApp:
    project_dir: Path


def run_check(check_id: str, project: Path) -> Passed | Exception | None:
    """The check's Passed, or the Failure/Skip/CannotCheck it raised."""
    ctx = CheckContext(http=None, app=FakeApp(project), run_id="rtest", seed=1)  # type: ignore[arg-type]
    try:
        return load_validators().get(check_id).func(ctx)
    except (Failure, Skip, CannotCheck) as exc:
        return exc
