"""rest.ratelimit.writes against fake apps: one correct limiter and one of each mistake."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import httpx
import pytest

from harness.outcomes import CannotCheck, Failure
from harness.registry import CheckContext
from harness.validators.rest import ratelimit

T = TypeVar("T")
PROBLEM = "application/problem+json"


class FakeShelf:
    """Authors and an empty book list behind a write limiter with configurable mistakes."""

    def __init__(self, *, key: str = "peer", limit: int | None = 40, reads_limited: bool = False,
                 retry_after: str | None = "1", problem: bool = True, lifts: bool = True) -> None:
        self.key, self.limit, self.reads_limited = key, limit, reads_limited
        self.retry_after, self.problem, self.lifts = retry_after, problem, lifts
        self.counts: dict[str, int] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def time_passes(self, seconds: float) -> None:
        # The check paces its reads with sub-millisecond sleeps; only its wait for
        # Retry-After is long enough for a one-second window to pass.
        if self.lifts and seconds >= 0.5:
            self.counts.clear()

    def _limited(self, method: str, headers: dict[str, str]) -> bool:
        if self.limit is None or (method == "GET" and not self.reads_limited):
            return False
        client = headers.get("x-forwarded-for", "127.0.0.1") if self.key == "xff" else "127.0.0.1"
        with self.lock:
            self.counts[client] = self.counts.get(client, 0) + 1
            return self.counts[client] > self.limit

    def request(self, method: str, path: str, *, json: Any = None, content: Any = None,
                headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        request = httpx.Request(method, "http://app" + path, json=json, headers=hdrs, params=params)
        if self._limited(method, hdrs):
            extra = {"retry-after": self.retry_after} if self.retry_after is not None else {}
            body = {"type": "about:blank", "title": "Too Many Requests", "status": 429}
            return self._answer(request, 429, body, PROBLEM if self.problem else "text/plain", extra)
        if method == "POST":
            return self._answer(request, 201, {"id": str(next(self.ids)), **(json or {})})
        if path == "/v1/books":
            return self._answer(request, 200, {"items": [], "next_cursor": None})
        return self._answer(request, 200, {"id": path.rsplit("/", 1)[-1], "name": "A"})

    @staticmethod
    def _answer(request: httpx.Request, status: int, body: Any, ctype: str = "application/json",
                headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.Response(status, content=json.dumps(body).encode(), request=request,
                              headers={"content-type": ctype, **(headers or {})})

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def concurrently(self, calls: Sequence[Callable[[], T]], *, workers: int | None = None) -> list[T]:
        with ThreadPoolExecutor(max_workers=workers or len(calls)) as pool:
            return list(pool.map(lambda call: call(), calls))


def run(app: FakeShelf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit.time, "sleep", app.time_passes)
    ctx = CheckContext(http=cast(Any, app), app=cast(Any, None), run_id="rtest", seed=1)
    ratelimit.writes_are_rate_limited_per_client(ctx)


def test_a_per_peer_write_limiter_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    run(FakeShelf(), monkeypatch)


@pytest.mark.parametrize(
    ("app", "words"),
    [
        (FakeShelf(key="xff"), "each named another client in X-Forwarded-For"),
        (FakeShelf(limit=None), "were all accepted"),
        (FakeShelf(limit=150), "were all accepted"),
        (FakeShelf(reads_limited=True), "a read was refused with 429"),
        (FakeShelf(retry_after=None), "there is no Retry-After header"),
        (FakeShelf(retry_after="0"), "asks for no wait at all"),
        (FakeShelf(problem=False), "not application/problem+json"),
        (FakeShelf(lifts=False), "after the 429, as Retry-After asked: expected status 201 or 200, got 429"),
    ],
)
def test_each_mistake_fails_with_its_reason(app: FakeShelf, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Failure) as failure:
        run(app, monkeypatch)
    assert words in failure.value.message
    assert failure.value.hint and failure.value.reproduce



class SlowShelf(FakeShelf):
    """A machine so busy that each write takes `per_write` seconds of a clock the check reads too
    (`then` seconds after the first `busy_for` writes: a busy moment that passes), behind a token
    bucket of `bucket` writes refilled at `bucket` a second (None: no limit at all)."""

    def __init__(self, per_write: float, bucket: int | None, *, busy_for: int | None = None,
                 then: float = 0.0) -> None:
        super().__init__(limit=None)
        self.per_write, self.bucket, self.busy_for, self.then = per_write, bucket, busy_for, then
        self.writes, self.now, self.tokens, self.filled_at = 0, 0.0, float(bucket or 0), 0.0

    def monotonic(self) -> float:
        with self.lock:
            return self.now

    def time_passes(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    def _limited(self, method: str, headers: dict[str, str]) -> bool:
        if method == "GET":
            return False
        with self.lock:
            self.writes += 1
            busy = self.busy_for is None or self.writes <= self.busy_for
            self.now += self.per_write if busy else self.then
            if self.bucket is None:
                return False
            self.tokens = min(self.bucket, self.tokens + (self.now - self.filled_at) * self.bucket)
            self.filled_at = self.now
            if self.tokens < 1:
                return True
            self.tokens -= 1
            return False


def run_slow(app: SlowShelf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit.time, "monotonic", app.monotonic)
    run(app, monkeypatch)


def test_a_limit_that_a_slow_burst_fits_in_refuses_the_next_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100 writes over 1.5 s fit a bucket of 50 refilled at 50 a second, as the contract allows: the
    # first burst is all accepted, and the next, sent at once, finds the bucket drained.
    app = SlowShelf(per_write=0.015, bucket=50)
    run_slow(app, monkeypatch)
    assert app.writes > 100


def test_no_limit_shows_once_the_bursts_take_fewer_seconds_than_their_number(monkeypatch: pytest.MonkeyPatch) -> None:
    # A busy moment spreads the first burst over 1.1 s, which proves nothing; the second takes
    # 0.4 s: 200 writes all accepted within 1.5 s put 100 into some one second.
    with pytest.raises(Failure) as failure:
        run_slow(SlowShelf(per_write=0.011, bucket=None, busy_for=101, then=0.004), monkeypatch)  # 1 write before
    assert "200 writes within 1.5" in failure.value.message
    assert "from one client were all accepted" in failure.value.message


def test_a_machine_too_slow_for_any_second_to_hold_a_burst_cannot_check(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CannotCheck) as cannot:
        run_slow(SlowShelf(per_write=0.012, bucket=None), monkeypatch)
    assert "300 took 3.6" in cannot.value.reason and "all accepted" in cannot.value.reason
