"""Bad input gets a clear error and a non-zero exit: the file, the key, the limit, the logs."""

from __future__ import annotations

from pathlib import Path

from harness.catalog import Catalog
from tests.support.projects import harness


def _project(root: Path, toml: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "harness.toml").write_text(toml)
    return root


def test_missing_config_names_the_file_and_the_fix(tmp_path: Path) -> None:
    run = harness("check", "week-18", "--project", str(tmp_path))
    assert run.code == 4, run.explain()
    assert f"{tmp_path / 'harness.toml'}: not found" in run.stderr
    assert "harness start week-18 --track node" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    project = _project(tmp_path, 'track = "node"\n[app]\nstrat = "node x.js"\n')
    run = harness("check", "week-18", "--project", str(project))
    assert run.code == 4, run.explain()
    assert "key 'app.strat': unknown key" in run.stderr
    assert "did you mean 'app.start'" in run.stderr


def test_unknown_track_suggests_the_closest(tmp_path: Path) -> None:
    project = _project(tmp_path, 'track = "nodejs"\n[app]\nstart = "node x.js"\n')
    run = harness("check", "week-18", "--project", str(project))
    assert run.code == 4 and "did you mean 'node'" in run.stderr, run.explain()


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    project = _project(tmp_path, 'track = "node\n')
    run = harness("check", "week-18", "--project", str(project))
    assert run.code == 4 and "is not valid TOML" in run.stderr, run.explain()


def test_planned_lab_says_so(tmp_path: Path) -> None:
    # A lab of the catalog not built yet (the first one: which labs are planned changes as they are built).
    lab = next(lab for lab in Catalog.load().labs if not lab.available and lab.weeks)
    project = _project(tmp_path, f'track = "{lab.track}"\n[app]\nstart = "true"\n')
    run = harness("check", f"week-{lab.weeks[0]:02d}", "--project", str(project))
    assert run.code == 5, run.explain()
    assert f"{lab.id} ({lab.title}) is planned but not built yet" in run.stderr


def test_app_that_exits_at_start(tmp_path: Path, services_mode: str) -> None:
    project = _project(tmp_path, 'track = "node"\n[app]\nstart = "echo cannot find module express; exit 3"\n')
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 1, run.explain()
    assert "your app exited with code 3 before it was ready" in run.stdout
    assert "cannot find module express" in run.stdout, "the app's last lines are shown"
    assert run.results is not None and run.results["status"] == "error"
    assert run.results["app_log_tail"] and "cannot find module" in run.results["app_log_tail"]


def test_app_that_never_becomes_ready(tmp_path: Path, services_mode: str) -> None:
    project = _project(tmp_path, 'track = "node"\n[app]\nstart = "echo listening soon; sleep 60"\n'
                                 'ready_timeout = "2s"\n')
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 1, run.explain()
    assert "did not answer GET /health with 200 within 2 s (app.ready_timeout)" in run.stdout
    assert "listening soon" in run.stdout
    assert "Listen on the port in the PORT environment variable" in run.stdout


def test_install_failure_names_the_command(tmp_path: Path, services_mode: str) -> None:
    project = _project(tmp_path, 'track = "node"\n[app]\ninstall = "echo npm ERR! 404; exit 1"\n'
                                 'start = "sleep 60"\n')
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 1, run.explain()
    assert "the install command failed with exit code 1" in run.stdout and "npm ERR! 404" in run.stdout


def test_unknown_lab_and_week(tmp_path: Path) -> None:
    project = _project(tmp_path, 'track = "node"\n[app]\nstart = "x"\n')
    run = harness("check", "week-40", "--project", str(project))
    assert run.code == 4 and "the node track has no week 40" in run.stderr, run.explain()
    run = harness("check", "prodution", "--project", str(project))
    assert run.code == 4 and "did you mean 'production'" in run.stderr, run.explain()
