"""prod.load.rps says what the failed requests were, in every verdict that shows their share."""

from __future__ import annotations

from harness.validators.production.load import errors_by_kind_line


def test_the_commonest_kinds_come_first_five_at_most() -> None:
    kinds = {"status 500": 3, "timeout": 40, "connection refused": 7, "status 429": 1, "status 502": 2,
             "connection reset": 5}
    line = errors_by_kind_line({"errors_by_kind": kinds})
    assert line == "\nerrors by kind: timeout x 40, connection refused x 7, connection reset x 5, status 500 x 3, " \
                   "status 502 x 2"


def test_a_run_without_failed_requests_adds_nothing() -> None:
    assert errors_by_kind_line({"errors_by_kind": {}}) == ""
    assert errors_by_kind_line({}) == ""
