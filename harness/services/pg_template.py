"""A freshly initialised PostgreSQL cluster, kept once per binaries and initdb settings.

initdb costs most of a local server's start (0.6 s of 1.1 s here) and gives the same
cluster every time, so the first run keeps a copy of the one it made in the user's cache
and later runs copy that (0.1 s). The copy is a plain `cp -a` of the data folder, owners
and modes kept; the run then hands it to its own account as it would an initdb's output.

The cluster's superuser password lives beside it (0600, in a folder only the harness's
user can read); each run changes it to a password of its own right after the server
starts, so no two runs, and no graded submission's server, share one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import cache
from harness.cache import copy_tree

FORMAT = 1


@dataclass(frozen=True)
class Template:
    data: Path
    password: str


def key(initdb: Path, args: list[str], *, image_id: str = "") -> str:
    """The template's name: the initdb binary (a file here, or a path in the image `image_id`)
    and its settings."""
    if image_id:
        described: list[object] = [FORMAT, "image, as a local initdb makes it", image_id, str(initdb), args]
    else:
        real = Path(os.path.realpath(initdb))
        stat = real.stat()
        described = [FORMAT, str(real), stat.st_size, stat.st_mtime_ns, args]
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()[:24]


class TemplateStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache.root("pg")

    def find(self, name: str) -> Template | None:
        entry = self.root / name
        try:
            password = (entry / "password").read_text().strip()
        except OSError:
            return None
        data = entry / "data"
        return Template(data, password) if password and (data / "PG_VERSION").is_file() else None

    def copy_to(self, template: Template, target: Path) -> bool:
        """`target` becomes a copy of the template's data folder; False when it could not be."""
        try:
            copy_tree(template.data, target)
        except (OSError, subprocess.SubprocessError):
            shutil.rmtree(target, ignore_errors=True)
            return False
        return True

    def keep(self, name: str, data: Path, password: str) -> None:
        """Keep a copy of a cluster that initdb just made (before any server ran on it)."""
        if self.find(name) is not None:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.root))
        except OSError:
            return  # no cache: the next run runs initdb again
        try:
            copy_tree(data, staging / "data")
            secret = staging / "password"
            secret.touch(mode=0o600)
            secret.write_text(password + "\n")
            staging.rename(self.root / name)  # whole or not at all; another run may have won
        except (OSError, subprocess.SubprocessError):
            pass  # another run kept it first, or no room: the next run runs initdb
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def fresh_password() -> str:
    return secrets.token_urlsafe(18)


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5803 form): sent instead of the
    password itself, which would otherwise sit in pg_stat_statements' text of the ALTER ROLE."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}"
            f"${b64(stored_key).decode()}:{b64(server_key).decode()}")
