"""MongoDB support tested without a server: plan reading against explain() outputs as the
MongoDB manual documents them, URLs, and the errors of the external mode."""

from __future__ import annotations

import re

import pytest

from harness.errors import EnvironmentProblem
from harness.introspect.mongo import examined_ratio, plan_stages, uses_collection_scan
from harness.runner.session import _mongo_database_url
from harness.services import simple

# Classic engine (the manual's "explain results" example, trimmed): FETCH over IXSCAN.
CLASSIC_IXSCAN = {
    "queryPlanner": {
        "namespace": "test.inventory",
        "winningPlan": {
            "stage": "FETCH",
            "inputStage": {"stage": "IXSCAN", "keyPattern": {"quantity": 1}, "indexName": "quantity_1",
                           "direction": "forward", "indexBounds": {"quantity": ["[100.0, 200.0]"]}},
        },
        "rejectedPlans": [],
    },
    "executionStats": {"nReturned": 3, "executionTimeMillis": 0, "totalKeysExamined": 3, "totalDocsExamined": 3},
}
# Slot-based engine (7.0+): the tree sits under winningPlan.queryPlan.
SBE_COLLSCAN = {
    "queryPlanner": {
        "winningPlan": {"queryPlan": {"stage": "COLLSCAN", "filter": {"quantity": {"$gte": 100}},
                                      "direction": "forward"},
                        "slotBasedPlan": {"slots": "..."}},
    },
    "executionStats": {"nReturned": 3, "totalKeysExamined": 0, "totalDocsExamined": 10},
}
# A sort merging two index scans (inputStages, plural).
OR_PLAN = {"queryPlanner": {"winningPlan": {"stage": "SUBPLAN", "inputStage": {"stage": "OR", "inputStages": [
    {"stage": "IXSCAN", "indexName": "a_1"}, {"stage": "COLLSCAN"}]}}}}


def test_plan_stages_walk_every_engine_shape() -> None:
    assert [s["stage"] for s in plan_stages(CLASSIC_IXSCAN["queryPlanner"]["winningPlan"])] == ["FETCH", "IXSCAN"]
    assert [s["stage"] for s in plan_stages(SBE_COLLSCAN["queryPlanner"]["winningPlan"])] == ["COLLSCAN"]
    assert {s["stage"] for s in plan_stages(OR_PLAN["queryPlanner"]["winningPlan"])} == {"SUBPLAN", "OR", "IXSCAN",
                                                                                         "COLLSCAN"}


def test_collection_scans_and_examined_ratio() -> None:
    assert not uses_collection_scan(CLASSIC_IXSCAN)
    assert uses_collection_scan(SBE_COLLSCAN) and uses_collection_scan(OR_PLAN)
    assert examined_ratio(CLASSIC_IXSCAN) == 1.0
    assert examined_ratio(SBE_COLLSCAN) == pytest.approx(10 / 3)
    assert examined_ratio({"executionStats": {"nReturned": 0, "totalDocsExamined": 5}}) == 5.0


def test_the_app_gets_its_own_database_in_the_url() -> None:
    assert _mongo_database_url("mongodb://127.0.0.1:27017", "shelf_r1") == "mongodb://127.0.0.1:27017/shelf_r1"
    assert (_mongo_database_url("mongodb://u:p@127.0.0.1:5555", "shelf_r1")
            == "mongodb://u:p@127.0.0.1:5555/shelf_r1?authSource=admin")
    assert (_mongo_database_url("mongodb://u:p@h:1/?replicaSet=rs0", "db")
            == "mongodb://u:p@h:1/db?replicaSet=rs0&authSource=admin")


def test_external_mongodb_errors_are_clear_and_quick() -> None:
    with pytest.raises(EnvironmentProblem, match="must start with mongodb://"):
        simple.external("mongodb", "http://localhost:27017")
    with pytest.raises(EnvironmentProblem, match=re.escape("cannot reach the mongodb at mongodb://127.0.0.1:1")):
        simple.external("mongodb", "mongodb://127.0.0.1:1")


def test_local_mongod_missing_lists_what_was_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simple, "_SEARCH_DIRS", ())
    monkeypatch.setenv("PATH", "/nonexistent")
    binary, tried = simple.find_binary("mongodb")
    assert binary is None and tried == ["PATH: no mongod"]
