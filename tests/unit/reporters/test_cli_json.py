"""`harness labs --json` and `harness doctor --json`: the fields docs/results.md documents,
from the real catalog and this machine; the text reports say the same things."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.catalog import Catalog
from harness.cli import main

LAB_KEYS = {"id", "track", "title", "weeks", "week_label", "available"}
CHECK_KEYS = {"id", "title", "points", "hidden", "params"}


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(list(argv)) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_labs_json_lists_every_lab_and_the_checks_of_the_available_ones(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "labs", "--json")
    assert data["format"] == 1 and data["harness"]
    catalog = Catalog.load()
    assert [lab["id"] for lab in data["labs"]] == [lab.id for lab in catalog.labs]
    for lab in data["labs"]:
        if lab["available"]:
            assert set(lab) == LAB_KEYS | {"services", "checks"}, lab["id"]
            assert lab["checks"] and all(set(c) == CHECK_KEYS for c in lab["checks"])
        else:
            assert set(lab) == LAB_KEYS, lab["id"]
    planned = [lab for lab in data["labs"] if not lab["available"]]
    assert planned, "the catalog has planned labs"


def test_labs_json_of_one_lab_says_what_the_lab_sets(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "labs", "backend/production", "--json")
    (lab,) = data["labs"]
    assert lab["id"] == "backend/production" and lab["week_label"] == "capstone"
    params = [p for check in lab["checks"] for p in check["params"]]
    assert params and all({"name", "type", "default", "meaning"} <= set(p) for p in params)
    assert any("lab_value" in p for p in params), "the capstone sets parameters of its own"
    text_main = main(["labs", "backend/production"])
    text = capsys.readouterr().out
    assert text_main == 0 and all(check["id"] in text for check in lab["checks"])


def test_labs_json_of_one_track(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "labs", "--track", "sql", "--json")
    assert data["labs"] and {lab["track"] for lab in data["labs"]} == {"sql"}


def test_doctor_json_has_the_documented_fields_and_agrees_with_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "doctor", "--json")
    assert set(data) == {"format", "harness", "docker", "local", "tools", "auto", "postgres_track_servers", "leftovers"}
    assert set(data["docker"]) == {"reachable", "detail", "docker_host", "default_host", "rootless", "images"}
    assert set(data["local"]) == {"postgres", "postgres_looked_at", "postgres_wheel", "redis", "mongodb"}
    assert set(data["tools"]) == {"node", "npm", "python3", "java", "mvn", "bwrap", "wrk"}
    assert [a["services"] for a in data["auto"]] == [["postgres"], ["postgres", "redis"], ["mongodb"]]
    assert all(a["mode"] in {"docker", "local", None} for a in data["auto"])
    assert data["postgres_track_servers"]["mode"] in {"docker", "local"} and data["postgres_track_servers"]["reason"]
    assert {"temp_dirs", "cgroups", "shared_memory", "port_claims", "containers", "removed"} <= set(data["leftovers"])
    assert main(["doctor"]) == 0
    text = capsys.readouterr().out
    assert ("engine:      reachable" in text) is data["docker"]["reachable"]
    python3 = data["tools"]["python3"]
    assert python3["path"] and f"{python3['version']} ({python3['path']})" in text
    for choice in data["auto"]:
        assert f"{choice['mode'] or 'nothing'}: {choice['reason']}" in text
    servers = data["postgres_track_servers"]
    assert f"postgres track    {servers['mode']}: {servers['reason']}" in text
