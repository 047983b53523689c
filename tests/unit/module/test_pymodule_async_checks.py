"""python/week-04's checks (validators/pymodule/, package shelfasync): the same hidden-suite and
mypy runners as week-01's, told which package the lab's tests import. Real runs of the lab's
hidden files on its reference, through the app's launcher; the project's .venv here is a
script that starts this interpreter, which has pytest and mypy."""

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
from harness.validators.pymodule import gather, mypy, pipeline
from harness.validators.pymodule.pytest_suite import ASYNC_PACKAGE

ROOT = Path(__file__).resolve().parents[3]
STARTER = ROOT / "labs" / "python" / "week-04-advanced" / "starter" / ASYNC_PACKAGE
REFERENCE = ROOT / "tests" / "labs" / "python" / "week-04" / "reference" / ASYNC_PACKAGE
LAB_ID = "python/week-04"


def _project(root: Path, replace: tuple[str, str, str] | None = None, *, files: dict[str, str] | None = None
             ) -> CheckContext:
    (root / ".venv" / "bin").mkdir(parents=True)
    python = root / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    if files is None:
        files = {p.name: p.read_text() for p in STARTER.glob("*.py")}
        files.update({p.name: p.read_text() for p in REFERENCE.glob("*.py")})
    if replace is not None:
        name, old, new = replace
        assert old in files[name]
        files[name] = files[name].replace(old, new)
    for name, text in files.items():
        (root / ASYNC_PACKAGE / name).parent.mkdir(parents=True, exist_ok=True)
        (root / ASYNC_PACKAGE / name).write_text(text)
    config = parse_config(root, {"track": "python", "app": {"install": "true"}}, "harness.toml")
    runner = AppRunner(config, workdir=root, app_env=AppEnvironment(port=1, service_urls={}), reaper=Reaper(),
                       progress=lambda _m: None, lab_id=LAB_ID)
    return CheckContext(http=cast(Any, None), app=cast(Any, runner), run_id="r1", seed=1, lab_id=LAB_ID)


def test_the_reference_passes_the_gather_suite_and_nothing_is_left_in_the_project(tmp_path: Path) -> None:
    passed = gather.gather_limited(_project(tmp_path))
    assert isinstance(passed, Passed) and passed.message == "all 10 hidden tests of gather_limited() pass"
    assert not (tmp_path / ".harness").exists()


def test_tasks_left_pending_fail_the_endings_suite_by_name(tmp_path: Path) -> None:
    unawaited = ("pipeline.py", "        await asyncio.gather(*tasks, return_exceptions=True)\n", "")
    with pytest.raises(Failure) as failed:
        pipeline.pipeline_clean_cancel(_project(tmp_path, unawaited))
    assert failed.value.message.startswith("5 of 5 hidden tests of run_pipeline()'s endings fail: test_")
    assert "tasks left pending" in (failed.value.actual or "")
    assert (failed.value.reproduce or "").split(" && ")[-1].startswith(
        ".venv/bin/python -m pytest -c .harness/hidden/tests/pytest.ini -p no:cacheprovider --tb=native "
        ".harness/hidden/tests/test_pipeline_cancel.py::test_")


def test_a_package_that_does_not_import_is_named_as_shelfasync(tmp_path: Path) -> None:
    ctx = _project(tmp_path, files={"__init__.py": "from .gather import gather_limited\n", "gather.py": "x = (\n"})
    with pytest.raises(Failure) as failed:
        gather.gather_limited(ctx)
    assert failed.value.message.startswith("the hidden tests of gather_limited() could not run: ")
    assert failed.value.expected == "test_gather.py imports shelfasync from the project folder and its tests run"
    assert "import shelfasync" in (failed.value.hint or "")


def test_mypy_runs_on_shelfasync_and_passes_the_reference(tmp_path: Path) -> None:
    passed = mypy.async_types_strict(_project(tmp_path))
    assert isinstance(passed, Passed)
    assert passed.message.startswith("mypy --strict is clean on shelfasync and the lab's type tests (")


def test_a_decorator_without_paramspec_is_told_by_the_misuses_it_accepts(tmp_path: Path) -> None:
    ctx = _project(tmp_path)
    retry = tmp_path / ASYNC_PACKAGE / "retry.py"
    # The lab's mypy defect: Callable[..., Awaitable[R]] in and out, the wrapper's parameters objects.
    loose = retry.read_text().replace("Callable[P, Awaitable[R]]", "Callable[..., Awaitable[R]]").replace(
        "*args: P.args, **kwargs: P.kwargs", "*args: object, **kwargs: object")
    retry.write_text(loose)
    with pytest.raises(Failure) as failed:
        mypy.async_types_strict(ctx)
    assert "`await lookup(9780441172719)` must be a type error (arg-type), but your types accept it" in \
        failed.value.message
    assert (failed.value.reproduce or "").endswith(
        ".venv/bin/python -m mypy --config-file .harness/hidden/types/mypy.ini shelfasync "
        ".harness/hidden/types/consumer.py")
    assert not (tmp_path / ".harness" / "hidden").exists()
