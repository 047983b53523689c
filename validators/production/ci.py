"""A CI pipeline that runs the tests on every change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

PIPELINES = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".circleci/config.yml",
             "azure-pipelines.yml", "bitbucket-pipelines.yml", ".drone.yml", "Jenkinsfile", ".woodpecker.yml")
# Commands that run tests. Not installs (npm ci, pip install): a pipeline that only installs
# or builds proves nothing about the tests.
TEST_COMMANDS = ("npm test", "npm run test", "yarn test", "pnpm test", "node --test", "pytest",
                 "python -m pytest", "tox", "mvn test", "mvn verify", "./mvnw", "gradle test", "./gradlew",
                 "go test", "harness check")


def _strings(node: Any) -> Iterator[str]:
    """Every string in a parsed YAML document, keys and values (comments are already gone)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


MAX_BYTES = 256 * 1024


def pipeline_files(root: Path) -> list[Path]:
    # The project is untrusted (graded submissions): a pipeline "file" that is a link could
    # point at /etc/shadow or /dev/zero, so only regular files inside the project count.
    return sorted(p for pattern in PIPELINES for p in root.glob(pattern)
                  if p.is_file() and not p.is_symlink() and not any(q.is_symlink() for q in p.parents
                                                                     if root in q.parents))


def pipeline_problem(path: Path, test_command: str | None) -> str | None:
    """Why this pipeline file would not run the tests, or None."""
    if path.stat().st_size > MAX_BYTES:
        return f"it is larger than {MAX_BYTES // 1024} KB: not a pipeline definition"
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".yml", ".yaml"):
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            return f"it is not valid YAML: {str(exc).splitlines()[0]}"
        if not isinstance(document, dict):
            return "it is empty or not a mapping"
        # PyYAML reads GitHub's `on:` key as the boolean True.
        if ".github" in path.parts and "on" not in document and True not in document:
            return "it has no `on:` trigger (push / pull_request)"
        # Look where commands are, not in comments: `# TODO: npm test` runs nothing.
        text = "\n".join(_strings(document))
    wanted = (test_command,) if test_command else TEST_COMMANDS
    if not any(command in text for command in wanted if command):
        return f"no step runs the tests (looked for: {', '.join(c for c in wanted if c)})"
    return None


@check("prod.ci.pipeline", points=1, needs_app=False, app_database=False, params=[
    Param("test_command", str, None, "the command a pipeline step must run; unset, any usual test command does")])
def a_ci_pipeline_runs_the_tests(ctx: CheckContext) -> None:
    """A CI pipeline file runs the tests on every change.

    The project holds a pipeline definition (GitHub Actions, GitLab CI, CircleCI, ...) that
    parses and has a step running the project's tests.
    """
    root = ctx.app.project_dir
    files = pipeline_files(root)
    if not files:
        raise Failure(
            "no CI pipeline file in the project",
            expected="e.g. .github/workflows/ci.yml that installs and runs the tests on push and pull_request",
            actual="none of: " + ", ".join(PIPELINES),
            hint="Add .github/workflows/ci.yml with a job: checkout, set up the runtime, install, run the tests "
                 "(with a PostgreSQL service container if they need one).",
        )
    test_command: str | None = ctx.param("test_command")
    problems = {path: pipeline_problem(path, test_command) for path in files}
    if all(problems.values()):
        raise Failure(
            "the CI pipeline does not run the tests",
            expected="a pipeline step that runs the test command",
            actual="\n".join(f"{p.relative_to(root)}: {why}" for p, why in problems.items()),
            hint=ctx.hint("Add a step that runs the tests after the install step (GitHub Actions: `run: npm test`; "
                          "GitLab CI: a `script:` line).",
                          python="Here: python -m pytest, after installing requirements-dev.txt, with a "
                                 "PostgreSQL service container and DATABASE_URL pointing at it."),
            reproduce="cat " + " ".join(str(p.relative_to(root)) for p in files),
        )
