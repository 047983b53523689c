"""The module lab's pieces: a project with no start command, a build that follows every install,
commands a check runs in the project, and the pure logic of validators/module/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import pytest

from harness.config import parse_config
from harness.context import CheckContext
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppFailed, AppRunner
from harness.runner.deps import DependencyReuse
from harness.runs import ProjectRun
from harness.validators.module import exports, tsc
from harness.validators.module.hidden_suite import HIDDEN, crash_lines, js_escape, placed


def _runner(project: Path, app: dict[str, Any], deps: DependencyReuse | None = None) -> AppRunner:
    config = parse_config(project, {"track": "node", "app": app}, "harness.toml")
    return AppRunner(config, workdir=project, app_env=AppEnvironment(port=1, service_urls={}), reaper=Reaper(),
                     progress=lambda _m: None, deps=deps, lab_id="node/week-01")


def test_a_module_project_needs_no_start_and_cannot_be_started(tmp_path: Path) -> None:
    runner = _runner(tmp_path, {"install": "true"})
    assert runner.config.app is not None and runner.config.app.start is None
    with pytest.raises(AppFailed, match="no start command"):
        runner.start()


def test_the_build_runs_after_every_install_also_a_skipped_one(tmp_path: Path) -> None:
    deps = DependencyReuse(None)
    app = {"install": "mkdir -p node_modules && echo i >> node_modules/installs", "build": "echo b >> built"}
    (tmp_path / "package-lock.json").write_text("{}")
    for _ in range(2):
        _runner(tmp_path, app, deps).install()
    assert (tmp_path / "node_modules" / "installs").read_text() == "i\n", "the second install was reused"
    assert (tmp_path / "built").read_text() == "b\nb\n", "the build ran both times"


def test_a_failing_build_fails_the_install_phase_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(AppFailed, match="build command failed with exit code 3") as caught:
        _runner(tmp_path, {"build": "echo broken; exit 3"}).install()
    assert caught.value.phase == "install" and "broken" in caught.value.log_tail


def test_run_command_runs_in_the_project_with_the_given_environment(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    runner = _runner(tmp_path, {"install": "true"})
    run = runner.run_command(["sh", "-c", 'pwd; echo "$LAB_MODULE"; exit 2'], timeout_s=30,
                             env={"LAB_MODULE": "pkg"}, cwd=tmp_path / "sub")
    assert run.exit_code == 2 and not run.passed
    assert run.output.split() == [str(tmp_path / "sub"), "pkg"]
    stopped = runner.run_command(["sleep", "30"], timeout_s=0.2)
    assert stopped.exit_code is None


TSC_OUTPUT = """\
src/index.d.ts(3,40): error TS7006: Parameter 'x' implicitly has an 'any' type.
.harness/hidden/types/consumer.ts(2,1): error TS2578: Unused '@ts-expect-error' directive.
.harness/hidden/types/consumer.ts(4,7): error TS2322: Type 'number' is not assignable to type 'string'.
"""
CONSUMER = ["const a: Promise<number> = retry(async () => 1);",
            "// @ts-expect-error retry keeps the callback's result type",
            "const b: Promise<string> = retry(async () => 1);",
            "const c: string = add(1, 2);"]


def test_tsc_errors_are_told_with_the_type_tests_code_and_expectation() -> None:
    errors = tsc.parse_errors(TSC_OUTPUT)
    assert [(e.file, e.line, e.code) for e in errors] == [
        ("src/index.d.ts", 3, "TS7006"), (".harness/hidden/types/consumer.ts", 2, "TS2578"),
        (".harness/hidden/types/consumer.ts", 4, "TS2322")]
    told = [tsc.explain(e, CONSUMER, "lab/consumer.ts") for e in errors]
    assert told[0] == "src/index.d.ts:3: TS7006 Parameter 'x' implicitly has an 'any' type."
    assert told[1] == ("lab/consumer.ts:3: `const b: Promise<string> = retry(async () => 1);` must be a type error "
                       "(retry keeps the callback's result type), but your types accept it")
    assert told[2].startswith("lab/consumer.ts:4: `const c: string = add(1, 2);`: TS2322")


def _probe(output: str, code: int | None = 0) -> exports.Probe:
    return exports.read_probe(ProjectRun("node probe", code, output, 0.1))


def test_a_probe_that_loads_and_answers_right_has_no_problem() -> None:
    probe = _probe("a warning first\n" + json.dumps({"result": exports.EXPECTED}))
    assert exports.problem("require('p')", probe) == ""


def test_a_missing_require_condition_is_named_with_its_fix() -> None:
    error = "ERR_PACKAGE_PATH_NOT_EXPORTED: No \"exports\" main defined in /p/package.json"
    probe = _probe(json.dumps({"loadError": error}))
    assert exports.problem("require('p')", probe) == f"require('p') fails: {error}"
    assert '"require": "./dist/cjs/index.js"' in exports.hint_for("require", probe)
    esm = _probe(json.dumps({"loadError": "ERR_REQUIRE_ESM: require() of ES Module /p/src/index.js"}))
    assert "CommonJS build" in exports.hint_for("require", esm)


def test_functions_that_throw_or_are_missing_or_answer_wrong_are_told_apart() -> None:
    throws = _probe(json.dumps({"callError": "Error: not implemented: groupBy"}))
    assert "calling its functions throws Error: not implemented" in exports.problem("import", throws)
    missing = _probe(json.dumps({"result": {"kinds": {**exports.EXPECTED["kinds"], "groupBy": "undefined"}}}))
    assert "groupBy: undefined, not the four functions" in exports.problem("import", missing)
    wrong = _probe(json.dumps({"result": {**exports.EXPECTED, "memoizeCalls": 2}}))
    assert "answer differently" in exports.problem("import", wrong)


def test_a_probe_that_prints_nothing_says_how_it_ended() -> None:
    assert _probe("Segmentation fault", 139).load_error == "node exited with code 139: Segmentation fault"
    assert "did not finish" in _probe("", None).load_error


@pytest.mark.parametrize("name", ["limit: a (b) [c] 1.5 a|b x/y", "retry: 100, 200; $x ^y {z} *+?"])
def test_a_test_name_becomes_a_pattern_that_matches_only_it(name: str) -> None:
    pattern = "^" + js_escape(name) + "$"
    assert re.fullmatch(pattern, name)
    assert not re.fullmatch(pattern, name + " ")


class _Project:
    def __init__(self, root: Path) -> None:
        self.project_dir = root


def test_hidden_files_are_copied_past_a_planted_link_and_removed(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".harness").symlink_to(elsewhere, target_is_directory=True)
    ctx = CheckContext(http=cast(Any, None), app=cast(Any, _Project(project)), run_id="r1", seed=1,
                       lab_id="node/week-01")
    with placed(ctx, "retry.test.mjs") as relative:
        assert relative == HIDDEN / "retry.test.mjs"
        copied = project / relative
        assert copied.is_file() and not (project / ".harness").is_symlink()
        assert "LAB_MODULE" in copied.read_text()
    assert list(elsewhere.iterdir()) == [], "nothing was written through the link"
    assert not (project / ".harness").exists(), "the copy is gone"



def test_links_the_submission_ships_in_its_scratch_folder_are_never_opened_up(tmp_path: Path) -> None:
    """Only the harness's own copy is made readable: a link in .harness to a private file keeps it
    private (the harness is root when grading, and os.chmod follows links)."""
    project = tmp_path / "project"
    (project / ".harness" / "hidden").mkdir(parents=True)
    secret = tmp_path / "shadow"
    secret.write_text("root:x")
    secret.chmod(0o600)
    (project / ".harness" / "shadow").symlink_to(secret)
    (project / ".harness" / "hidden" / "also").symlink_to(secret)
    ctx = CheckContext(http=cast(Any, None), app=cast(Any, _Project(project)), run_id="r1", seed=1,
                       lab_id="node/week-01")
    with placed(ctx, "types") as relative:
        assert (project / relative).is_dir()
    assert secret.stat().st_mode & 0o777 == 0o600

CRASHED = """\
TAP version 13
# node:internal/modules/esm/resolve:283
#     throw new ERR_MODULE_NOT_FOUND(
#           ^
# Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/p/src/missing.js' imported from /lab/hidden/groupby.test.mjs
#     at finalizeResolution (node:internal/modules/esm/resolve:283:11)
#     at moduleResolve (node:internal/modules/esm/resolve:952:10) {
#   code: 'ERR_MODULE_NOT_FOUND',
#   url: 'file:///p/src/missing.js'
# }
# Node.js v20.20.2
# Subtest: /lab/hidden/groupby.test.mjs
not ok 1 - /lab/hidden/groupby.test.mjs
"""


def test_a_file_that_stops_before_its_tests_is_told_by_its_error() -> None:
    assert crash_lines(CRASHED).splitlines() == [
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/p/src/missing.js' imported from "
        "/lab/hidden/groupby.test.mjs",
        "  code: 'ERR_MODULE_NOT_FOUND',", "  url: 'file:///p/src/missing.js'", "}"]
    assert crash_lines("TAP version 13\nnot ok 1 - x\n") == ""
