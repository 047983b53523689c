"""The user's cache of installed dependency folders, by install key (see deps.py).

Entries are whole copies, never links: a project that writes into its `node_modules` must
not change what the next project gets. A virtualenv names its own folder in its scripts
(`#!/path/to/project/.venv/bin/python`), so a copy made for another project has that path
rewritten in `bin/`. Entries are written to a temporary name and renamed, so two runs
saving the same key at once leave one whole entry; the oldest are removed past a count.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from harness import cache
from harness.cache import copy_tree
from harness.runner.relocate import relocate

KEEP = 32
# The folders an install fills with dependencies: what is kept and copied, and nothing else.
DEP_DIRS = ("node_modules", ".venv", "venv")
META = "entry.json"


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
                                                    "saved": time.time()}))
            staging.rename(entry)
        except (OSError, subprocess.SubprocessError):
            pass  # another run saved this key first, or the disk is full: either way, no entry
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._evict()

    def restore(self, key: str, project: Path) -> tuple[str, ...]:
        """Copy the entry's folders into the project; the folders copied, () when there is none."""
        entry = self.root / key
        try:
            meta = json.loads((entry / META).read_text())
        except (OSError, ValueError):
            return ()
        dirs = tuple(str(d) for d in meta.get("dirs", []))
        if not dirs or any(d not in DEP_DIRS or not (entry / d).is_dir() for d in dirs):
            return ()
        new = str(project.resolve())
        for name in dirs:
            target = project / name
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.exists():
                shutil.rmtree(target)
            copy_tree(entry / name, target)
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
