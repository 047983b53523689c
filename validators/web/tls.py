"""HTTPS with the certificate the harness issues (validators/web/tls_instance.py)."""

from __future__ import annotations

import http.client
import socket
import ssl

from harness import httpcap
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .http import HELLO
from .tls_instance import HOST, REPRODUCE, TlsServer, tls_server

TIMEOUT_S = 10.0
HINT = ("With TLS_CERT and TLS_KEY set, read those two files (fs.readFileSync) and pass them as cert and key "
        "to http2.createSecureServer (or https.createServer): serve the certificate the harness gives, "
        "not one of your own.")


def _handshake(server: TlsServer) -> ssl.SSLSocket:
    """A TLS connection that trusts only the run's CA and checks that the name is 127.0.0.1."""
    context = ssl.create_default_context(cadata=server.ca_pem)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    raw = socket.create_connection((HOST, server.port), timeout=TIMEOUT_S)
    try:
        return context.wrap_socket(raw, server_hostname=HOST)
    except BaseException:
        raw.close()
        raise


@check("web.tls.harness_cert", points=2, timeout_s=60)
def https_serves_the_harness_certificate(ctx: CheckContext) -> None:
    """With TLS_CERT and TLS_KEY set, the server speaks HTTPS with that certificate.

    Starts the project's start command again with PORT, TLS_CERT and TLS_KEY (a certificate for
    127.0.0.1 issued by a CA of the run's own), connects trusting only that CA (the chain and the
    name verified, TLS 1.2 or later), checks that the certificate served is the one given, and
    sends GET /hello over HTTP/1.1.
    """
    with tls_server(ctx) as server:
        try:
            tls = _handshake(server)
        except ssl.SSLCertVerificationError as exc:
            raise Failure("the server's certificate does not verify against the harness's CA",
                          expected="the certificate in TLS_CERT (issued for 127.0.0.1 by the harness's CA)",
                          actual=f"{exc.verify_message} ({exc.reason})", hint=HINT, reproduce=REPRODUCE) from exc
        except (ssl.SSLError, OSError) as exc:
            raise Failure("the TLS handshake with the server failed", expected="a TLS 1.2+ handshake on $PORT",
                          actual=f"{type(exc).__name__}: {exc}\n{server.log_tail()}".strip(),
                          hint=HINT + " A plain HTTP server on $PORT fails the handshake this way.",
                          reproduce=REPRODUCE) from exc
        with tls:
            served = tls.getpeercert(binary_form=True)
            if served != ssl.PEM_cert_to_DER_cert(server.cert_pem):
                raise Failure("the server serves a certificate the harness's CA signed, but not the one in TLS_CERT",
                              expected="the certificate in TLS_CERT", actual="another certificate",
                              hint=HINT, reproduce=REPRODUCE)
            connection = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT_S)
            connection.sock = tls  # the verified connection, not a new one
            try:
                connection.request("GET", "/hello")
                response = connection.getresponse()
                body = httpcap.read_capped(response, "GET /hello").decode("utf-8", errors="replace")
            except (OSError, http.client.HTTPException) as exc:
                raise Failure("GET /hello over HTTPS got no answer", expected=f"200 {HELLO!r}",
                              actual=f"{type(exc).__name__}: {exc}", hint=HINT, reproduce=REPRODUCE) from exc
            if response.status != 200 or body != HELLO:
                raise Failure("GET /hello over HTTPS does not answer as over HTTP", expected=f"200 {HELLO!r}",
                              actual=f"{response.status} {body[:200]!r}", hint=HINT, reproduce=REPRODUCE)
