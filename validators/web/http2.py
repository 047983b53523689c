"""HTTP/2 over TLS, chosen by ALPN (RFC 9113 §3.2), on the server started with the harness's certificate."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions

from harness import httpcap
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .http import HELLO
from .tls_instance import HOST, tls_server

TIMEOUT_S = 10.0
HINT = ("Serve TLS with http2.createSecureServer({ cert, key, allowHTTP1: true }, handler): it offers h2 by "
        "ALPN and still answers HTTP/1.1 clients. https.createServer speaks HTTP/1.1 only. The compat API "
        "gives the handler req and res as node:http does.")
REPRODUCE = ("TLS_CERT=cert.pem TLS_KEY=key.pem PORT=8443 node src/server.js & "
             "curl -i --http2 --cacert cert.pem https://127.0.0.1:8443/hello   # HTTP/2 200")
PATHS = ("/hello", "/notes")


@dataclass
class Answer:
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    done: bool = False


def _exchange(sock: ssl.SSLSocket, authority: str) -> dict[str, Answer]:
    """GET each of PATHS on its own stream of one connection, all sent before any answer is read."""
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    answers: dict[int, Answer] = {}
    for path in PATHS:
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, [(":method", "GET"), (":scheme", "https"), (":authority", authority),
                                   (":path", path)], end_stream=True)
        answers[stream] = Answer()
    sock.sendall(conn.data_to_send())
    while not all(a.done for a in answers.values()):
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection before answering")
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id in answers:
                answers[event.stream_id].headers = {str(k): str(v) for k, v in event.headers}
            elif isinstance(event, h2.events.DataReceived) and event.stream_id in answers:
                answers[event.stream_id].body += event.data
                if len(answers[event.stream_id].body) > httpcap.MAX_BODY_BYTES:
                    raise httpcap.BodyTooLarge(f"GET {PATHS[(event.stream_id - 1) // 2]} over HTTP/2")
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id in answers:
                answers[event.stream_id].done = True
            elif isinstance(event, h2.events.StreamReset) and event.stream_id in answers:
                raise ConnectionError(f"the server reset the stream of {PATHS[(event.stream_id - 1) // 2]} "
                                      f"(error code {event.error_code})")
        sock.sendall(conn.data_to_send())
    return {path: answers[stream] for path, stream in zip(PATHS, sorted(answers), strict=True)}


@check("web.http2.alpn", points=2, timeout_s=60)
def http2_is_negotiated_over_tls(ctx: CheckContext) -> None:
    """The TLS server offers HTTP/2 by ALPN and answers on several streams of one connection.

    On the server started with TLS_CERT and TLS_KEY, a TLS client offering only `h2` must get
    `h2` selected; GET /hello and GET /notes then go out as two streams of that connection at
    once and each must come back 200 (/hello with its text). The certificate is not verified
    here (that is web.tls.harness_cert's question).
    """
    with tls_server(ctx) as server:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        try:
            raw = socket.create_connection((HOST, server.port), timeout=TIMEOUT_S)
            sock = context.wrap_socket(raw, server_hostname=HOST)
        except ssl.SSLError as exc:
            if exc.reason == "NO_APPLICATION_PROTOCOL" or "no application protocol" in str(exc):
                # Node's TLS servers refuse a client whose ALPN list has nothing they speak.
                raise Failure("the server does not offer HTTP/2: the handshake failed on ALPN",
                              expected="ALPN protocol h2", actual=f"a TLS alert: {exc}", hint=HINT,
                              reproduce=REPRODUCE) from exc
            raise Failure("the TLS handshake offering h2 failed", expected="TLS with ALPN h2 on $PORT",
                          actual=f"{type(exc).__name__}: {exc}", hint=HINT, reproduce=REPRODUCE) from exc
        except OSError as exc:
            raise Failure("the TLS handshake offering h2 failed", expected="TLS with ALPN h2 on $PORT",
                          actual=f"{type(exc).__name__}: {exc}", hint=HINT, reproduce=REPRODUCE) from exc
        with sock:
            chosen = sock.selected_alpn_protocol()
            if chosen != "h2":
                raise Failure("the server does not offer HTTP/2: ALPN did not select h2",
                              expected="ALPN protocol h2", actual=f"ALPN protocol {chosen or 'none'}",
                              hint=HINT, reproduce=REPRODUCE)
            try:
                answers = _exchange(sock, f"{HOST}:{server.port}")
            except (OSError, ValueError, h2.exceptions.H2Error) as exc:
                raise Failure("the HTTP/2 requests got no complete answer",
                              expected="a 200 on each stream", actual=f"{type(exc).__name__}: {exc}",
                              hint=HINT, reproduce=REPRODUCE) from exc
    for path, answer in answers.items():
        status = answer.headers.get(":status")
        if status != "200" or (path == "/hello" and answer.body.decode("utf-8", "replace") != HELLO):
            raise Failure(f"GET {path} over HTTP/2 does not answer as over HTTP/1.1",
                          expected="200" + (f" {HELLO!r}" if path == "/hello" else ""),
                          actual=f"{status} {answer.body[:200]!r}", hint=HINT, reproduce=REPRODUCE)
