"""A grading quota below what a lab's throughput check allows the app is said before grading:
the capstone's and python/week-25's prod.load.rps allow 1.4 CPUs at 1000 req/s, which their
lab.toml's cpus = 2 gives and the default of 1 does not."""

from __future__ import annotations

import pytest

from harness.catalog import Catalog
from harness.grading.quota import quota_warnings
from harness.registry import load_validators


def _warnings(lab_id: str, cpus: float) -> list[str]:
    manifest = next(lab for lab in Catalog.load().labs if lab.id == lab_id).manifest()
    return quota_warnings(manifest, load_validators(e.id for e in manifest.checks), cpus)


@pytest.mark.parametrize("lab_id", ["backend/production", "python/week-25"])
def test_a_quota_below_the_load_checks_allowance_is_said_with_the_limit_that_avoids_it(lab_id: str) -> None:
    [warning] = _warnings(lab_id, 1.0)
    assert warning.startswith("prod.load.rps allows a correct app and its databases 1.4 CPUs at the rate it asks, "
                              "more than the quota of 1 CPU each submission gets"), warning
    assert "will be inconclusive. Grade with --limit cpus=2" in warning
    assert _warnings(lab_id, 2.0) == []


def test_labs_without_a_throughput_check_ask_for_no_cpus() -> None:
    assert _warnings("node/week-18", 0.5) == []
