"""Names for what went wrong with a request, the keys of ``errors_by_kind``.

Short, stable and human: people read them in the report and compare them between runs.
Matching is by class name so that this module imports neither gevent nor Locust.
"""

from __future__ import annotations

import errno

_BY_CLASS = {
    "TimeoutError": "timeout",
    "timeout": "timeout",
    "Timeout": "timeout",
    "ConnectTimeout": "timeout",
    "ConnectionRefusedError": "connection refused",
    "ConnectionResetError": "connection reset",
    "BrokenPipeError": "connection reset",
    "HTTPConnectionClosed": "connection closed by the server",
    "HTTPProtocolViolationError": "invalid HTTP response",
    "HTTPParseError": "invalid HTTP response",
    "gaierror": "name resolution failed",
    "SSLError": "TLS error",
    "SSLCertVerificationError": "TLS certificate rejected",
}
_BY_ERRNO = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.EPIPE: "connection reset",
    errno.ETIMEDOUT: "timeout",
    errno.EMFILE: "too many open files (generator)",
    errno.EADDRNOTAVAIL: "no free local port (generator)",
}


def error_kind(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        kind = _BY_CLASS.get(cls.__name__)
        if kind is not None:
            return kind
    if isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    return type(exc).__name__


def status_kind(status: int, expected: tuple[int, ...]) -> str:
    if expected:
        wanted = ", ".join(str(s) for s in expected)
        return f"HTTP {status} (expected {wanted})"
    return f"HTTP {status}"
