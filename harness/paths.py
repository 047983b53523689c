"""Where the data that ships with the harness lives: checkout or installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def labs_root() -> Path:
    # Installed: force-included as harness/labs. Checkout: labs/ beside the package.
    installed = _PACKAGE / "labs"
    return installed if installed.is_dir() else _PACKAGE.parent / "labs"
