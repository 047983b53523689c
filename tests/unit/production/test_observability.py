"""prod.metrics.exposed and prod.logging.structured against a stand-in app: no node, no sockets."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.validators.production import logging as structured_logging
from harness.validators.production.logging import _json_lines, errors_are_handled_and_logged_as_json
from harness.validators.production.metrics import performance_metrics_are_exposed

PROBLEM = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "book not found"}


class FakeApp:
    """The HTTP surface (get) and the AppHandle surface (log_tail) the two checks use."""

    def __init__(self, *, count: bool = True, json_logs: bool = True, echo_id: bool = True,
                 log_delay_s: float = 0.0, make_id: bool = True, startup: tuple[str, ...] = ()) -> None:
        self.count, self.json_logs, self.echo_id, self.log_delay_s = count, json_logs, echo_id, log_delay_s
        self.make_id = make_id
        self.requests = 0
        self.lines: list[str] = [*startup, '{"level":"info","msg":"listening"}']
        self.ready = len(self.lines)

    # -- http ---------------------------------------------------------------------------
    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.get("headers") or {}
        request = httpx.Request("GET", "http://127.0.0.1:1" + path, headers=headers)
        if path == "/metrics":
            text = ("# TYPE http_requests_total counter\n"
                    f'http_requests_total{{method="GET",route="/v1/books",status_code="200"}} {self.requests}\n')
            return httpx.Response(200, text=text, headers={"content-type": "text/plain; version=0.0.4"},
                                  request=request)
        if self.count:
            self.requests += 1
        request_id = headers.get("x-request-id") or f"made-{self.requests}-{len(self.lines)}"
        self._log(request_id, 404 if path.startswith("/v1/books/") else 200)
        echoed = self.echo_id and ("x-request-id" in headers or self.make_id)
        out = {"x-request-id": request_id} if echoed else {}
        if path.startswith("/v1/books/"):
            return httpx.Response(404, content=json.dumps(PROBLEM).encode(), request=request,
                                  headers={"content-type": "application/problem+json", **out})
        return httpx.Response(200, json={"items": []}, request=request, headers=out)

    def _log(self, request_id: str, status: int) -> None:
        line = (json.dumps({"level": "warn", "request_id": request_id, "status": status}) if self.json_logs
                else f"GET {status} id={request_id}")
        if self.log_delay_s:
            threading.Timer(self.log_delay_s, self.lines.append, [line]).start()
        else:
            self.lines.append(line)

    # -- app ----------------------------------------------------------------------------
    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.lines[-lines:])

    def log_mark(self) -> dict[tuple[int, float], int]:
        return {(1, 0.0): len(self.lines)}

    def log_since(self, mark: dict[tuple[int, float], int]) -> list[str]:
        return self.lines[mark[(1, 0.0)]:]

    def startup_log(self) -> list[str]:
        return self.lines[:self.ready]


def context(app: FakeApp) -> CheckContext:
    return CheckContext(http=app, app=app, run_id="rtest", seed=3)  # type: ignore[arg-type]


def test_metrics_that_count_every_request_pass() -> None:
    performance_metrics_are_exposed(context(FakeApp()))


def test_metrics_that_do_not_grow_fail_with_the_deltas() -> None:
    with pytest.raises(Failure, match="did not count the 25 requests") as info:
        performance_metrics_are_exposed(context(FakeApp(count=False)))
    assert info.value.actual == "http_requests_total +0"


def test_json_logs_with_the_request_id_pass_even_when_the_line_arrives_late() -> None:
    errors_are_handled_and_logged_as_json(context(FakeApp()))
    started = time.monotonic()
    errors_are_handled_and_logged_as_json(context(FakeApp(log_delay_s=0.3)))
    assert time.monotonic() - started < structured_logging.LOG_WAIT_S


def test_text_logs_fail_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(structured_logging, "LOG_WAIT_S", 0.2)
    with pytest.raises(Failure, match="no JSON log line carries the request id"):
        errors_are_handled_and_logged_as_json(context(FakeApp(json_logs=False)))


def test_a_missing_request_id_header_fails_first() -> None:
    with pytest.raises(Failure, match="does not carry the request's X-Request-Id"):
        errors_are_handled_and_logged_as_json(context(FakeApp(echo_id=False)))


def test_json_lines_skips_blanks_and_the_buffers_own_marker() -> None:
    parsed, other = _json_lines('{"a": 1}\n\n… (12 lines not kept) …\nplain text\n[1, 2]\n')
    assert parsed == [{"a": 1}]
    assert other == ["plain text", "[1, 2]"]


def test_a_request_without_an_id_must_get_one_of_the_apps() -> None:
    with pytest.raises(Failure, match="a request sent without X-Request-Id gets none back"):
        errors_are_handled_and_logged_as_json(context(FakeApp(make_id=False)))


def test_plain_startup_lines_fail_whatever_traffic_came_before() -> None:
    """Judged on the startup and the check's own requests: the many JSON lines of earlier checks'
    requests do not dilute three plain startup lines."""
    for earlier in (0, 500):
        app = FakeApp(startup=("Shelf starting...", "Database: configured", "Listening on 127.0.0.1:3000"))
        for _ in range(earlier):
            app.get("/v1/books/1", headers={"x-request-id": "earlier"})
        with pytest.raises(Failure, match=r"only 21 of the 24 lines your app printed"):
            errors_are_handled_and_logged_as_json(context(app))


def test_a_stray_startup_line_is_within_the_tenth() -> None:
    errors_are_handled_and_logged_as_json(context(FakeApp(startup=("(node:7) ExperimentalWarning: ...",))))
