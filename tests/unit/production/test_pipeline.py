"""prod.ci.pipeline's reading of pipeline files: a step must run the tests, not just install."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.validators.production.ci import pipeline_files, pipeline_problem

GITHUB = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
{extra}
"""


def workflow(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / ".github" / "workflows" / "ci.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GITHUB.format(extra=extra))
    return path


def test_a_step_that_runs_the_tests_passes(tmp_path: Path) -> None:
    assert pipeline_problem(workflow(tmp_path, "      - run: npm test"), None) is None
    assert pipeline_problem(workflow(tmp_path, "      - run: |\n          npm run migrate\n          npm test"),
                            None) is None
    assert pipeline_files(tmp_path) == [tmp_path / ".github" / "workflows" / "ci.yml"]


@pytest.mark.parametrize("extra", [
    "",  # npm ci installs, it does not test
    "      - run: npm run lint",
    "      # TODO: npm test",  # a comment runs nothing
])
def test_a_pipeline_that_never_runs_the_tests_fails(tmp_path: Path, extra: str) -> None:
    problem = pipeline_problem(workflow(tmp_path, extra), None)
    assert problem is not None and problem.startswith("no step runs the tests")
    assert "npm test" in problem


def test_broken_or_untriggered_workflows_are_named(tmp_path: Path) -> None:
    path = workflow(tmp_path, "")
    path.write_text("jobs: [unclosed\n")
    assert "not valid YAML" in (pipeline_problem(path, None) or "")
    path.write_text("jobs:\n  t:\n    steps:\n      - run: npm test\n")
    assert "no `on:` trigger" in (pipeline_problem(path, None) or "")
    path.write_text("")
    assert "empty" in (pipeline_problem(path, None) or "")


def test_other_ci_systems_and_the_labs_own_command(tmp_path: Path) -> None:
    gitlab = tmp_path / ".gitlab-ci.yml"
    gitlab.write_text("test:\n  image: python:3.12\n  script:\n    - python -m pytest -q\n")
    assert pipeline_problem(gitlab, None) is None
    assert "make check" in (pipeline_problem(gitlab, "make check") or "")
    jenkins = tmp_path / "Jenkinsfile"
    jenkins.write_text("pipeline { stages { stage('test') { steps { sh 'mvn verify' } } } }\n")
    assert pipeline_problem(jenkins, None) is None
