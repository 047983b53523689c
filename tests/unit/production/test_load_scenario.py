"""prod.load.rps's mix, read back by the load engine's own scenario parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.scenario import load_scenario
from harness.validators.production.load import scenario


def test_the_mix_is_95_percent_reads_and_5_percent_loans(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    borrowers = [("7", "tok.en.one"), ("8", "tok.en.two")]
    path.write_text(scenario([str(i) for i in range(1, 11)], "load-tag", borrowers, "99"))
    parsed = load_scenario(path, environ={})
    total = sum(r.weight for r in parsed.routes)
    loans = [r for r in parsed.routes if r.method == "POST"]
    assert sum(r.weight for r in loans) / total == 0.05
    reads = {r.path: r.weight / total for r in parsed.routes if r.method == "GET"}
    assert reads["/v1/books?limit=20"] == 0.30 and reads["/v1/books?tag=load-tag&limit=10"] == 0.15
    assert sum(reads.values()) == pytest.approx(0.95)


def test_the_loans_split_evenly_between_members_of_both_instances(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text(scenario(["1", "2"], "t", [("7", "tok.en.one"), ("8", "tok.en.two")], "99"))
    loans = [r for r in load_scenario(path, environ={}).routes if r.method == "POST"]
    assert [r.weight for r in loans] == [5, 5]
    assert [dict(r.headers)["Authorization"] for r in loans] == ["Bearer tok.en.one", "Bearer tok.en.two"]
    assert all(r.expect_status == (201,) for r in loans)
    assert b'"member_id": "8"' in (loans[1].body or b"") and b'"book_id": "99"' in (loans[1].body or b"")


def test_a_lab_without_accounts_sends_its_loans_without_a_token(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text(scenario(["1", "2"], "t", [("7", ""), ("8", "")], "99"))
    loans = [r for r in load_scenario(path, environ={}).routes if r.method == "POST"]
    assert [r.weight for r in loans] == [5, 5]
    assert all("Authorization" not in dict(r.headers) for r in loans)
    assert all(dict(r.headers)["Content-Type"] == "application/json" for r in loans)
