"""Defects proven several to a run (tests/support/proof_groups.py): the plan's logic on made-up
overlays, and what laying real layer folders side by side writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.layers import lay_out, lay_step
from tests.support.proof_groups import Overlay, composable, overlay, plan, problems


def _made_up(name: str, *files: str) -> Overlay:
    return Overlay(name, Path("/nowhere") / "defects" / name, (), frozenset(files), ())


def _same_file(a: Overlay, b: Overlay) -> bool:
    return bool(a.whole & b.whole)


@pytest.mark.parametrize(("count", "runs"), [(3, 3), (6, 4), (10, 5), (23, 8)])
def test_independent_defects_take_about_the_square_root_of_twice_their_number(count: int, runs: int) -> None:
    items = [_made_up(f"check.{i:02d}", f"file{i}") for i in range(count)]
    planned = plan(items, _same_file)
    assert problems(planned) == []
    assert len(planned) == runs
    for item in items:
        holding = [run for run in planned if item in run]
        assert len(holding) == 2 or (len(holding) == 1 and holding[0] == (item,))


def test_defects_of_one_check_never_share_a_run_nor_meet_another_check_twice() -> None:
    items = [_made_up(name, name) for name in
             ("a.x", "a.x--other", "a.x--third", "b.y", "b.y--other", "c.z", "d.w", "e.v", "f.u", "g.t")]
    planned = plan(items, _same_file)
    assert problems(planned) == []
    for run in planned:
        checks = [item.check for item in run]
        assert len(checks) == len(set(checks)), run
    assert len(planned) < len(items)


def test_defects_kept_apart_and_those_that_run_alone() -> None:
    items = [_made_up(f"check.{i}", "same.sql" if i < 2 else f"file{i}") for i in range(8)]
    planned = plan(items, _same_file, alone={"check.7"})
    assert problems(planned) == []
    assert (items[7],) in planned and sum(items[7] in run for run in planned) == 1
    assert not any(items[0] in run and items[1] in run for run in planned), "they write the same file"


def test_problems_names_a_plan_that_proves_nothing_about_a_pair() -> None:
    a, b, c = (_made_up(name, name) for name in ("a.x", "b.y", "a.x--other"))
    assert problems([(a, b)]) == ["a.x is in 1 runs: alone, or in two", "b.y is in 1 runs: alone, or in two"]
    assert "two overlays of one check" in problems([(a, c), (a,), (c,)])[0]
    assert "a.x's two runs share another overlay" in problems([(a, b), (a, b)])


def _project(root: Path) -> Path:
    reference = root / "tests" / "reference"
    (reference / "src").mkdir(parents=True)
    (reference / "src" / "app.js").write_text("const a = 1;\nconst b = 2;\nconst c = 3;\n")
    (reference / "src" / "db.js").write_text("pool(10);\n")
    return reference


def _layer(root: Path, name: str, body: str, files: dict[str, str] | None = None) -> Path:
    folder = root / "tests" / "defects" / name
    folder.mkdir(parents=True)
    (folder / "layer.toml").write_text(f'base = "../../reference"\n{body}')
    for file, text in (files or {}).items():
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(text)
    return folder


def _edit(file: str, find: str, replace: str) -> str:
    return f'[[edit]]\nfile = "{file}"\nfind = "{find}"\nreplace = "{replace}"\n'


@pytest.fixture
def lab_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Layers may build only on folders under the harness's lab folders.
    monkeypatch.setattr("harness.layers.lab_roots", lambda: (tmp_path.resolve(),))
    return tmp_path


def test_edits_of_different_lines_lay_side_by_side_and_overlapping_ones_do_not(lab_root: Path) -> None:
    reference = _project(lab_root)
    first = overlay(_layer(lab_root, "a.x", _edit("src/app.js", "const a = 1;", "const a = 0;")), reference, skip=())
    second = overlay(_layer(lab_root, "b.y", _edit("src/app.js", "const c = 3;", "const c = 0;")), reference, skip=())
    third = overlay(_layer(lab_root, "c.z", _edit("src/app.js", "1;\\nconst b", "1;const b")), reference, skip=())
    whole = overlay(_layer(lab_root, "d.w", "", {"src/db.js": "pool(1000);\n"}), reference, skip=())
    assert (whole.whole, whole.edits) == (frozenset({"src/db.js"}), ())

    def text_of(name: str) -> str:
        return (reference / name).read_text()

    assert composable(first, second, text_of) and composable(first, whole, text_of)
    assert not composable(first, third, text_of), "the second edit's lines are gone once the first is made"
    target = lay_out(reference, lab_root / "laid")
    for item in (first, second, whole):
        assert item.steps is not None
        for step in item.steps:
            lay_step(step, target)
    assert (target / "src" / "app.js").read_text() == "const a = 0;\nconst b = 2;\nconst c = 0;\n"
    assert (target / "src" / "db.js").read_text() == "pool(1000);\n"
    assert not (target / "layer.toml").exists()


def test_a_defect_that_builds_on_another_project_runs_alone(lab_root: Path) -> None:
    reference = _project(lab_root)
    other = lab_root / "tests" / "other"
    (other / "src").mkdir(parents=True)
    (other / "src" / "app.js").write_text("other\n")
    folder = lab_root / "tests" / "defects" / "a.x"
    folder.mkdir(parents=True)
    (folder / "layer.toml").write_text('base = "../../other"\n')
    item = overlay(folder, reference, skip=())
    assert item.steps is None
    assert not composable(item, overlay(_layer(lab_root, "b.y", "", {"x": "1"}), reference, skip=()), lambda _: "")


def test_a_defect_over_another_labs_defect_lays_both_over_this_labs_reference(lab_root: Path) -> None:
    reference = _project(lab_root)
    earlier = lab_root / "earlier" / "defects" / "a.x"  # another lab's defect: files only
    (earlier / "src").mkdir(parents=True)
    (earlier / "src" / "db.js").write_text("pool(0);\n")
    folder = lab_root / "tests" / "defects" / "a.x"
    folder.mkdir(parents=True)
    edit = _edit("src/app.js", "const b = 2;", "")
    (folder / "layer.toml").write_text(f'base = "../../../earlier/defects/a.x"\n{edit}')
    item = overlay(folder, reference, skip=())
    assert item.steps == (earlier.resolve(), folder.resolve())
    assert (item.whole, [e.file for e in item.edits]) == (frozenset({"src/db.js"}), ["src/app.js"])
