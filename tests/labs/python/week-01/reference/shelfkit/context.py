"""atomic_write: a file replaced all at once, or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any, Literal


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: Literal["w", "wb"] = "w", *,
                 encoding: str = "utf-8") -> Iterator[IO[Any]]:
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    target = os.fspath(path)
    # In the target's folder: os.replace is atomic only within one file system.
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".tmp-")
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as file:
            yield file
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
