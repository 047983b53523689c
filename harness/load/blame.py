"""Who an inconclusive load run is to blame on, from where the machine's CPU went.

The generator judges itself (result.py): when it lagged or could not send the rate and the
app's thresholds were missed, its own figures cannot tell a slow app from a slow generator.
On a small machine the generator, the app, its databases and everything else share the
cores, so the question is who had them (cpusplit.py):

* the machine had idle CPU: the generator hit a limit of its own (one process at a full
  core, a connection cap): inconclusive, and "the load generator, not your app" is true;
  unless the app waited for a CPU much of the time while something outside the run took
  more than its share: idle on average, the others came in bursts, and they are named;
* the machine was saturated and the app with its databases used more CPU than the check
  allows a reasonable implementation at the rate asked (its CPU per request times the rate):
  the app's failure, since the generator waited for a CPU the app was using;
* saturated, the app within its allowance: whoever took the rest is named: the harness's
  own processes, or something outside the run; when neither took more than its share the
  machine is too small for the rate. Inconclusive in each case, never the app's failure;
* the app held to a CPU quota of its own (the grading jail's `cpus`, a container's --cpus)
  that stopped it often (cpusplit's app_quota): the quota is its machine, saturated whatever
  the host's idle cores say. Beyond its allowance the app is to blame; within it, the quota
  is (inconclusive, with the CPUs to give it). The host's idle cores alone would put a slow
  run down to the generator, and a miss by far to the app; the quota's own count tells who
  held it (its wait for a CPU, schedstat's run delay, may or may not count the throttled
  time, by kernel: on this machine's it did).

The same applies to a run the generator kept up with but whose thresholds the app missed
narrowly on a saturated machine; and to a miss by far when the app's instances waited for a
CPU much of the time, or their quota stopped them often (`app_starved`), while their CPU per
request served stayed within twice the allowance (`starved_within_cost`): an app that sleeps
or blocks on its own misses by far without waiting for a CPU, and one that spends far more
CPU on each request than allowed misses by far whoever else wanted the cores; both stay
the app's failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.load.cpusplit import APP_SIDE, HARNESS_SIDE, OUTSIDE, SERVICES_SIDE, cores_phrase

# Below this share of idle CPU (percent of all cores, stolen time aside) the machine had no
# core to spare: whoever waited, waited for a CPU someone else was using.
SATURATED_IDLE_PERCENT = 10.0
# The harness (its process and the generator) may use up to this share of the machine's
# cores before a saturated machine is put down to it; outside the run, this much.
HARNESS_SHARE = 1 / 3
OUTSIDE_SHARE = 0.10

APP, HARNESS, OUTSIDE_RUN, MACHINE, GENERATOR_ALONE = "app", "harness", "outside", "machine", "generator"
# A CPU quota of the app's own (the grading jail's cpus, a container's --cpus) below what the
# check allows it: the app's latency is the quota's as much as its own.
QUOTA = "quota"
# How the reason of a QUOTA blame begins: the grader reads it to know that grading the check again,
# alone, would meet the same quota (harness/grading/rerun.py).
QUOTA_HELD = "your app was held back by its own CPU quota"
# A saturated machine the app did not saturate: a narrow miss there is not the app's (the
# generator alone, with idle CPU, is no excuse for the app's own latency).
NOT_THE_APP = frozenset({HARNESS, OUTSIDE_RUN, MACHINE, QUOTA})
# The app's main threads (summed) spent at least this share of the window runnable but without a
# CPU: its latency then holds others' CPU time too, and even a miss by far may be theirs.
STARVED_PERCENT = 20.0
# The app's own quota stopped it in at least this share of its enforcement periods: it was held
# back often enough that its latency says as much about the quota as about the app.
THROTTLED_PERCENT = 20.0
# A starved app's CPU per request served rises (more requests in flight, each switched in and out):
# the capstone's reference used 1.47 ms starved (its instances waiting for a CPU 73% of the time)
# against 0.61-0.81 ms otherwise, python/week-25's 0.95-1.12 ms whether it waited 27% or not. Past
# this many times the allowance its wait for a CPU does not explain its miss: python/week-25's
# starter (one single-threaded process) used 4.2-8.9 ms per request served, starved or not, and
# misses by far on any machine; its one core stays within a 2-core allowance, so the app's CPU at
# the rate asked alone would excuse it whenever something else saturated the machine.
STARVED_COST_FACTOR = 2.0


def app_starved(split: Mapping[str, Any] | None) -> bool:
    """Whether the app's instances waited long for a CPU during the load (schedstat's run delay), or
    their own CPU quota stopped them often (cgroupcpu.py)."""
    if not split:
        return False
    held = float((split.get("app_quota") or {}).get("throttled_percent", 0.0))
    return float(split.get("waited", {}).get(APP_SIDE, 0.0)) >= STARVED_PERCENT or held >= THROTTLED_PERCENT


def starved_within_cost(split: Mapping[str, Any] | None, requests_per_s: float, budget_ms: float) -> bool:
    """Whether the app was starved (`app_starved`) while its CPU per request served stayed within
    STARVED_COST_FACTOR times the allowance: only then may its wait for a CPU explain a miss."""
    if not app_starved(split):
        return False
    per_request = app_cpu_ms_per_request(split or {}, requests_per_s)
    return per_request is None or per_request <= STARVED_COST_FACTOR * budget_ms


@dataclass(frozen=True)
class Blame:
    party: str  # APP (a failure), HARNESS, OUTSIDE_RUN, MACHINE, QUOTA or GENERATOR_ALONE (inconclusive)
    reason: str
    app_cpu_ms_per_request: float | None


def app_cpu_ms_per_request(split: Mapping[str, Any], requests_per_s: float) -> float | None:
    """CPU the app's instances and its databases used per request served (ms of one core)."""
    sides = split.get("sides") or {}
    if requests_per_s <= 0 or not sides:
        return None
    return (float(sides.get(APP_SIDE, 0.0)) + float(sides.get(SERVICES_SIDE, 0.0))) * 10.0 / requests_per_s


