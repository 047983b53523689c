"""lab.toml [[bugs]]: each names its check, a file inside the project, and a change that changes something."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalog import SeededBug, load_manifest
from harness.errors import ConfigError

CHECKS = '[[checks]]\nid = "testing.catches.loan_oversell"\n'
BUG = ("[[bugs]]\ncheck = \"testing.catches.loan_oversell\"\nfile = \"src/repos/loans.js\"\n"
       "find = ' AND copies_available > 0'\nreplace = ''\n")


def manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text(text)
    return path


def test_a_bug_is_read_with_its_check(tmp_path: Path) -> None:
    loaded = load_manifest(manifest(tmp_path, "[app]\nrun_tests = true\nrepeat_tests = true\n" + CHECKS + BUG))
    assert loaded.repeat_tests
    assert loaded.bugs == (SeededBug("testing.catches.loan_oversell", "src/repos/loans.js",
                                     " AND copies_available > 0", ""),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CHECKS + BUG, "need the project's tests: set run_tests = true"),
        ("[app]\nrepeat_tests = true\n" + CHECKS, "need the project's tests"),
        ("[app]\nrun_tests = true\n" + CHECKS + BUG.replace("loan_oversell\"\nfile", "double_return\"\nfile"),
         "'testing.catches.double_return' of this bug is not listed"),
        ("[app]\nrun_tests = true\n" + CHECKS + BUG.replace("src/repos", "../../etc"), "a path inside the project"),
        ("[app]\nrun_tests = true\n" + CHECKS + BUG.replace("replace = ''", "replace = ' AND copies_available > 0'"),
         "would change nothing"),
        ("[app]\nrun_tests = true\n" + CHECKS + BUG.replace("find = ' AND copies_available > 0'\n", ""),
         "needs find"),
        ("[app]\nrun_tests = true\n" + CHECKS + BUG + "line = 3\n", "unknown key in bugs\\[0\\]"),
    ],
)
def test_bad_bugs_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_manifest(manifest(tmp_path, text))
