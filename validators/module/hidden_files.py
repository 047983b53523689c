"""A module lab's hidden files, placed in the learner's project for one check.

A module lab ships files the learner never gets in the project (its `hidden/` folder: tests,
type tests, probes). A check copies the ones it needs into `<project>/.harness/hidden/`
(inside the project, so that a grading jail, which binds the project folder, sees them at the
same path), runs them there through the app's launcher (`ctx.app.run_command`: the
submission's account and jail), and removes them. Whatever the language: node's suites
(hidden_suite.py) and python's (validators/pymodule/) place their files the same way.

Java's (validators/jmodule/) cannot run tests from .harness: Maven compiles only the source
roots of the project's pom. `placed_in` copies a hidden folder into such a root instead
(src/test/java), under a package name of the lab's own, with the same care about links.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Collection, Iterator
from pathlib import Path

from harness.catalog import Catalog
from harness.outcomes import CannotCheck, Failure
from harness.registry import CheckContext

SCRATCH = Path(".harness")
HIDDEN = SCRATCH / "hidden"


def lab_hidden(ctx: CheckContext) -> Path:
    """The lab's own hidden/ folder (in the checkout or the installed wheel)."""
    for lab in Catalog.load().labs:
        if lab.id == ctx.lab_id and (lab.folder / "hidden").is_dir():
            return lab.folder / "hidden"
    raise CannotCheck(f"the lab {ctx.lab_id or '(none)'} ships no hidden/ folder for this check")


@contextlib.contextmanager
def placed(ctx: CheckContext, name: str) -> Iterator[Path]:
    """The lab's hidden/<name> (a file or a folder) copied to <project>/.harness/hidden/<name>;
    yields its path relative to the project, and removes it afterwards."""
    source = lab_hidden(ctx) / name
    project = ctx.app.project_dir
    # The harness writes here with its own rights (root when grading): a submission that ships
    # .harness or .harness/hidden as a link elsewhere must not steer the copy.
    for path in (project / SCRATCH, project / HIDDEN):
        if path.is_symlink() or path.is_file():
            path.unlink()
    target = project / HIDDEN / name
    _remove(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    _readable(project, target)
    try:
        yield HIDDEN / name
    finally:
        _remove(target)
        for folder in (project / HIDDEN, project / SCRATCH):
            try:
                folder.rmdir()
            except OSError:
                break


# In each copy placed_in makes: a leftover of a killed run is told from a folder of the learner's.
COPY_MARKER = ".harness-copy"


@contextlib.contextmanager
def placed_in(ctx: CheckContext, name: str, root: Path, files: Collection[str] | None = None) -> Iterator[Path]:
    """The lab's hidden/<name> folder copied to <project>/<root>/<name>, in a folder the project's
    own build reads (a test source root); only `files` of it when given. Yields its path relative
    to the project, and removes it, and the folders on the way it had to make, afterwards.

    The folders on the way are the submission's: the harness (root when grading) refuses to
    write through one that is a link, and opens up only what it copied and the folders it made."""
    source = lab_hidden(ctx) / name
    project = ctx.app.project_dir
    made: list[Path] = []
    here = project
    for part in root.parts:
        here = here / part
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            raise Failure(f"{here.relative_to(project)} is a link or a file, not a folder",
                          expected=f"{root} is a plain folder of the project (or absent)",
                          hint=f"The harness copies its tests into {root}/{name}/: keep {root} a folder.")
        if not here.exists():
            here.mkdir()
            os.chmod(here, 0o755)
            made.append(here)
    target = here / name
    marker = target / COPY_MARKER
    if target.exists() or target.is_symlink():
        # A copy a killed run left (it carries the marker) goes; anything else is the learner's,
        # and a check must never delete the learner's files.
        if target.is_symlink() or not target.is_dir() or marker.is_symlink() or not marker.is_file():
            raise Failure(f"{root / name} is in your project, and the lab's hidden tests need that name",
                          expected=f"no {root / name} of yours: the harness copies its tests there for the run "
                                   "and removes them after",
                          hint=f"Rename your {root / name} (the package {name} is the lab's).")
        _remove(target)
    wanted = None if files is None else set(files)
    shutil.copytree(source, target, ignore=None if wanted is None else
                    (lambda _folder, names: [n for n in names if n not in wanted]))
    marker.write_text("The lab's hidden tests, copied for one run of the harness and removed after it.\n")
    for path in (target, *target.rglob("*")):  # the lab's own files, just copied: no links among them
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    try:
        yield root / name
    finally:
        _remove(target)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                break


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _readable(project: Path, copied: Path) -> None:
    """A jailed run reads the copy as the project's account: the grader's umask (077) must not hide it.

    Only the two folders on the way and what was just copied are opened up. The submission may
    ship other entries in .harness, links among them, and os.chmod follows a link: walking the
    whole folder as root would make a linked /etc/shadow readable to everyone."""
    for folder in (project / SCRATCH, project / HIDDEN):
        if folder.is_symlink() or not folder.is_dir():
            raise CannotCheck(f"{folder.relative_to(project)} changed while the harness prepared it")
        os.chmod(folder, 0o755)
    if copied.is_symlink():
        raise CannotCheck(f"{copied.relative_to(project)} changed while the harness prepared it")
    if copied.is_file():
        os.chmod(copied, 0o644)
        return
    for root, _dirs, files in os.walk(copied):  # the lab's own files: os.walk does not enter links
        os.chmod(root, 0o755)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)
