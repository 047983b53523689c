"""node/week-05's parts that need no node: the generated log's known totals, the totals'
comparison, the percentile, the held health requests, and the peak RSS a ManagedProcess reads
when it reaps its leader."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from harness.outcomes import Failure, Passed
from harness.proc.process import ManagedProcess
from harness.registry import CheckContext
from harness.validators.internals import hash as hash_module
from harness.validators.internals.access_log import Totals, plan
from harness.validators.internals.aggregate import _differences
from harness.validators.internals.hash import Probe, _Answer, expected_hash, held, percentile

# The README's pattern, in Python's syntax.
REQUEST = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "\S+ \S+ \S+" (\d{3}) (\d+|-)(?: .*)?$')


def _parsed(data: bytes) -> Totals:
    found = Totals()
    for line in data.decode().split("\n"):
        if not line:
            continue
        match = REQUEST.match(line)
        if match is None:
            found.malformed += 1
            continue
        found.requests += 1
        found.bytes += 0 if match[2] == "-" else int(match[2])
        found.status[match[1]] += 1
    return found


def _written(seed: int, size_mb: int) -> bytes:
    out = io.BytesIO()
    plan(seed, size_mb).write(out)
    return out.getvalue()


def test_the_known_totals_are_what_a_parser_of_the_readme_finds() -> None:
    log = plan(7, 3)
    data = _written(7, 3)
    assert len(data) == log.size_bytes
    assert not data.endswith(b"\n"), "the last line has no newline"
    assert _parsed(data).as_json() == log.totals().as_json()
    totals = log.totals()
    assert totals.malformed > 0 and totals.requests > 10_000 and len(totals.status) > 5
    assert b"\n\n" in data, "empty lines, which count for nothing"
    assert Counter(log.order) != Counter({log.order[0]: len(log.order)}), "several chunks, in a mix"


def test_the_seed_decides_the_file() -> None:
    assert _written(3, 2) == _written(3, 2)
    assert plan(3, 8).totals().as_json() != plan(4, 8).totals().as_json()


def test_differences_name_each_wrong_total() -> None:
    expected = {"requests": 10, "bytes": 500, "malformed": 1, "status": {"200": 9, "404": 1}}
    assert _differences(dict(expected), expected) == []
    assert _differences({**expected, "status": {"200": 9, "404": 1, "500": 0}}, expected) == []
    wrong = _differences({"requests": 10, "bytes": 500.0, "status": {"200": 10}}, expected)
    assert wrong == ["bytes: 500.0 (expected 500)", "malformed: missing (expected 1)",
                     "status 200: 10 (expected 9)", "status 404: 0 (expected 1)"]


def test_the_percentile_is_the_nearest_rank() -> None:
    assert percentile([0.001] * 95 + [1.0] * 5) == 0.001, "five slow answers in a hundred pass a p95"
    assert percentile([0.001] * 94 + [1.0] * 6) == 1.0
    assert percentile([0.001] * 99 + [1.0], 99) == 0.001


def _probes(*pairs: tuple[float, float]) -> list[Probe]:
    return [Probe(sent / 1000, answered / 1000) for sent, answered in pairs]


def test_a_request_a_busy_process_held_while_others_were_answered_is_held() -> None:
    # A cluster worker hashing: the request it took waits 400 ms; three sent after it come back at once.
    found = held(_probes((0, 400), (10, 14), (40, 43), (70, 75)), bound=0.2)
    assert [probe.seconds for probe in found] == [0.4]
    # One request answered meanwhile is not enough to say so.
    assert held(_probes((0, 400), (10, 14), (250, 255)), bound=0.2) == []


def test_a_stalled_event_loop_answers_in_order_and_holds_nothing() -> None:
    # The machine took the loop's core for 300 ms: every request waiting then comes back at its end,
    # the earlier ones first (the p95 judges these).
    assert held(_probes((0, 300), (5, 301), (10, 301), (15, 302)), bound=0.2) == []
    # Fast answers are never held, however many overtook them.
    assert held(_probes((0, 150), (10, 14), (40, 43), (70, 75)), bound=0.2) == []
    assert percentile([0.5] + [0.001] * 18) == 0.5, "under twenty samples it is the largest"


def test_the_peak_rss_of_a_reaped_leader_counts_its_children(tmp_path: Path) -> None:
    grow = "x = bytearray(96 * 2**20); x[::4096] = b'1' * len(x[::4096])"
    process = ManagedProcess("grow", ["/bin/sh", "-c", f'"{sys.executable}" -c "{grow}"; true'], cwd=tmp_path,
                             env=dict(os.environ))
    process.start()
    assert process.wait_exit(30) == 0
    assert process.stop() == 0
    assert process.peak_rss_bytes is not None and process.peak_rss_bytes > 96 * 2**20


def test_the_totals_are_read_on_one_line_or_indented() -> None:
    from harness.validators.internals.aggregate import _ran_to_the_end
    from harness.validators.internals.aggregator_run import AggregatorRun

    def run(output: str) -> AggregatorRun:
        return AggregatorRun(command="node a.js access.log", size_bytes=1, expected=Totals(), code=0, output=output,
                             seconds=0.1, peak_rss_bytes=1, seed=1)

    class Ctx:
        seed = 1

    one = '{"requests": 1, "bytes": 2, "malformed": 0, "status": {"200": 1}}'
    indented = json.dumps(json.loads(one), indent=2)
    for output in (f"reading\n{one}\n", f"{indented}\n", f'{{"note": 1}}\n{indented}'):
        assert _ran_to_the_end(Ctx(), run(output), "x")["requests"] == 1  # type: ignore[arg-type]


# --- internals.hash.nonblocking's verdict over rounds (the HTTP parts replaced) -----------------

def _nonblocking_with_rounds(monkeypatch: pytest.MonkeyPatch, rounds: list[list[Probe]]) -> Passed:
    """Run the check with t1 = 0.4 s (bound 0.2) and these rounds' probes; every hash right (1000
    iterations: hashlib's own, cheap)."""
    left = list(rounds)

    def hash_once(_base: str, password: str, salt: str, iterations: int) -> tuple[_Answer, float]:
        return _Answer(200, expected_hash(password, salt, iterations), salt), 0.4

    def busy_round(_base: str, _host: str, _port: int, password: str, iterations: int,
                   concurrency: int) -> tuple[list[_Answer], list[Probe], float]:
        answers = [_Answer(200, expected_hash(password, salt, iterations), salt)
                   for salt in (f"s{n}" for n in range(concurrency * hash_module.ROUNDS))]
        return answers, left.pop(0), 1.0

    monkeypatch.setattr(hash_module, "_hash_once", hash_once)
    monkeypatch.setattr(hash_module, "_busy_round", busy_round)
    http = SimpleNamespace(base_url="http://127.0.0.1:1")
    ctx = CheckContext(http=cast(Any, http), app=cast(Any, None), run_id="r1", seed=1, lab_id="node/week-05",
                       params={"iterations": 1000})
    try:
        outcome = hash_module.health_stays_fast_while_hashing(ctx)
    finally:
        assert left == [], "every round the test gave was run"
    assert isinstance(outcome, Passed)
    return outcome


