"""What `harness grade` needs around the Grader: which folders are submissions, what this
machine can isolate, private report files, and the rows of reports already finished."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from harness.config import CONFIG_NAME
from harness.errors import UsageError
from harness.grading import gradebook
from harness.grading.capabilities import Capabilities, probe, require
from harness.grading.reports import read_results
from harness.grading.verdicts import Verdict
from harness.services.base import Mode

_IGNORED = ("__MACOSX",)


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Reports hold every submission's scores, logs and reproduce lines: only the grader's
    account may read them. The umask makes every file and folder the grader and its workers
    create 0600/0700 (the jail sets the submission's own umask back to 022)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def find_sources(folder: Path, single: bool, out: Path, warn: Callable[[str], None]) -> dict[str, Path]:
    """Submission name -> its project folder (one folder, or every folder in it)."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder", fixes=["Pass the folder that holds the submissions"])
    if single:
        # Uploads often nest the project one level down (a zip of the folder, a GitHub archive).
        inner = [p for p in folder.iterdir() if p.is_dir() and p.name not in _IGNORED and not p.name.startswith(".")]
        if not (folder / CONFIG_NAME).exists() and len(inner) == 1 and (inner[0] / CONFIG_NAME).is_file():
            return {folder.name: inner[0]}
        return {folder.name: folder}
    sources: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in _IGNORED or entry.resolve() == out:
            continue  # the reports folder may live beside the submissions
        if entry.is_dir() and not entry.is_symlink():
            sources[entry.name] = entry
        else:
            warn(f"{entry.name}: not a folder, skipped (unpack archives first)")
    return sources


def capabilities(isolation: str, uid: int, mode: Mode) -> tuple[Capabilities, list[str]]:
    """What this machine can isolate for `isolation`, and what to warn the grader of."""
    if isolation == "none":
        caps = Capabilities(root=os.geteuid() == 0, cgroups=None, netns=False, uid_switch=False, bwrap=False)
    else:
        caps = probe(uid)
    warnings = require(caps, isolation)
    if isolation != "none" and mode is not Mode.LOCAL:
        warnings.append(f"NOT ISOLATED: network. With --services {mode.value} the databases live outside the "
                        "submission's namespace, so the app runs on the machine's network (every other limit "
                        "still applies); use --services local to isolate the network")
    if mode is Mode.EXTERNAL:
        warnings.append("--services external: every submission uses the same servers (a database and role of "
                        "its own, but one shared Redis); grade with --jobs 1 if the lab uses Redis")
    return caps, warnings


def existing_row(out: Path, name: str) -> gradebook.Row | None:
    """After an interrupt: the row of a submission whose report was finished."""
    try:
        verdict = json.loads((out / name / "verdict.json").read_text())
    except (OSError, ValueError):
        return None
    results = read_results(out / name)
    if results is None:
        return None
    return gradebook.row_from(name, results, Verdict(verdict["kind"], verdict["text"], verdict["category"]),
                              float(verdict.get("duration_s", 0.0)))
