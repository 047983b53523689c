"""Failing tests named from real runner output (captured from node 20, pytest, go, Maven Surefire 3, Jest 29)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.runner.testlog import MAX_FAILURES, FailureDigest

LOGS = Path(__file__).parent / "testlogs"


def digest_of(text: str) -> FailureDigest:
    digest = FailureDigest()
    for line in text.splitlines():
        digest.add(line)
    return digest


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ("node-tap.txt", [("inner fails", "/tmp/nt/a.test.js:4:38", "105 !== 100"),
                          ("throws", "/tmp/nt/a.test.js:5:1", "boom")]),
        ("node-spec.txt", [("inner fails", "", "Expected values to be strictly equal"), ("outer", "", None),
                           ("throws", "", "Error: boom")]),
        ("pytest.txt", [("test_a.py::test_bad", "", "assert (1 + 1) == 3"),
                        ("test_a.py::TestX::test_method", "", "ValueError: nope")]),
        ("go.txt", [("TestBad", "", "got 1, want 2")]),
        ("surefire.txt", [("AppTest.bad:6", "", "expected: <100> but was: <105>"),
                          ("AppTest.boom:7", "", "IllegalState nope")]),
        # A failing assertion in a helper of a base class: Surefire names the test, then the helper.
        ("surefire-helper.txt", [("BooksTest.aBookWithLoansCanBeDeleted:206", "",
                                  "Response status expected:<404> but was:<200>"),
                                 ("BooksTest.anInvalidFieldIsA422NamingIt:166", "",
                                  "Response status expected:<422> but was:<500>")]),
        # Vitest 4: two tests failed with the same error, their FAIL lines together above it.
        ("vitest-grouped.txt", [
            ("tests/api/books.test.js > GET /v1/books/{id} > answers 404 for 999999999999", "",
             "AssertionError: null: expected 200 to be 404"),
            ("tests/api/books.test.js > GET /v1/books/{id} > answers 404 for 9223372036854775807", "",
             "AssertionError: null: expected 200 to be 404"),
            ("tests/api/books.test.js > GET /v1/books/{id} > answers 404 for a book that was deleted", "",
             "AssertionError: null: expected 200 to be 404")]),
        ("jest.txt", [("limits › lets 100 through", "", "expect(received).toBe(expected)")]),
        ("vitest.txt", [("tests/a.test.mjs > limits > lets 100 through", "", "expected 105 to be 100"),
                        ("tests/a.test.mjs > limits > throws", "", "Error: boom")]),
    ],
)
def test_failing_tests_are_named_with_their_error(log: str, expected: list[tuple[str, str, str | None]]) -> None:
    failed = digest_of((LOGS / log).read_text()).failures()
    assert [(t.name, t.location) for t in failed] == [(name, where) for name, where, _ in expected]
    for test, (_, _, error) in zip(failed, expected, strict=True):
        if error is None:
            assert test.error == []
        else:
            assert any(error in line for line in test.error), test.error


def test_a_tap_parent_of_failed_subtests_is_not_repeated() -> None:
    names = [t.name for t in digest_of((LOGS / "node-tap.txt").read_text()).failures()]
    assert "outer" not in names


def test_passing_output_names_nothing() -> None:
    digest = digest_of("TAP version 13\nok 1 - passes\n  ---\n  duration_ms: 1\n  ...\n1..1\n# pass 1\n# fail 0\n"
                       "=========== 3 passed in 0.1s ===========\n[INFO] Tests run: 3, Failures: 0, Errors: 0\n")
    assert digest.failures() == []
    assert digest.summary() == ""


def test_a_long_list_is_cut_and_counted() -> None:
    text = "\n".join(f"FAILED tests/test_x.py::test_{i} - assert 0" for i in range(MAX_FAILURES + 3))
    summary = digest_of(text).summary()
    assert summary.startswith(f"{MAX_FAILURES + 3} failing tests:")
    assert summary.count("✗") == MAX_FAILURES
    assert summary.endswith("… and 3 more")


def test_a_run_cut_off_inside_a_failure_still_names_it() -> None:
    # A test run killed at its time limit stops mid-block: the open record still counts.
    failed = digest_of("not ok 4 - hangs on the pool\n  ---\n  location: '/p/t.test.js:9:1'\n").failures()
    assert [(t.name, t.location) for t in failed] == [("hangs on the pool", "/p/t.test.js:9:1")]


def test_pytest_collection_errors_are_named() -> None:
    failed = digest_of("ERROR tests/test_api.py - ModuleNotFoundError: No module named 'app'\n").failures()
    assert [(t.name, t.error) for t in failed] == [
        ("tests/test_api.py", ["ModuleNotFoundError: No module named 'app'"])]
