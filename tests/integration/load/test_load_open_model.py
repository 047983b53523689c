"""The open model against real local servers, compared with an independent reference.

Timing on this kind of machine (2 shared cores, other jobs running) is noisy, so:
* the reference generator runs *at the same time* as the engine against the same
  target, so both see the same server and the same machine noise;
* tolerances are generous and absolute where values are sub-millisecond (a p95 of a
  fast endpoint moves by milliseconds between runs when a neighbour compiles);
* a comparison gets four attempts; each attempt must satisfy every bound, and the
  failure message lists every attempt's figures.
What the tests pin down is not the exact numbers but that the two measure the same thing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

from .bench_helpers import BenchRun, bench
from .conftest import StartTarget
from .load_reference import ReferenceResult, run_reference

ATTEMPTS = 4


def _side_by_side(tmp_path: Path, url: str, rate: float, seconds: float,
                  *argv: str) -> tuple[BenchRun, ReferenceResult]:
    parts = urlsplit(url)
    box: dict[str, ReferenceResult] = {}
    # The engine needs ~0.5 s to start its child: the reference covers that and more.
    thread = threading.Thread(target=lambda: box.setdefault(
        "ref", run_reference(parts.hostname or "", parts.port or 80, rate, seconds + 1.0)))
    thread.start()
    run = bench(tmp_path, url, "--rate", str(rate), "--duration", f"{seconds}s", "--quiet",
                *argv)
    thread.join()
    return run, box["ref"]


def _figures(run: BenchRun, ref: ReferenceResult) -> str:
    r = run.result
    return (f"engine p50/p95/p99 {r.get('p50_ms')}/{r.get('p95_ms')}/{r.get('p99_ms')} ms, "
            f"lag p99 {r.get('schedule_lag_p99_ms')} ms, cpu {r.get('generator_cpu_percent')}%,"
            f" sent {r.get('send_rps')}/s | reference {ref.percentile_ms(50):.2f}/"
            f"{ref.percentile_ms(95):.2f}/{ref.percentile_ms(99):.2f} ms")


def test_holds_1000_rps_with_little_cpu_and_matches_the_reference(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target()
    seen = []
    for attempt in range(ATTEMPTS):
        # --max-lag 25ms: 10 ms (the default) is exceeded now and then on this shared
        # host by scheduling noise alone; the claim here is "holds the rate", judged by
        # the engine's own verdict, with the reference as the check on its figures.
        run, ref = _side_by_side(tmp_path / str(attempt), url, 1000, 5.0, "--ramp-up", "1s",
                                 "--max-lag", "25ms")
        result = run.result
        assert run.code in (0, 1), run.explain()
        seen.append(_figures(run, ref) + f" verdict {result['verdict']}")
        print(seen[-1])
        held = (result["verdict"] == "pass" and result["send_rps"] >= 970
                and result["achieved_rps"] >= 970 and result["errors"] == 0)
        # "Well under one core": measured 12-20% here; 50% leaves room for a noisy host.
        light = result["generator_cpu_percent"] < 50
        # On a sub-millisecond target the tail is the host's scheduling noise, not the
        # server: the reference's own p99 moved from 1.2 to 49 ms between runs minutes
        # apart here. So p50 is held to 1.5 ms, p95 to 8 ms or 50%, and p99 only to
        # 25 ms or a factor 2; the stalling-target test below checks the tail where the
        # server sets it (agreement within a few percent there).
        p50_gap = abs(result["p50_ms"] - ref.percentile_ms(50))
        p95_gap = abs(result["p95_ms"] - ref.percentile_ms(95))
        p99_gap = abs(result["p99_ms"] - ref.percentile_ms(99))
        close = (p50_gap <= 1.5
                 and p95_gap <= max(8.0, 0.5 * max(result["p95_ms"], ref.percentile_ms(95)))
                 and p99_gap <= max(25.0, max(result["p99_ms"], ref.percentile_ms(99)) / 2))
        if held and light and close:
            return
    raise AssertionError("no attempt held 1000 req/s with the reference's percentiles:\n"
                         + "\n".join(seen))


def test_percentiles_match_the_reference_on_a_stalling_target(
    tmp_path: Path, start_target: StartTarget
) -> None:
    # Blocks its loop 300 ms after every 1.5 s: ~17% of the time. Both generators see
    # the same stalls, so their tails must agree although each stall is a cliff.
    url = start_target(stall_every="1.5s", stall_for="300ms")
    seen = []
    for attempt in range(ATTEMPTS):
        run, ref = _side_by_side(tmp_path / str(attempt), url, 500, 5.0, "--max-lag", "50ms")
        result = run.result
        seen.append(_figures(run, ref))
        print(seen[-1])
        stalled = result["p99_ms"] >= 200 and ref.percentile_ms(99) >= 200
        close = all(abs(result[f"p{q}_ms"] - ref.percentile_ms(q))
                    <= max(30.0, 0.2 * ref.percentile_ms(q)) for q in (95, 99))
        if stalled and close:
            return
    raise AssertionError("the engine's tail did not match the reference's:\n" + "\n".join(seen))


def test_two_workers_split_the_rate_and_merge_exactly(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target()
    run = bench(tmp_path, url, "--rate", "600", "--duration", "3s", "--workers", "2",
                "--max-lag", "50ms", "--quiet")
    assert run.code in (0, 1), run.explain()
    result = run.result
    roles = sorted(p["role"] for p in result["generator"]["processes"])
    assert roles == ["open worker 0", "open worker 1"]
    # Each worker sends every other request of one schedule: 600/s x 3 s in total.
    assert result["requests"] == 1800
    assert sum(row["sent"] for row in result["timeline"]) == 1800
    assert result["verdict"] != "fail", run.explain()