def quota_cpus(allowance_percent: float, quota_cores: float) -> int:
    """The CPUs to give an app whose quota held it back: enough for the check's allowance, and more
    than it had (its bursts met the quota within the allowance)."""
    return max(1, math.ceil(allowance_percent / 100.0), math.floor(quota_cores) + 1)


def quota_advice(allowance_percent: float, quota_cores: float) -> str:
    """Why a quota that stopped the app leaves its latency unjudged, and the CPUs to give instead."""
    cpus = quota_cpus(allowance_percent, quota_cores)
    if quota_cores * 100.0 < allowance_percent:
        why = (f"the check allows a reasonable app {allowance_percent:.0f}% of a core at this rate, more than the "
               "quota gives")
    else:
        why = "its bursts met the quota while its CPU over the whole load stayed within the check's allowance"
    return f"{why}, so its latency is not judged under it: give it {cpus} CPU{'' if cpus == 1 else 's'}"


def blame(split: Mapping[str, Any] | None, result: Mapping[str, Any], *, budget_ms: float,
          reference_ms: float | None = None) -> Blame:
    """Who took the CPU in an inconclusive run (see the module's docstring)."""
    if not split or not split.get("sides"):
        return Blame(GENERATOR_ALONE, "the CPU of this run's processes could not be read (no /proc): the "
                     "load generator could not keep its schedule", None)
    sides = split["sides"]
    cores = max(float(split.get("cores", 1)), 0.1)  # the cores this run may use (allotment.py)
    rate = float(result.get("achieved_rps") or 0.0)
    per_request = app_cpu_ms_per_request(split, rate)
    used = (f"the app's instances used {sides.get(APP_SIDE, 0):.0f}% and its databases "
            f"{sides.get(SERVICES_SIDE, 0):.0f}% of a core, the harness {sides.get(HARNESS_SIDE, 0):.0f}%, "
            f"outside the run {sides.get(OUTSIDE, 0):.0f}% (this machine: {cores_phrase(cores)})")
    reference = f"; the reference implementation uses about {reference_ms:.2f} ms" if reference_ms else ""
    # The app's side against what the allowance gives it at the rate asked (not per request served:
    # an app that serves few requests divides its idle work over few, and a starved app never gets
    # the CPU it would need; neither proves it costly).
    app_used = float(sides.get(APP_SIDE, 0.0)) + float(sides.get(SERVICES_SIDE, 0.0))
    target = float(result.get("target_rps") or rate)
    allowance = budget_ms * target / 10.0
    served = f" ({per_request:.2f} ms per request served)" if per_request is not None else ""

    def costly(situation: str, consequence: str) -> Blame:
        return Blame(APP, f"{situation} your app with its databases used {app_used:.0f}% of a core{served}, more "
                     f"than the {allowance:.0f}% that {budget_ms:.2f} ms of CPU per request allows at {target:g} "
                     f"req/s{reference}: {consequence}; {used}", per_request)

    held = split.get("app_quota") or {}
    if float(held.get("throttled_percent", 0.0)) >= THROTTLED_PERCENT:
        # The quota is the app's machine, saturated whatever the host's idle cores say.
        quota = (f"held to a CPU quota of {cores_phrase(float(held['cores']))} (its cgroup's), which stopped it in "
                 f"{float(held['throttled_percent']):.0f}% of its periods")
        if app_used > allowance:
            return costly(f"the app was {quota}, and", "the quota was not what made it slow")
        return Blame(QUOTA, f"{QUOTA_HELD}: {cores_phrase(float(held['cores']))} (its cgroup's), which stopped it in "
                     f"{float(held['throttled_percent']):.0f}% of its periods: "
                     f"{quota_advice(allowance, float(held['cores']))}; within it, your app with its databases used "
                     f"{app_used:.0f}% of a core{served}; {used}", per_request)
    outside_over = float(sides.get(OUTSIDE, 0.0)) - 100.0 * cores * OUTSIDE_SHARE
    waited = float(split.get("waited", {}).get(APP_SIDE, 0.0))
    if (waited >= STARVED_PERCENT and outside_over > 0 and app_used <= allowance
            and (per_request is None or per_request <= STARVED_COST_FACTOR * budget_ms)):
        # Idle CPU on average, yet the app waited for a CPU: the others came in bursts. Measured:
        # a Maven build next door took 25% of a core on average, the machine idle 30%, and the
        # capstone's reference waited for a CPU 54% of the time at 1.01 ms per request (1.40 allowed).
        return Blame(OUTSIDE_RUN, f"your app waited for a CPU {waited:.0f}% of the time while something outside "
                     f"this run took {sides[OUTSIDE]:.0f}% of a core, in bursts (the machine's "
                     f"{float(split.get('idle_percent', 0.0)):.0f}% idle on average came in between), and your app "
                     f"with its databases used {app_used:.0f}% of a core, within the {allowance:.0f}% "
                     f"allowed{served}: {used}", per_request)
    if float(split.get("idle_percent", 0.0)) >= SATURATED_IDLE_PERCENT:
        return Blame(GENERATOR_ALONE, f"the machine had {split['idle_percent']:.0f}% of its CPU idle, so the load "
                     f"generator hit a limit of its own: {used}", per_request)
    if app_used > allowance:
        return costly("the machine was saturated and", "the load generator waited for CPU your app was using")
    within = f", {per_request:.2f} ms per request served" if per_request is not None else ""
    mine = f"your app with its databases used {app_used:.0f}% of a core, within the {allowance:.0f}% allowed{within}"
    harness_over = float(sides.get(HARNESS_SIDE, 0.0)) - 100.0 * cores * HARNESS_SHARE
    if outside_over > 0 and outside_over >= harness_over:
        return Blame(OUTSIDE_RUN, f"something outside this run took {sides[OUTSIDE]:.0f}% of a core while the "
                     f"machine was saturated ({mine}): {used}", per_request)
    if harness_over > 0:
        return Blame(HARNESS, f"the harness's own processes (the load generator, the checks) took "
                     f"{sides[HARNESS_SIDE]:.0f}% of a core, more than their share of "
                     f"{100 * cores * HARNESS_SHARE:.0f}%, "
                     f"while the machine was saturated ({mine}): {used}", per_request)
    these = f"{cores:g} core is" if cores == 1 else f"{cores:g} cores are"
    return Blame(MACHINE, f"this machine's {these} not enough for this rate: {mine}, the harness and "
                 f"the rest stayed within their shares, and still the machine was saturated: {used}", per_request)
