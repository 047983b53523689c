"""MongoDB introspection: explain() plans and the profiler's view of the app's queries.

No MongoDB server can run on the machine these labs are developed on; the plan-reading
logic here is unit-tested against documented explain() outputs, and the connection
paths are exercised against real servers by users with one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pymongo


def plan_stages(plan: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every stage of a winning plan, whatever the engine nests it under (7.0+: queryPlan)."""
    stack: list[Any] = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            if "stage" in node:
                yield node
            for key in ("queryPlan", "inputStage", "winningPlan", "executionStages"):
                if key in node:
                    stack.append(node[key])
            stack.extend(node.get("inputStages", []))
        elif isinstance(node, list):
            stack.extend(node)


def uses_collection_scan(explain: Mapping[str, Any]) -> bool:
    winning = explain.get("queryPlanner", {}).get("winningPlan", {})
    return any(stage.get("stage") == "COLLSCAN" for stage in plan_stages(winning))


def examined_ratio(explain: Mapping[str, Any]) -> float:
    stats = explain.get("executionStats", {})
    returned = max(int(stats.get("nReturned", 0)), 1)
    return int(stats.get("totalDocsExamined", 0)) / returned


class MongoProbe:
    def __init__(self, url: str, database: str) -> None:
        # Imported here: most labs have no MongoDB, and every run of theirs would pay 0.1 s for pymongo.
        import pymongo

        self.client: pymongo.MongoClient[Any] = pymongo.MongoClient(url, serverSelectionTimeoutMS=10000)
        self.db = self.client[database]

    def close(self) -> None:
        self.client.close()
