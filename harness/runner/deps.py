"""Dependency reuse: skip an install whose inputs did not change.

An install is reused only when it is safe to reuse:
- its inputs are known: the install command, the lab, the environment the project sets,
  the lockfiles and manifests at the top of the project, and the toolchain on PATH (each
  binary's resolved path, size and mtime: an upgraded node or python is a new key);
- everything it wrote in the project lies in a dependency folder (`node_modules`, `.venv`,
  `venv`): an install that also builds (`dist/`, `target/`, an `.egg-info`) depends on the
  sources too, and a changed source must rebuild, so such installs always run;
- no manifest installs the project's own code (`-e .`, `file:` dependencies), which would
  be a copy of sources the key does not cover.

Two levels. In place: `<project>/.harness/install.json` remembers the last successful
install, and the next run skips it while the key and the folders it made are unchanged
(a learner's re-check). Across projects: a copy of the folders is kept in the user's cache
under the key, and a project with the same inputs gets a copy of them (the proof suite's
reference and defects share their lockfiles). A failed install records nothing, so the
next run installs again. Grading never uses either: an untrusted submission must not reuse,
nor leave, anything another one runs. What grading may reuse is the instructor's own: the
lab's starter installed once into a read-only set, copied in by the submission's own uid
(harness/grading/warm.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import __version__
from harness.runner.depstore import DEP_DIRS, DepStore

MANIFESTS = ("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
             "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg")
MANIFEST_PATTERNS = ("requirements*.txt", "constraints*.txt")
TOOLS = ("node", "npm", "npx", "yarn", "pnpm", "python3", "python", "pip", "pip3", "uv")
# Scratch and history a run or the learner writes, never inputs of the install.
NOT_SOURCES = (*DEP_DIRS, ".harness", ".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")
RECORD = Path(".harness") / "install.json"
# Per run, not inputs of what gets installed: the app's port, and its own temp folder (a
# graded submission's is in its scratch folder, which differs between submissions).
NOT_INPUTS = ("PORT", "TMPDIR")
# A requirement that installs a folder (the project itself): its contents are not in the key.
LOCAL_REQUIREMENT = re.compile(r"^\s*(-e\b|--editable\b|\.{1,2}(/|\s|$|\[)|file:)", re.MULTILINE)
LOCAL_PACKAGE = re.compile(r'"(file|link|workspace):')


@dataclass(frozen=True)
class InstallInputs:
    key: str
    manifests: tuple[str, ...]
    local_reason: str | None  # why the install cannot be reused, when its inputs say so

    @property
    def named(self) -> str:
        """The lockfile a learner would name ("package-lock.json"), for messages."""
        locks = [m for m in self.manifests if m.endswith((".lock", "-lock.json", "lock.yaml", "shrinkwrap.json"))
                 or m.startswith("requirements")]
        return " and ".join(locks or list(self.manifests)) or "the install command"


def inputs(project: Path, command: str, env: Mapping[str, str], lab: str) -> InstallInputs:
    names = {m for m in MANIFESTS if os.path.lexists(project / m)}
    for glob in MANIFEST_PATTERNS:
        names |= {p.name for p in project.glob(glob)}
    digest = hashlib.sha256()
    local_reason = None
    for name in sorted(names):
        data = _manifest(project / name)
        if data is None:
            # Read as root when grading: a link could name any file of the machine, a FIFO hang.
            local_reason = f"{name} is a symbolic link or not a regular file"
            continue
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
        text = data.decode("utf-8", "replace")
        pattern: re.Pattern[str] | None = (LOCAL_PACKAGE if name.endswith(".json")
                                           else LOCAL_REQUIREMENT if name.endswith(".txt") else None)
        if pattern is not None and pattern.search(text):
            local_reason = f"{name} installs a local folder (the project's own code)"
    described = {"format": 1, "harness": __version__, "lab": lab, "command": command,
                 "env": sorted((k, v) for k, v in env.items() if k not in NOT_INPUTS),
                 "tools": _toolchain(env.get("PATH", ""))}
    digest.update(json.dumps(described, sort_keys=True).encode())
    return InstallInputs(digest.hexdigest()[:32], tuple(sorted(names)), local_reason)


def _manifest(path: Path) -> bytes | None:
    """A manifest's bytes, never through a link nor from anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read()


def _toolchain(path: str) -> list[tuple[str, str, int, int]]:
    found = []
    for tool in TOOLS:
        where = shutil.which(tool, path=path)
        if where is None:
            continue
        real = os.path.realpath(where)
        try:
            stat = os.stat(real)
        except OSError:
            continue
        found.append((tool, real, stat.st_size, stat.st_mtime_ns))
    return found


