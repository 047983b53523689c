"""A copy of the project with one seeded bug, for running the project's tests against it.

The project itself is never changed (a run killed halfway must not leave a bug in the
learner's code): the copy lives in `<project>/.harness/bugs/`, inside the project so that
a grading jail, which binds the project folder, sees it at the same path. Installed
dependencies are linked, not copied; build output and coverage are left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from harness.catalog import SeededBug
from harness.layers import NotOnce, replace_once
from harness.runner.depstore import DEP_DIRS

SCRATCH = ".harness"
# Installed dependencies, linked into the copy: big, and the bug is never in them.
LINKED = DEP_DIRS
# Left out of the copy: history and output of earlier runs at the top; caches at any depth.
SKIPPED = (".git", SCRATCH, "coverage", ".nyc_output", "target", "build", "htmlcov")
CACHES = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")


class SeedError(Exception):
    """The bug could not be planted: the file or the text it replaces is not there."""


def seeded_copy(project: Path, bug: SeededBug, name: str) -> Path:
    """`<project>/.harness/bugs/<name>`: the project with the bug planted; remove it with `discard`."""
    planted = _planted_text(project, bug)  # before copying: a bug that cannot be planted costs no copy
    target = project / SCRATCH / "bugs" / name
    _unlink_planted_links(project)
    discard(target)
    top = {*SKIPPED, *LINKED}

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in CACHES or (n in top and Path(folder) == project)]

    shutil.copytree(project, target, symlinks=True, ignore=ignore)
    for linked in LINKED:
        if (project / linked).exists():
            (target / linked).symlink_to(project / linked, target_is_directory=True)
    _give_to_owner(project, target)
    (target / bug.file).write_text(planted, encoding="utf-8")
    return target


def _planted_text(project: Path, bug: SeededBug) -> str:
    """The file's text with the bug in it, read from the project (which stays as it is)."""
    source = project / bug.file
    # A link (the file or a folder on its way) would send the write through it, as root when grading.
    if source.is_symlink() or not source.resolve().is_relative_to(project.resolve()):
        raise SeedError(f"{bug.file} is a link: the lab plants a bug in the file itself, so it must be a plain file")
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{bug.file} could not be read ({exc.__class__.__name__}): the lab plants a bug in it") \
            from None
    try:
        return replace_once(text, bug.find, bug.replace)
    except NotOnce as exc:
        raise SeedError(f"the code this bug changes {exc} {bug.file}: {bug.find.strip()[:120]!r}") from None


def clear_leftovers(project: Path) -> None:
    """Copies a killed run left behind: a test runner searching folders would run their tests too."""
    _unlink_planted_links(project)
    bugs = project / SCRATCH / "bugs"
    if bugs.is_dir():
        shutil.rmtree(bugs)
    with contextlib.suppress(OSError):
        (project / SCRATCH).rmdir()


def _unlink_planted_links(project: Path) -> None:
    # The harness writes here with its own rights (root when grading): a submission that ships
    # .harness or .harness/bugs as a link elsewhere must not steer those writes.
    for path in (project / SCRATCH, project / SCRATCH / "bugs"):
        if path.is_symlink() or path.is_file():
            path.unlink()


def discard(target: Path) -> None:
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    scratch = target.parent.parent
    if scratch.name == SCRATCH:
        # Leave no empty .harness/bugs behind in the learner's project.
        for folder in (target.parent, scratch):
            try:
                folder.rmdir()
            except OSError:
                break


def _give_to_owner(project: Path, target: Path) -> None:
    """A jailed run writes as the project's owner (coverage files, caches): the copy must be theirs."""
    if os.geteuid() != 0:
        return
    owner = project.stat()
    if owner.st_uid == 0:
        return
    for root, dirs, files in os.walk(target):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(root, name), owner.st_uid, owner.st_gid)
    os.lchown(target, owner.st_uid, owner.st_gid)
    for folder in (target.parent, target.parent.parent):
        os.lchown(folder, owner.st_uid, owner.st_gid)
