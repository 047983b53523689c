"""The python module lab's checks (validators/pymodule/): the lab's hidden pytest suites and type
tests run with the project's interpreter through the app's launcher, and what they print read
back into failures. The project's .venv here is a link to this interpreter, which has pytest
and mypy: real runs, without an install."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

import pytest

from harness.config import parse_config
from harness.context import CheckContext
from harness.outcomes import Failure, Passed
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppRunner
from harness.runs import ProjectRun
from harness.validators.pymodule import mypy, pytest_suite
from harness.validators.pymodule.pytest_suite import counts_of, judge_tests, read_suite, reproduce_line

LAB = Path(__file__).resolve().parents[3] / "labs" / "python" / "week-01-fundamentals"
REFERENCE = Path(__file__).resolve().parents[3] / "tests" / "labs" / "python" / "week-01" / "reference"


def _project(root: Path, package: dict[str, str] | None) -> CheckContext:
    (root / ".venv" / "bin").mkdir(parents=True)
    # A script, not a link: a link would start this interpreter outside its venv (no mypy there).
    python = root / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    for name, text in (package or {}).items():
        (root / "shelfkit" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "shelfkit" / name).write_text(text)
    config = parse_config(root, {"track": "python", "app": {"install": "true"}}, "harness.toml")
    runner = AppRunner(config, workdir=root, app_env=AppEnvironment(port=1, service_urls={}), reaper=Reaper(),
                       progress=lambda _m: None, lab_id="python/week-01")
    return CheckContext(http=cast(Any, None), app=cast(Any, runner), run_id="r1", seed=1, lab_id="python/week-01")


def _reference(*, replace: tuple[str, str, str] | None = None) -> dict[str, str]:
    files = {p.name: p.read_text() for p in (LAB / "starter" / "shelfkit").glob("*.py")}
    files.update({p.name: p.read_text() for p in (REFERENCE / "shelfkit").glob("*.py")})
    if replace is not None:
        name, old, new = replace
        assert old in files[name]
        files[name] = files[name].replace(old, new)
    return files


def test_the_reference_passes_a_suite_and_the_hidden_folder_is_gone_after(tmp_path: Path) -> None:
    ctx = _project(tmp_path, _reference())
    passed = judge_tests(ctx, "test_context.py", "atomic_write()", hint="h")
    assert isinstance(passed, Passed) and passed.message == "all 10 hidden tests of atomic_write() pass"
    assert not (tmp_path / ".harness").exists()


def test_a_failing_test_is_named_with_its_error_and_a_line_that_runs_it_alone(tmp_path: Path) -> None:
    swallowed = ("context.py", "        os.unlink(temporary)\n        raise\n", "        os.unlink(temporary)\n")
    ctx = _project(tmp_path, _reference(replace=swallowed))
    with pytest.raises(Failure) as failed:
        judge_tests(ctx, "test_context.py", "atomic_write()", hint="re-raise")
    failure = failed.value
    assert failure.message == ("2 of 10 hidden tests of atomic_write() fail: "
                               "test_an_error_in_the_block_leaves_the_old_file_and_goes_on")
    assert "DID NOT RAISE" in (failure.actual or "")
    assert failure.reproduce is not None and failure.reproduce.endswith(
        "pytest -c .harness/hidden/tests/pytest.ini -p no:cacheprovider --tb=native "
        ".harness/hidden/tests/test_context.py::test_an_error_in_the_block_leaves_the_old_file_and_goes_on")


def test_a_package_that_does_not_import_is_told_by_pythons_error(tmp_path: Path) -> None:
    ctx = _project(tmp_path, {"__init__.py": "from .models import Book\n", "models.py": "Book = (\n"})
    with pytest.raises(Failure) as failed:
        judge_tests(ctx, "test_models.py", "Book", hint="h")
    assert failed.value.message.startswith("the hidden tests of Book could not run: ")
    assert "SyntaxError" in (failed.value.actual or "")


def test_the_projects_own_pytest_configuration_and_conftest_are_not_read(tmp_path: Path) -> None:
    ctx = _project(tmp_path, _reference())
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    (tmp_path / "conftest.py").write_text("raise SystemExit('the project conftest ran')\n")
    assert isinstance(judge_tests(ctx, "test_context.py", "atomic_write()", hint="h"), Passed)


def test_a_project_without_its_venv_is_told_how_to_install(tmp_path: Path) -> None:
    ctx = CheckContext(http=cast(Any, None), app=cast(Any, type("P", (), {"project_dir": tmp_path})()),
                       run_id="r1", seed=1, lab_id="python/week-01")
    with pytest.raises(Failure, match=r"no \.venv/bin/python"):
        pytest_suite.python_of(ctx)


def test_mypy_judges_the_package_and_the_type_tests(tmp_path: Path) -> None:
    loose = ("decorators.py", "-> Callable[[Callable[P, R]], Callable[P, R]]:", "-> Callable[[Callable[..., R]], "
             "Callable[..., R]]:")
    ctx = _project(tmp_path, _reference(replace=loose))
    with pytest.raises(Failure) as failed:
        mypy.types_strict(ctx)
    assert failed.value.message.startswith("mypy --strict finds 2 problems: ")
    assert "`lookup(9780441172719)` must be a type error (arg-type), but your types accept it" in failed.value.message
    assert not (tmp_path / ".harness" / "hidden").exists()


SUMMARY = """\
..F.E                                                                    [100%]
=========================== short test summary info ============================
FAILED .harness/hidden/tests/test_models.py::test_order[a-b] - AssertionError: sorted() gives ['b', 'a']
ERROR .harness/hidden/tests/test_models.py::test_fixture - RuntimeError: setup
1 failed, 3 passed, 1 error in 0.12s
"""


def test_the_tally_and_the_first_failing_test_are_read_from_pytests_summary() -> None:
    assert counts_of(SUMMARY) == {"failed": 1, "passed": 3, "error": 1}
    assert counts_of("===== 2 passed, 1 warning in 0.01s =====\n") == {"passed": 2}
    assert counts_of("no tests ran in 0.01s\n") == {}
    result = read_suite(ProjectRun("pytest", 1, SUMMARY, 0.1), "test_models.py")
    assert result.first_failing == ".harness/hidden/tests/test_models.py::test_order[a-b]" and not result.crash
    assert "AssertionError: sorted() gives ['b', 'a']" in result.failures


def test_a_test_id_with_spaces_and_brackets_is_quoted_in_the_reproduce_line() -> None:
    line = reproduce_line(Path("/lab dir/hidden"), "test_models.py", ".harness/hidden/tests/test_models.py::t[a b]")
    assert line == ("mkdir -p .harness/hidden && cp -r '/lab dir/hidden/tests' .harness/hidden/ && "
                    ".venv/bin/python -m pytest -c .harness/hidden/tests/pytest.ini -p no:cacheprovider --tb=native "
                    "'.harness/hidden/tests/test_models.py::t[a b]'")


MYPY_OUTPUT = """\
shelfkit/generators.py:5: error: Function is missing a type annotation  [no-untyped-def]
.harness/hidden/types/consumer.py:2: error: Unused "type: ignore" comment  [unused-ignore]
.harness/hidden/types/consumer.py:3: error: Expression is of type "Any", not "Book"  [assert-type]
.harness/hidden/types/consumer.py:3: note: a note is no error
Found 3 errors in 2 files (checked 6 source files)
"""
CONSUMER = ["from shelfkit import lookup", "lookup(42)  # type: ignore[arg-type]", "assert_type(lookup('x'), Book)"]


def test_mypy_errors_are_told_with_the_type_tests_code_and_expectation() -> None:
    errors = mypy.parse_errors(MYPY_OUTPUT)
    assert [(e.file, e.line, e.code) for e in errors] == [
        ("shelfkit/generators.py", 5, "no-untyped-def"), (".harness/hidden/types/consumer.py", 2, "unused-ignore"),
        (".harness/hidden/types/consumer.py", 3, "assert-type")]
    told = [mypy.explain(e, CONSUMER, "lab/consumer.py") for e in errors]
    assert told == [
        "shelfkit/generators.py:5: Function is missing a type annotation [no-untyped-def]",
        "lab/consumer.py:2: `lookup(42)` must be a type error (arg-type), but your types accept it",
        "lab/consumer.py:3: `assert_type(lookup('x'), Book)`: Expression is of type \"Any\", not \"Book\" "
        "[assert-type]",
    ]
