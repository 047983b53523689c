"""What the orchestrator tells a worker: one submission, where it is, how to run it.

Written by the orchestrator as root into the submission's scratch folder (which the
submission cannot enter) and read once by the worker.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.grading.jail import JailSpec
from harness.grading.policy import Policy
from harness.grading.policy import from_json as policy_from_json
from harness.grading.policy import to_json as policy_to_json


@dataclass(frozen=True)
class Job:
    submission: str
    lab: str                       # node/week-18
    workdir: str
    out: str                       # this submission's report folder
    policy: Policy
    jail: JailSpec | None          # None: isolation "none"
    netns: bool                    # the worker runs in a fresh network namespace
    mode: str = "local"
    urls: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    run_id: str = ""
    debug: bool = False
    notes: tuple[str, ...] = ()    # found while copying (special files skipped)
    warm: dict[str, Any] | None = None  # the lab's warmed dependencies (warm.WarmSet), when there are
    only: tuple[str, ...] = ()     # these checks alone (a load check graded again alone, rerun.py); () all

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["policy"] = policy_to_json(self.policy)
        data["jail"] = self.jail.to_json() if self.jail else None
        data["notes"] = list(self.notes)
        data["only"] = list(self.only)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        values = dict(data)
        values["policy"] = policy_from_json(values["policy"])
        values["jail"] = JailSpec.from_json(values["jail"]) if values.get("jail") else None
        values["notes"] = tuple(values.get("notes", ()))
        values["only"] = tuple(values.get("only", ()))
        return cls(**values)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2))
        path.chmod(0o600)

    @classmethod
    def read(cls, path: Path) -> Job:
        return cls.from_json(json.loads(path.read_text()))
