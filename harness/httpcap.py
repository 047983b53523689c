"""A cap on what the harness reads of an app's answer.

The app is the learner's, and in grading a stranger's: an answer that never ends (a loop that
writes the body, a stream with no end) or a small gzip that inflates to gigabytes would
otherwise grow the harness's memory until the machine runs out, outside any jail. Every
client the harness opens on an app reads at most MAX_BODY_BYTES of one answer, counted after
decoding (gzip, deflate, br), and then stops with BodyTooLarge, which a check reports as the
app's failure. The largest answer a lab asks for (an export, a page of a list, a stream a check
reads to its end) is a few megabytes.

Requests a check sends at once (a burst of 50 to a pool, registrations in parallel) share one
Budget of the same size for all their answers together: read side by side, 50 endless answers
would each grow toward the cap before any reached it (1.6 GB of memory, and as much for the app
to write and the kernel to carry: seconds of CPU). A burst's answers are small (a page of a
list, a created row), so a correct app never comes near it.
"""

from __future__ import annotations

import functools
import http.client
import shlex
import ssl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

MAX_BODY_BYTES = 32 * 1024 * 1024
_SLICE = 64 * 1024  # the decoders' output per step: what one step can inflate to is bounded by it


class BodyTooLarge(httpx.TransportError):
    """An answer longer than the harness reads (MAX_BODY_BYTES after decoding)."""

    def __init__(self, what: str, limit: int = MAX_BODY_BYTES, *, together: int = 0) -> None:
        self.what = what
        self.limit = limit
        self.together = together  # the requests sent at once whose answers shared the limit, or 0
        megabytes = limit // (1024 * 1024)
        if together:
            message = (f"the answers to {together} requests sent at once ({what} among them) went on past "
                       f"{megabytes} MB together: the harness stopped reading them")
        else:
            message = f"the answer to {what} went on past {megabytes} MB: the harness stopped reading it"
        super().__init__(message)


class Budget:
    """What the answers to requests sent at once may read in all (decoded bytes)."""

    def __init__(self, requests: int, limit: int = MAX_BODY_BYTES) -> None:
        self.requests = requests
        self.limit = limit
        self._spent = 0
        self._lock = threading.Lock()

    def spend(self, size: int) -> bool:
        """Count `size` more bytes read; False once the whole is past the limit."""
        with self._lock:
            self._spent += size
            return self._spent <= self.limit

    @property
    def spent(self) -> int:
        """The bytes read so far, in all."""
        with self._lock:
            return self._spent


_shared = threading.local()


@contextmanager
def sharing(budget: Budget) -> Iterator[None]:
    """Answers read in this thread meanwhile count against `budget` too."""
    before = getattr(_shared, "budget", None)
    _shared.budget = budget
    try:
        yield
    finally:
        _shared.budget = before


class _Inflate:
    """One content encoding httpx decodes, undone again to count: what a chunk inflates to comes
    out in slices of at most _SLICE bytes, so the count never holds a bomb's output."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        # 47: a gzip or a zlib header, detected. For deflate httpx also tries raw deflate (-15).
        self._zlib = zlib.decompressobj(15 if encoding == "deflate" else 47)
        self._raw = False
        self._brotli = _brotli_decoder() if encoding == "br" else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._brotli is not None:
            yield from self._unbrotli(data)
            return
        try:
            out = self._zlib.decompress(data, _SLICE)
        except zlib.error:
            if self._encoding != "deflate" or self._raw:
                return  # not valid: httpx says so when it decodes it; nothing more to count
            self._zlib, self._raw = zlib.decompressobj(-15), True
            yield from self.feed(data)
            return
        yield out
        while self._zlib.unconsumed_tail:
            yield self._zlib.decompress(self._zlib.unconsumed_tail, _SLICE)

    def _unbrotli(self, data: bytes) -> Iterator[bytes]:
        decoder = self._brotli
        assert decoder is not None
        try:
            yield decoder.process(data, output_buffer_limit=_SLICE)
            while not decoder.can_accept_more_data():
                yield decoder.process(b"", output_buffer_limit=_SLICE)
        except Exception:  # brotli.error: not valid, httpx says so when it decodes it
            return


def _brotli_decoder() -> Any:
    try:
        import brotli  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    return brotli.Decompressor()


@functools.cache
def _has_brotli() -> bool:
    return _brotli_decoder() is not None


def _inflates(encoding: str) -> bool:
    """Whether httpx decodes this encoding (br only where the brotli package is there)."""
    return encoding in ("gzip", "x-gzip", "deflate") or (encoding == "br" and _has_brotli())


class _CappedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, what: str, encodings: list[str], limit: int) -> None:
        self._inner = inner
        self._what = what
        self._limit = limit
        # Applied in the order listed, so undone last to first (RFC 9110 8.4).
        self._layers = [_Inflate(e) for e in reversed(encodings) if _inflates(e)]
        # The stream is made and read in the thread that sent the request.
        self._budget: Budget | None = getattr(_shared, "budget", None)

    def _decoded(self, data: bytes, layer: int = 0) -> Iterator[int]:
        if layer == len(self._layers):
            yield len(data)
            return
        for piece in self._layers[layer].feed(data):
            yield from self._decoded(piece, layer + 1)

    def __iter__(self) -> Iterator[bytes]:
        raw = decoded = 0
        for chunk in self._inner:
            raw += len(chunk)
            for size in self._decoded(chunk):
                decoded += size
                if decoded > self._limit:
                    raise BodyTooLarge(self._what, self._limit)
                if self._budget is not None and not self._budget.spend(size):
                    raise BodyTooLarge(self._what, self._budget.limit, together=self._budget.requests)
            if raw > self._limit:
                raise BodyTooLarge(self._what, self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class CappedTransport(httpx.BaseTransport):
    """httpx's own transport, whose answers end with BodyTooLarge past the limit."""

    def __init__(self, inner: httpx.BaseTransport, limit: int = MAX_BODY_BYTES) -> None:
        self._inner = inner
        self._limit = limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()]
        what = f"{request.method} {request.url.raw_path.decode('ascii', errors='replace')}"
        return httpx.Response(status_code=response.status_code, headers=response.headers,
                              stream=_CappedStream(response.stream, what, encodings, self._limit),
                              extensions=response.extensions)

    def close(self) -> None:
        self._inner.close()


def client(*, timeout: float | httpx.Timeout, base_url: str = "", limits: httpx.Limits | None = None,
           verify: ssl.SSLContext | bool = True, follow_redirects: bool = False,
           headers: dict[str, str] | None = None) -> httpx.Client:
    """An httpx client for an app: capped answers, and no proxy from the environment (the app is
    on this machine: an HTTP_PROXY meant for the internet must not carry the harness's requests)."""
    inner = httpx.HTTPTransport(verify=verify, limits=limits or httpx.Limits(), trust_env=False)
    return httpx.Client(base_url=base_url, timeout=timeout, follow_redirects=follow_redirects, headers=headers,
                        transport=CappedTransport(inner), trust_env=False)


def reproduce(exc: BodyTooLarge) -> str:
    """A shell line that counts the answer's bytes up to one past the limit."""
    method, _, path = exc.what.partition(" ")
    request = "" if method == "GET" else f"-X {method} "
    url = f"\"http://localhost:$PORT\"{shlex.quote(path)}" if path.startswith("/") else "http://localhost:$PORT/..."
    return f"curl -s --compressed {request}{url} | head -c {exc.limit + 1} | wc -c"


def read_capped(response: http.client.HTTPResponse, what: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """An http.client answer's body (never decoded there), at most `limit` bytes of it."""
    data = response.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(what, limit)
    return data