def source_snapshot(project: Path) -> dict[str, tuple[int, int]]:
    """Every file outside the dependency folders and scratch: what an install must not write."""
    snapshot: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d not in NOT_SOURCES and not (Path(folder) / d).is_symlink()]
        for name in files:
            path = Path(folder) / name
            try:
                stat = path.lstat()
            except OSError:
                continue
            snapshot[str(path.relative_to(project))] = (stat.st_mtime_ns, stat.st_size)
    return snapshot


def _fingerprint(project: Path, dirs: tuple[str, ...]) -> list[tuple[str, int, int]] | None:
    """The folders an install made, as they stand (None when one is gone)."""
    prints = []
    for name in dirs:
        path = project / name
        if path.is_symlink() or not path.is_dir():
            return None
        prints.append((name, path.stat().st_mtime_ns, len(os.listdir(path))))
    return prints


@dataclass(frozen=True)
class Reuse:
    """What the install phase does: run (with the reason it cannot be skipped) or skip (why)."""
    skip: bool
    message: str


class DependencyReuse:
    """Used by AppRunner.install for `harness check`; `reinstall` forces the install to run."""

    def __init__(self, store: DepStore | None, *, reinstall: bool = False) -> None:
        self.store = store
        self.reinstall = reinstall

    def before(self, project: Path, found: InstallInputs) -> Reuse:
        record = None if self.reinstall or found.local_reason else _read_record(project)
        if record is not None and record.get("key") == found.key:
            # No folder at all: an install with nothing to install (a project of node's built-ins
            # alone, whose `npm ci` writes nothing), skipped until one of its inputs changes.
            dirs = tuple(str(d) for d in _list(record.get("dirs")))
            made = dirs or tuple(d for d in DEP_DIRS if os.path.lexists(project / d))  # one made since: install
            if _fingerprint(project, made) == [tuple(p) for p in _list(record.get("fingerprint"))]:
                return Reuse(True, f"install skipped: {found.named} unchanged since the last successful install "
                                   "(--reinstall to force it)")
        if self.store is not None and not self.reinstall and not found.local_reason:
            restored = self.store.restore(found.key, project)
            if restored:
                _write_record(project, found.key, restored)
                return Reuse(True, f"install skipped: the dependencies for this {found.named} were copied from the "
                                   f"cache ({', '.join(restored)}; --reinstall to force it)")
        # The install about to run may fail halfway: until it succeeds, nothing is to be reused.
        (project / RECORD).unlink(missing_ok=True)
        return Reuse(False, "no earlier install with these inputs")

    @contextlib.contextmanager
    def one_at_a_time(self, found: InstallInputs, wait_s: float, waiting: Callable[[], None]) -> Iterator[bool]:
        """Around an install that `before` did not skip: one run per key installs, others wait
        for its entry. Yields whether it waited (then `before` may find the entry)."""
        if self.store is None or self.reinstall or found.local_reason:
            yield False
            return
        with self.store.claim(found.key, wait_s, waiting) as waited:
            yield waited

    def after(self, project: Path, found: InstallInputs, before: Mapping[str, tuple[int, int]]) -> str | None:
        """After a successful install: remember it; the reason when it cannot be reused."""
        record = project / RECORD
        record.unlink(missing_ok=True)
        dirs, why_not = reusable_dirs(project, found, before)
        if why_not:
            if self.store is not None and not found.local_reason:
                self.store.builds(found.key)
            return why_not
        _write_record(project, found.key, dirs)
        if self.store is not None:
            if dirs:
                self.store.save(found.key, project, dirs)
            else:  # nothing to copy to another project, nor to wait for
                self.store.builds(found.key)
        return None


def reusable_dirs(project: Path, found: InstallInputs,
                  before: Mapping[str, tuple[int, int]]) -> tuple[tuple[str, ...], str | None]:
    """After a successful install: the dependency folders it made, or why it cannot be reused."""
    if found.local_reason:
        return (), found.local_reason
    changed = sorted(set(before.items()) ^ set(source_snapshot(project).items()))
    if changed:
        return (), f"the install also writes {changed[0][0]}, outside the dependency folders"
    return tuple(d for d in DEP_DIRS if (project / d).is_dir() and not (project / d).is_symlink()), None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _read_record(project: Path) -> dict[str, object] | None:
    path = project / RECORD
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_record(project: Path, key: str, dirs: tuple[str, ...]) -> None:
    fingerprint = _fingerprint(project, dirs)
    if fingerprint is None:
        return
    path = project / RECORD
    path.parent.mkdir(exist_ok=True)
    if path.parent.is_symlink():
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "dirs": list(dirs), "fingerprint": fingerprint}))
    tmp.replace(path)
