"""The user's cache of things the harness makes once and copies per run (installed
dependencies, an initialised PostgreSQL cluster): where it lives, and how a copy is made."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def root(kind: str) -> Path:
    """`$XDG_CACHE_HOME/harness/<kind>` (default `~/.cache/harness/<kind>`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "harness" / kind


def copy_tree(source: Path, target: Path) -> None:
    """A whole copy, owners, modes and links kept; raises OSError or CalledProcessError.

    cp keeps the package managers' symlinks (node_modules/.bin) and is several times faster
    than a Python tree walk on a virtualenv of thousands of files.
    """
    cp = shutil.which("cp", path="/usr/bin:/bin")
    if cp is None:
        shutil.copytree(source, target, symlinks=True)
        return
    subprocess.run([cp, "-a", "--", str(source), str(target)], check=True, capture_output=True, timeout=600)


def link_tree(source: Path, target: Path) -> None:
    """The folders of `source` made anew in `target`, each file a hard link to its original.

    Ten times cheaper than a copy (a virtualenv of 5000 files: 0.3 s instead of 3 s), and safe
    for what only reads the files or replaces them (an unlink, a rename): a write into a file in
    place reaches the original, which the caller must be able to detect. Falls back to a copy
    where links cannot be made (another filesystem, no cp): raises OSError or CalledProcessError.
    """
    cp = shutil.which("cp", path="/usr/bin:/bin")
    if cp is not None:
        try:
            subprocess.run([cp, "-al", "--", str(source), str(target)], check=True, capture_output=True, timeout=600)
            return
        except subprocess.CalledProcessError:
            shutil.rmtree(target, ignore_errors=True)
    copy_tree(source, target)
