"""How much slower one core of this machine is than the one the load checks' CPU allowances
were measured on (prod.load.rps's `cpu_ms`: the capstone's reference used 0.61-0.81 ms of CPU
per request there).

An allowance in milliseconds of CPU holds only on a core of that speed: on a core half as fast,
a correct app uses twice the CPU time per request, and a saturated machine would put the miss
down to the app ("it used more CPU than a reasonable app") when the machine is the one that is
not enough. So the check scales its allowance by the slowdown this module measures: the thread
CPU time of a fixed piece of work (zlib, plain C: the same whatever Python runs it), the least
of a few tries, against what it took on the reference machine. Thread CPU time leaves out the
time spent waiting for a core, so a busy machine does not look slow; a core busy with a sibling
hyperthread's work does run slower, and the least of the tries keeps that small (measured: the
same figure idle and under the test suite's three workers). A faster machine, or one within 10%
of the baseline, keeps the allowance as it is (the factor is never below 1), and a measurement
far off the scale is capped: the allowance is never stretched past what could still tell a
costly app.
"""

from __future__ import annotations

import functools
import random
import time
import zlib

# The work: zlib at level 6 of SAMPLE_WORDS words, CPU seconds of the thread, least of REPEATS.
SAMPLE_WORDS = 120_000
REPEATS = 5
# Measured on the machine kind the allowances come from (2 cores, Debian 12): 27.8-28.0 ms idle,
# 27.9-29.1 ms with the test suite's three workers busy on both cores (six runs each).
BASELINE_S = 0.028
MAX_SLOWDOWN = 3.0
# Below this the machine counts as the baseline's: its own tries spread by a few percent.
DEAD_BAND = 1.1

_WORDS = ("shelf", "book", "loan", "member", "author", "copies", "title", "isbn", "return", "page",
          "limit", "cursor", "tag", "year", "2024", "available", "total", "due", "overdue", "id")


def _sample() -> bytes:
    rng = random.Random(20261207)
    return " ".join(rng.choices(_WORDS, k=SAMPLE_WORDS)).encode()


def work_seconds(sample: bytes | None = None, repeats: int = REPEATS) -> float:
    """The least thread CPU time the work took over `repeats` tries."""
    data = sample if sample is not None else _sample()
    best = float("inf")
    for _ in range(repeats):
        started = time.thread_time()
        zlib.compress(data, 6)
        best = min(best, time.thread_time() - started)
    return best


def factor(seconds: float, baseline_s: float = BASELINE_S) -> float:
    """The slowdown for work that took `seconds` here: 1 at the baseline's speed or faster."""
    ratio = seconds / baseline_s
    return 1.0 if ratio < DEAD_BAND else min(MAX_SLOWDOWN, ratio)


@functools.cache
def slowdown() -> float:
    """How many times slower than the reference machine's a core of this one is (measured once
    per process: a few tens of milliseconds)."""
    return factor(work_seconds())
