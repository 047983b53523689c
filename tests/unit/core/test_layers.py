"""Layers: a project written as the files that differ from its base (harness/layers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import layers
from harness.errors import ConfigError
from harness.layers import LAYER_FILE, chain, lab_roots, lay_out
from tests.support.projects import ROOT


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/labs plays the harness's lab folders."""
    labs = tmp_path / "labs"
    labs.mkdir()
    monkeypatch.setattr(layers, "lab_roots", lambda: (labs.resolve(),))
    return labs


def test_a_layer_is_its_base_minus_removals_plus_its_own_files(roots: Path, tmp_path: Path) -> None:
    _write(roots / "starter", {"a.js": "starter a", "b.js": "starter b", "todo.js": "todo",
                               "node_modules/x.js": "built", "src/keep.js": "kept"})
    _write(roots / "reference", {LAYER_FILE: 'base = "../starter"\nremove = ["todo.js"]\n', "b.js": "solved b",
                                 "c.js": "new c"})
    out = lay_out(roots / "reference", tmp_path / "out")
    assert _files(out) == {"a.js": "starter a", "b.js": "solved b", "c.js": "new c", "src/keep.js": "kept"}


def test_layers_stack_and_a_removal_applies_only_to_what_lies_below(roots: Path, tmp_path: Path) -> None:
    _write(roots / "one", {"x": "1", "y": "1"})
    _write(roots / "two", {LAYER_FILE: 'base = "../one"\nremove = ["x"]\n', "z": "2"})
    _write(roots / "three", {LAYER_FILE: 'base = "../two"\nremove = ["z"]\n', "x": "3"})
    assert chain(roots / "three") == [(roots / n).resolve() for n in ("one", "two", "three")]
    assert _files(lay_out(roots / "three", tmp_path / "out")) == {"x": "3", "y": "1"}


@pytest.mark.parametrize(("text", "key", "says"), [
    ('base = "/etc"\n', "base", "outside the harness's lab folders"),
    ('base = "../../../.."\n', "base", "outside the harness's lab folders"),
    ('base = "../nowhere"\n', "base", "is not a folder"),
    ('remove = ["a"]\n', "base", "needs the folder it builds on"),
    ('base = "../starter"\nremove = ["../../etc/passwd"]\n', "remove", "must be a path inside the project"),
    ('base = "../starter"\nextends = "x"\n', "extends", "only 'base', 'remove', [[edit]] and [[take]]"),
    ('base = "../starter"\n[[take]]\nfrom = "../starter"\n', "take[0]", "from (a project folder) and files"),
    ('base = "../starter"\n[[take]]\nfrom = "../starter"\nfiles = ["../x"]\n', "take[0].files",
     "relative file paths"),
    ('base = "../starter"\n[[take]]\nfrom = "../../../etc"\nfiles = ["passwd"]\n', "take[0].from",
     "outside the harness's lab folders"),
    ('base = "../starter"\nedit = "x"\n', "edit", "[[edit]] tables"),
    ('base = "../starter"\n[[edit]]\nfile = "../a.js"\nfind = "a"\nreplace = "b"\n', "edit[0].file",
     "relative path inside the project"),
    ('base = "../starter"\n[[edit]]\nfile = "/etc/passwd"\nfind = "a"\nreplace = "b"\n', "edit[0].file",
     "relative path inside the project"),
    ('base = "../starter"\n[[edit]]\nfile = "a.js"\nreplace = "b"\n', "edit[0].find", "needs find"),
    ('base = "../starter"\n[[edit]]\nfile = "a.js"\nfind = "a"\nreplace = "a"\n', "edit[0].replace",
     "would change nothing"),
    ('base = "../starter"\n[[edit]]\nfile = "a.js"\nfind = "a"\nreplace = ""\nwith = "b"\n', "edit[0].with",
     "only file, find and replace"),
])
def test_a_wrong_layer_file_names_the_key(roots: Path, text: str, key: str, says: str) -> None:
    (roots / "starter").mkdir()
    _write(roots / "reference", {LAYER_FILE: text})
    with pytest.raises(ConfigError) as error:
        chain(roots / "reference")
    assert f"key '{key}'" in error.value.message and says in error.value.message
    assert str(roots / "reference" / LAYER_FILE) in error.value.message


