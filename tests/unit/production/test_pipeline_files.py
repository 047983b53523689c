"""Pipeline files come from untrusted projects: links and huge files are not read."""

from __future__ import annotations

from pathlib import Path

from harness.validators.production.ci import MAX_BYTES, pipeline_files, pipeline_problem


def test_links_are_not_pipelines(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {t: {steps: [{run: npm test}]}}\n")
    (workflows / "evil.yml").symlink_to("/etc/passwd")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "config.yml").write_text("on: push\n")
    (tmp_path / ".circleci").symlink_to(outside)
    assert pipeline_files(tmp_path) == [workflows / "ci.yml"]


def test_huge_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / ".gitlab-ci.yml"
    big.write_text("a: b\n" * (MAX_BYTES // 4))
    assert "larger than" in (pipeline_problem(big, None) or "")
