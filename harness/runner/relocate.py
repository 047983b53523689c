"""Rewrite a virtualenv's own path in its scripts and pyvenv.cfg, for a copy made elsewhere.

A virtualenv names its folder in its scripts (`#!/path/to/project/.venv/bin/python`), so a
copy made for another project must say its new folder. Standalone on purpose (no import of
the harness): grading runs this file's source as a graded submission's own uid, inside its
jail, with the system's python (`python3 -I -S -c <source> OLD NEW FOLDER`), so the copy
is never written by root.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_BYTES = 1024 * 1024


def relocate(folder: Path, old: str, new: str) -> None:
    if old == new:
        return
    candidates = [folder / "pyvenv.cfg"]
    if (folder / "bin").is_dir() and not (folder / "bin").is_symlink():
        candidates += [p for p in (folder / "bin").iterdir() if p.is_file() and not p.is_symlink()]
    for path in candidates:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        data = path.read_bytes()
        if old.encode() not in data:
            continue
        mode = path.stat().st_mode
        path.unlink()  # a new file: never write through a link to another copy
        path.write_bytes(data.replace(old.encode(), new.encode()))
        path.chmod(mode)


if __name__ == "__main__":
    relocate(Path(sys.argv[3]), sys.argv[1], sys.argv[2])
