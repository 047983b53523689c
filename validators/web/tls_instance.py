"""A second instance of the learner's server, started with the harness's certificate.

The app the harness started serves plain HTTP on $PORT. The TLS checks start the project's own
start command once more with `PORT` (a free port), `TLS_CERT` and `TLS_KEY` (paths of PEM files)
in its environment, through the app's launcher (in grading: the submission's account, in its
jail), and stop it when the check ends. The certificate is issued by a CA of the run's own
(validators/postgres/certificates.py): a client that trusts only that CA proves that the server
it reached serves the harness's certificate. The CA's key never leaves the harness's temporary
folder; the server's key and certificate are written to `<project>/.harness/tls-<token>/`, inside
the project so a jail sees them at the same path, through descriptors that follow no link the
project ships, owned by the project's owner when the harness runs as root.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.config import load_config
from harness.errors import HarnessError
from harness.outcomes import Failure
from harness.proc.process import ManagedProcess
from harness.registry import CheckContext
from harness.services.base import free_port, wait_until

from ..postgres import certificates

SCRATCH = ".harness"
LISTEN_S = 20.0
STOP_GRACE_S = 3.0
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
HOST = certificates.SERVER_HOST  # the name the certificate carries (IP:127.0.0.1)


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca_pem: str
    cert_pem: str
    process: ManagedProcess

    def log_tail(self, lines: int = 15) -> str:
        return self.process.tail(lines)


def _subfolder(parent: int, name: str, owner: os.stat_result | None) -> int:
    try:
        os.mkdir(name, 0o700, dir_fd=parent)
        made = True
    except FileExistsError:
        made = False
    fd = os.open(name, _DIR, dir_fd=parent)  # O_NOFOLLOW: a link in its place is refused
    if made and owner is not None:
        os.fchown(fd, owner.st_uid, owner.st_gid)
    return fd


def place(project: Path, files: Mapping[str, str]) -> Path:
    """Write `files` into a fresh `<project>/.harness/tls-<token>/`; returns that folder."""
    owner = os.stat(project) if os.geteuid() == 0 else None
    name = f"tls-{secrets.token_hex(6)}"
    root = os.open(project, _DIR)
    try:
        scratch = _subfolder(root, SCRATCH, owner)
        try:
            os.mkdir(name, 0o700, dir_fd=scratch)
            folder = os.open(name, _DIR, dir_fd=scratch)
        finally:
            os.close(scratch)
    finally:
        os.close(root)
    try:
        if owner is not None:
            os.fchown(folder, owner.st_uid, owner.st_gid)
        for file, text in files.items():
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=folder)
            with os.fdopen(fd, "w") as handle:
                if owner is not None:
                    os.fchown(handle.fileno(), owner.st_uid, owner.st_gid)
                handle.write(text)
    finally:
        os.close(folder)
    return project / SCRATCH / name


def _listening(port: int) -> None:
    with socket.create_connection((HOST, port), timeout=1.0):
        pass


@contextlib.contextmanager
def tls_server(ctx: CheckContext) -> Iterator[TlsServer]:
    """The learner's server with TLS_CERT and TLS_KEY, listening; stopped and its files removed on exit."""
    project = ctx.app.project_dir
    app = load_config(project).app
    if app is None or not app.start:
        raise Failure("harness.toml has no [app] start command to run the server with TLS_CERT and TLS_KEY",
                      expected='[app] start = "node src/server.js"', actual="no start command",
                      hint="Keep the starter's harness.toml.", reproduce="cat harness.toml")
    issued = certificates.for_run(ctx.run_id)
    folder = place(project, {"server.crt": issued.cert_pem, "server.key": issued.key_pem})
    port = free_port()
    env = {"PORT": str(port), "TLS_CERT": str(folder / "server.crt"), "TLS_KEY": str(folder / "server.key")}
    process: ManagedProcess | None = None
    try:
        process = ctx.app.start_command("tls", ["/bin/sh", "-c", app.start], env=env)
        started = process
        try:
            wait_until("the server started with TLS_CERT and TLS_KEY", lambda: _listening(port), timeout_s=LISTEN_S,
                       alive=started.alive, log_tail=lambda: started.tail(15))
        except HarnessError as exc:
            raise Failure(
                f"{exc}",
                expected=f"the start command, run with PORT={port} TLS_CERT=… TLS_KEY=…, listening on that port",
                actual=started.tail(15).strip() or "the server printed nothing",
                hint="With TLS_CERT and TLS_KEY set, read both files and serve HTTPS on $PORT: "
                     "http2.createSecureServer({ cert, key, allowHTTP1: true }, handler).listen(PORT).",
                reproduce=REPRODUCE) from exc
        yield TlsServer(port, issued.ca_pem, issued.cert_pem, started)
    finally:
        if process is not None:
            process.stop(STOP_GRACE_S)
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.parent.rmdir()  # .harness, when nothing else of the harness is in it


# The learner's way to the same state: a CA and a certificate of their own, then the server.
REPRODUCE = ("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem && "
             "(TLS_CERT=cert.pem TLS_KEY=key.pem PORT=8443 node src/server.js &) && sleep 1 && "
             "curl -i --cacert cert.pem https://127.0.0.1:8443/hello")