def _round(*held_ms: float) -> list[Probe]:
    """Forty quick probes, and one held probe (overtaken by the quick ones) per figure."""
    quick = _probes(*((n * 10, n * 10 + 5) for n in range(40)))
    return quick + _probes(*((1, 1 + ms) for ms in held_ms))


def test_a_round_that_holds_no_probe_is_not_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    figures = _nonblocking_with_rounds(monkeypatch, [_round()]).figures or {}
    assert figures["health_held"] == 0 and "health_held_again" not in figures


def test_one_held_probe_alone_is_judged_by_a_round_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stall of the machine: one probe in the first round, none in the second.
    passed = _nonblocking_with_rounds(monkeypatch, [_round(250), _round()])
    assert (passed.figures or {})["health_held_again"] == 0
    assert "one held in the first round (250 ms), none in a round run again" in passed.message
    # A hashing worker holds again: the check fails, naming both rounds.
    with pytest.raises(Failure) as failed:
        _nonblocking_with_rounds(monkeypatch, [_round(250), _round(300)])
    assert "1 of 41 GET /health waited" in str(failed.value.message)
    assert "and 1 more in a round run again" in str(failed.value.message)


def test_two_held_probes_in_one_round_fail_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Failure) as failed:
        _nonblocking_with_rounds(monkeypatch, [_round(250, 400)])
    assert "2 of 42 GET /health waited" in str(failed.value.message)
    assert "run again" not in str(failed.value.message)
