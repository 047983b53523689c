"""A CPU quota smaller than a lab's checks allow the app, said once before grading starts.

`harness grade` holds each submission's app and its databases to `cpus` CPUs. A check that
measures throughput allows a reasonable app some CPU at the rate it asks (prod.load.rps: 1.4 ms
of CPU a request, 1.4 CPUs at 1000 req/s: `cpus_needed` in its declaration). Under a smaller
quota it cannot judge the app and says so, inconclusive, for every correct submission
(harness/load/blame.py). The instructor hears it at the start, with the limit that avoids it.
"""

from __future__ import annotations

import math

from harness.catalog import LabManifest
from harness.registry import Registry


def quota_warnings(manifest: LabManifest, registry: Registry, cpus: float) -> list[str]:
    """One line per check of the lab that allows the app more CPUs than `cpus`."""
    warnings = []
    for entry in manifest.checks:
        if entry.id not in registry:
            continue
        spec = registry.get(entry.id)
        needed = spec.cpus_for(spec.bind(entry.params))
        if needed is None or cpus >= needed:
            continue
        enough = math.ceil(needed)
        warnings.append(
            f"{entry.id} allows a correct app and its databases {needed:.3g} CPUs at the rate it asks, more than "
            f"the quota of {cpus:g} CPU{'' if cpus == 1 else 's'} each submission gets: it cannot judge a correct "
            f"app under it and will be inconclusive. Grade with --limit cpus={enough} (or cpus = {enough} under "
            "[limits] in the policy)")
    return warnings
