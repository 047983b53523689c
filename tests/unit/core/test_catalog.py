from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from harness.catalog import Catalog, load_manifest
from harness.errors import ConfigError, NothingToRun, UsageError

MILESTONES = Path("/work/shared/MILESTONES.md")


def test_every_week_of_a_track_resolves_to_its_milestone() -> None:
    catalog = Catalog.load()
    for week in (18, 19, 20):
        assert catalog.resolve(f"week-{week}", "node").slug == "database"
    assert catalog.resolve("node/week-18", None).id == "node/week-18"
    assert catalog.resolve("week-1", "postgres").slug == "architecture"
    assert catalog.resolve("production", None).id == "backend/production"


def test_catalog_rows_cover_the_tracks_without_gaps() -> None:
    catalog = Catalog.load()
    for track in ("node", "python", "java", "sql", "postgres", "mongodb"):
        weeks = sorted(lab.weeks for lab in catalog.labs if lab.track == track and lab.weeks)
        assert weeks[0][0] == 1
        for (_, last), (first, _) in itertools.pairwise(weeks):
            assert first == last + 1, f"{track}: a gap or overlap after week {last}"
    assert len(catalog.labs) == 42


def test_catalog_matches_the_milestones_document_when_present() -> None:
    if not MILESTONES.is_file():  # the catalog is the project's own; the document is a reference
        return
    ranges = set(re.findall(r"^\|\s*(?:\w+\s*\|\s*)?(\d+)-(\d+)\s*\|\s*([a-z-]+)\s*\|", MILESTONES.read_text(), re.M))
    catalog = {(str(lab.weeks[0]), str(lab.weeks[1]), lab.slug) for lab in Catalog.load().labs if lab.weeks}
    assert ranges <= catalog


@pytest.mark.parametrize(
    ("name", "track", "words"),
    [
        ("week-18", None, "ambiguous without a track"),
        ("week-33", "node", "the node track has no week 33"),
        ("databse", None, "did you mean 'database'"),
        ("node/x", None, "no lab called 'x'"),
        ("cobol/week-1", None, "unknown track"),
    ],
)
def test_resolution_errors(name: str, track: str | None, words: str) -> None:
    with pytest.raises(UsageError, match=re.escape(words)):
        Catalog.load().resolve(name, track)


def test_planned_labs_are_nothing_to_run() -> None:
    catalog = Catalog.load()
    lab = catalog.resolve("week-22", "java")
    assert not lab.available
    with pytest.raises(NothingToRun, match="planned but not built yet"):
        catalog.require_available(lab)


def test_manifest_errors(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_text('services = ["postgres"]\n')
    with pytest.raises(ConfigError, match="at least one"):
        load_manifest(path)
    path.write_text('services = ["mysql"]\n[[checks]]\nid = "a.b.c"\n')
    with pytest.raises(ConfigError, match="unknown service 'mysql'"):
        load_manifest(path)
    path.write_text('[[checks]]\nid = "a.b.c"\n[[checks]]\nid = "a.b.c"\n')
    with pytest.raises(ConfigError, match="listed twice"):
        load_manifest(path)
    path.write_text('[[checks]]\nid = "a.b.c"\npoints = -1\n')
    with pytest.raises(ConfigError, match="points must be a number"):
        load_manifest(path)


def test_every_built_lab_lists_registered_checks() -> None:
    from harness.registry import load_validators

    registry = load_validators()
    for lab in Catalog.load().labs:
        if lab.available:
            for entry in lab.manifest().checks:
                assert entry.id in registry, f"{lab.id}: {entry.id} is not a registered check"
