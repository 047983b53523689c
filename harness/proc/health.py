"""Waiting for a started process to answer its health route: the app's instances and the named
processes beside it wait the same way, and each caller words its own error."""

from __future__ import annotations

import time

import httpx

from harness import httpcap
from harness.httpclient import tls_context
from harness.proc.process import ManagedProcess


class NotReady(Exception):
    """The process exited (`exit_code`) or the budget ran out (`exit_code` None); `last`: what the
    health route answered last."""

    def __init__(self, exit_code: int | None, last: str) -> None:
        super().__init__(last)
        self.exit_code, self.last = exit_code, last


# A refused connection costs next to nothing, while every start waits for the next ask: at
# 0.5 s a JVM that was ready in 3.4 s was seen at 3.7 s, a quarter of a second lost to each
# start (and restart) of every app slower than a second.
POLL_CAP_S = 0.1


def wait_healthy(proc: ManagedProcess, url: str, route: str, budget_s: float) -> float:
    """Seconds from the process's start until GET `url` (its `route`) answers 200. Asks again
    after 10 ms, then a little less often, every POLL_CAP_S at most: a start is waited for as a
    state, and a slow machine only makes the wait longer, up to `budget_s`. (A node app is ready
    in about a tenth of a second: a first pause of 50 ms cost it 25 ms on average.)"""
    deadline = time.monotonic() + budget_s
    last, interval = "no answer yet", 0.01
    with httpcap.client(timeout=2.0, verify=tls_context()) as client:
        while True:
            code = proc.poll()
            if code is not None:
                proc.join_output(1.0)
                raise NotReady(code, last)
            try:
                response = client.get(url)
                if response.status_code == 200:
                    return time.monotonic() - proc.started_at
                last = f"GET {route} answered {response.status_code}"
            except httpx.HTTPError as exc:
                last = f"GET {route}: {type(exc).__name__}" + (f" ({exc})" if str(exc) else "")
            if time.monotonic() >= deadline:
                raise NotReady(None, last)
            time.sleep(interval)
            interval = min(interval * 1.5, POLL_CAP_S)