def test_a_layer_takes_files_of_another_project_as_that_one_lays_them_out(roots: Path, tmp_path: Path) -> None:
    # The next lab's starter (itself a layer) gives db.js; its reference builds on the earlier reference.
    _write(roots / "base-starter", {"app.js": "starter app", "db.js": "in memory"})
    _write(roots / "next-starter", {LAYER_FILE: 'base = "../base-starter"\n', "db.js": "postgres",
                                    "migrate.js": "migrations"})
    _write(roots / "base-reference", {LAYER_FILE: 'base = "../base-starter"\n', "app.js": "solved app"})
    _write(roots / "next-reference", {
        LAYER_FILE: 'base = "../base-reference"\n[[take]]\nfrom = "../next-starter"\nfiles = ["db.js", "migrate.js"]\n'
                    '[[edit]]\nfile = "migrate.js"\nfind = "migrations"\nreplace = "migrations, solved"\n'})
    assert _files(lay_out(roots / "next-reference", tmp_path / "out")) == {
        "app.js": "solved app", "db.js": "postgres", "migrate.js": "migrations, solved"}
    _write(roots / "wrong", {LAYER_FILE: 'base = "../base-reference"\n[[take]]\nfrom = "../next-starter"\n'
                                         'files = ["nothing.js"]\n'})
    with pytest.raises(ConfigError) as error:
        lay_out(roots / "wrong", tmp_path / "wrong-out")
    assert "nothing.js is not a file of" in error.value.message and "take[0].files" in error.value.message


def test_edits_change_the_laid_out_files_in_order_after_the_layers_own_files(roots: Path, tmp_path: Path) -> None:
    _write(roots / "reference", {"src/app.js": "use(a);\nuse(b);\n", "src/db.js": "max: 10\r\nidle: 1\r\n"})
    _write(roots / "defect", {LAYER_FILE: 'base = "../reference"\n'
                              '[[edit]]\nfile = "src/app.js"\nfind = "use(b);\\n"\nreplace = ""\n'
                              '[[edit]]\nfile = "src/app.js"\nfind = "use(a);"\nreplace = "use(c);"\n'
                              '[[edit]]\nfile = "src/db.js"\nfind = "max: 10"\nreplace = "max: 100"\n'
                              '[[edit]]\nfile = "own.js"\nfind = "mine"\nreplace = "edited"\n',
                              "own.js": "mine"})
    out = lay_out(roots / "defect", tmp_path / "out")
    assert _files(out) == {"src/app.js": "use(c);\n", "src/db.js": "max: 100\nidle: 1\n", "own.js": "edited"}
    assert (out / "src/db.js").read_bytes() == b"max: 100\r\nidle: 1\r\n"  # line endings as the base wrote them


@pytest.mark.parametrize(("edit", "key", "says"), [
    ('file = "gone.js"\nfind = "a"\nreplace = "b"', "edit[1].file", "gone.js is not a file of the project"),
    ('file = "a.js"\nfind = "missing"\nreplace = "b"', "edit[1].find", "the text to find is not in a.js: 'missing'"),
    ('file = "a.js"\nfind = "x"\nreplace = "y"', "edit[1].find", "the text to find is 2 times in a.js"),
])
def test_an_edit_that_does_not_fit_its_base_names_the_edit_and_the_fix(roots: Path, tmp_path: Path, edit: str,
                                                                       key: str, says: str) -> None:
    _write(roots / "reference", {"a.js": "x = 1; x = 2; a;"})
    _write(roots / "defect", {LAYER_FILE: f'base = "../reference"\n[[edit]]\nfile = "a.js"\nfind = "a;"\n'
                                          f'replace = "b;"\n[[edit]]\n{edit}\n'})
    with pytest.raises(ConfigError) as error:
        lay_out(roots / "defect", tmp_path / "out")
    assert f"key '{key}'" in error.value.message and says in error.value.message, error.value.message
    assert str(roots / "defect" / LAYER_FILE) in error.value.message and error.value.fixes


def test_layers_that_build_on_each_other_in_a_loop_are_refused(roots: Path) -> None:
    _write(roots / "a", {LAYER_FILE: 'base = "../b"\n'})
    _write(roots / "b", {LAYER_FILE: 'base = "../a"\n'})
    with pytest.raises(ConfigError, match="in a loop"):
        chain(roots / "a")


def test_every_layer_in_the_tree_lays_out_and_starters_build_only_on_shipped_labs() -> None:
    # A starter is laid out by `harness start` from an installed wheel, which ships labs/
    # but not tests/: its whole chain must stay inside labs/.
    shipped = lab_roots()[0]
    found = sorted(p.parent for where in (ROOT / "labs", ROOT / "tests" / "labs")
                   for p in where.rglob(LAYER_FILE) if "node_modules" not in p.parts)
    assert found, "the labs are written as layers"
    for folder in found:
        folders = chain(folder)
        assert not layers.is_layer(folders[0])
        if folder.is_relative_to(shipped):
            assert all(step.is_relative_to(shipped) for step in folders), folder
