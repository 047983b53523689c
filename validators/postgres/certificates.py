"""A certificate authority of the harness's own and a server certificate it signs, for one lab server.

The learner's configuration turns SSL on; the key and certificate are the harness's, so a client
that verifies the server (sslmode=verify-full with the CA file) proves that the server it reached
is the one the harness started, not merely that the connection is encrypted. The CA's key exists
only in a temporary folder of the harness for the few milliseconds of signing: nothing the
server's account can read could sign another certificate.

The `openssl` command does the work (the harness ships no crypto library). The servers of one run
share a CA and certificate (three openssl processes less per check); another run gets its own.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from harness.errors import EnvironmentProblem
from harness.proc.process import run_to_end

# The server is reached as 127.0.0.1 (what verify-full compares the certificate's names with).
SERVER_HOST = "127.0.0.1"
_BUDGET_S = 30.0
_CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
# Two days: a server lives for one check; a skewed clock of a few hours still verifies.
_DAYS = "2"


_lock = threading.Lock()
_issued: dict[str, Issued] = {}  # the last run's only


@dataclass(frozen=True)
class Issued:
    ca_pem: str
    cert_pem: str  # the server's certificate
    key_pem: str  # the server's private key


def _openssl(args: list[str], cwd: Path) -> None:
    binary = shutil.which("openssl")
    if binary is None:
        raise EnvironmentProblem("the `openssl` command is not installed: the harness issues the lab server's "
                                 "certificate with it", fixes=["Install OpenSSL: apt-get install openssl"])
    code, log, _ = run_to_end("openssl", [binary, *args], cwd=cwd, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
                              timeout_s=_BUDGET_S)
    if code != 0:
        raise EnvironmentProblem(f"openssl {args[0]} failed (exit {code}): {log.tail(5)}")


def for_run(run_id: str) -> Issued:
    """The run's CA and server certificate, issued on first use."""
    with _lock:
        if run_id not in _issued:
            fresh = issue()
            _issued.clear()
            _issued[run_id] = fresh
        return _issued[run_id]


def issue() -> Issued:
    """A fresh CA and a server certificate for 127.0.0.1 signed by it."""
    with tempfile.TemporaryDirectory(prefix="harness-ca-") as folder:
        work = Path(folder)
        _openssl(["req", "-x509", "-new", *_CURVE, "-keyout", "ca.key", "-out", "ca.crt", "-days", _DAYS,
                  "-subj", "/CN=harness lab CA", "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"], work)
        _openssl(["req", "-new", *_CURVE, "-keyout", "server.key", "-out", "server.csr",
                  "-subj", f"/CN={SERVER_HOST}"], work)
        (work / "server.ext").write_text(f"subjectAltName = IP:{SERVER_HOST}\nbasicConstraints = CA:FALSE\n"
                                         "keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n")
        _openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                  "-set_serial", str(secrets.randbits(63)), "-days", _DAYS, "-extfile", "server.ext",
                  "-out", "server.crt"], work)
        return Issued((work / "ca.crt").read_text(), (work / "server.crt").read_text(),
                      (work / "server.key").read_text())
