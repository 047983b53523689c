"""The user's cache of installed dependency folders, by install key (see deps.py).

An entry is a whole copy of the folders an install made. A project gets them as hard links
(the folders made anew, each file a link: a tenth of a copy's time, which every re-check of
a new project and every run of the proof suite pays), with one rule kept: a project that
writes into its `node_modules` must not change what the next project gets. Replacing a file
(unlink, rename: what package managers, Python's bytecode cache and the relocation below
do) leaves the entry's file alone; a write in place changes it, and so its size or mtime:
each entry keeps a digest of every file's path, size, mtime and mode, taken when it was
saved, and an entry that no longer matches it is deleted instead of handed out (the project
installs afresh). A virtualenv names its own folder in its scripts
(`#!/path/to/project/.venv/bin/python`), so a copy made for another project has that path
rewritten in `bin/` (as new files). Entries are written to a temporary name and renamed, so
two runs saving the same key at once leave one whole entry; the oldest are removed past a count.
Two runs that miss the same key at once would both install it (the proof suite starts a lab's
reference, starter and defects side by side): `claim` lets one install while the others wait
for its entry. A key whose install cannot be kept (it also builds) is marked, and never waited on.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from harness import cache
from harness.cache import copy_tree, link_tree
from harness.runner.relocate import relocate

KEEP = 32
# The folders an install fills with dependencies: what is kept and copied, and nothing else.
DEP_DIRS = ("node_modules", ".venv", "venv")
META = "entry.json"
POLL_S = 0.2  # how often a run waiting for another's install of the same key looks again


class DepStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache.root("deps")

    def save(self, key: str, project: Path, dirs: tuple[str, ...]) -> None:
        entry = self.root / key
        if entry.is_dir():
            os.utime(entry)
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.root))
        except OSError:
            return  # a cache that cannot be written is no reason to fail a run
        try:
            for name in dirs:
                copy_tree(project / name, staging / name)
            (staging / META).write_text(json.dumps({"origin": str(project.resolve()), "dirs": list(dirs),
                                                    "saved": time.time(), "digest": digest(staging, dirs)}))
            staging.rename(entry)
        except (OSError, subprocess.SubprocessError):
            pass  # another run saved this key first, or the disk is full: either way, no entry
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._evict()

    @contextlib.contextmanager
    def claim(self, key: str, wait_s: float, waiting: Callable[[], None]) -> Iterator[bool]:
        """Hold the key's install on this machine while the caller installs; yields whether it
        first waited for another run's (whose entry the caller should look for again).

        A lock (flock: let go when its holder exits, however it ends) per key. Past `wait_s` the
        caller installs anyway, as without a cache; a cache that cannot be written is no lock.
        """
        if (self.root / f".{key}.builds").exists():
            yield False  # its installs also build: nothing to wait for
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / f".{key}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError:
            yield False
            return
        waited, held = False, False
        deadline = time.monotonic() + wait_s
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    if not waited:
                        waiting()
                        waited = True
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(POLL_S)
            yield waited
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def builds(self, key: str) -> None:
        """Note that the key's install also builds (its result is never kept): no run waits on it."""
        with contextlib.suppress(OSError):
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / f".{key}.builds").touch()

    def restore(self, key: str, project: Path) -> tuple[str, ...]:
        """Give the project the entry's folders (hard links); the folders given, () when there is none."""
        entry = self.root / key
        try:
            meta = json.loads((entry / META).read_text())
        except (OSError, ValueError):
            return ()
        dirs = tuple(str(d) for d in meta.get("dirs", []))
        if not dirs or any(d not in DEP_DIRS or not (entry / d).is_dir() for d in dirs):
            return ()
        saved = meta.get("digest")
        try:
            now = digest(entry, dirs) if saved is not None else None
        except OSError:
            return ()  # removed while read (evicted by another run): as if there were none
        if now != saved:
            # A project linked to this entry wrote into one of its files: never hand that out.
            shutil.rmtree(entry, ignore_errors=True)
            return ()
        # An entry of an older harness has no digest to check links against: a copy, as then.
        place = link_tree if saved is not None else copy_tree
        new = str(project.resolve())
        for name in dirs:
            target = project / name
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.exists():
                shutil.rmtree(target)
            place(entry / name, target)
            relocate(target, os.path.join(meta["origin"], name), os.path.join(new, name))
        with contextlib.suppress(OSError):
            os.utime(entry)
        return dirs

    def _evict(self) -> None:
        try:
            entries = [p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        except OSError:
            return
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)
            # Its lock goes too: a run that installs the key again makes a new one (at worst two
            # runs install it side by side once, as without a lock).
            with contextlib.suppress(OSError):
                (self.root / f".{old.name}.lock").unlink()


def digest(entry: Path, dirs: tuple[str, ...]) -> str:
    """Every file's path, size, mtime and mode, and every link's target, under the entry's folders.

    A walk of stat calls (about 30 ms for a virtualenv of 5000 files): what a write in place
    through a hard link changes, without reading the files.
    """
    lines: list[str] = []
    for name in dirs:
        for folder, subdirs, files in os.walk(entry / name):
            subdirs.sort()
            for file in sorted(files + [d for d in subdirs if os.path.islink(os.path.join(folder, d))]):
                path = os.path.join(folder, file)
                info = os.lstat(path)
                rel = os.path.relpath(path, entry)
                if os.path.islink(path):
                    lines.append(f"{rel} -> {os.readlink(path)}")
                else:
                    lines.append(f"{rel} {info.st_size} {info.st_mtime_ns} {info.st_mode:o}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
