"""Nothing a submission controls reaches a step that runs as root: the jail chain's tools by
absolute path from the system folders, its first step with a fixed environment, the
submission's variables set inside the jail only; its coverage report read without links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import systools as tools
from harness.config import ProjectConfig, parse_config
from harness.config import TestsConfig as Suite
from harness.errors import ConfigError
from harness.grading import jail
from harness.grading.jail import JailLauncher, JailSpec, cgroup_views
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppRunner, DirectLauncher
from harness.runner.confined import OutsideProject, read_inside

SPEC = JailSpec(uid=1790042, workdir="/s/0001/work", home="/s/0001/home", tmp="/s/0001/apptmp",
                install_procs=("/cg/install/cgroup.procs",), run_procs=("/cg/run/cgroup.procs",),
                host_netns="/proc/7/ns/net")
WORK = Path(SPEC.workdir)
CMD = ["/bin/sh", "-c", "node server.js"]
# What a hostile harness.toml sets: its own tools first on PATH, a library in every process.
HOSTILE = {"PATH": "./bin:bin:/usr/bin:/bin", "LD_PRELOAD": "./evil.so", "LD_LIBRARY_PATH": ".",
           "PORT": "4100", "DATABASE_URL": "postgresql://app:secret@127.0.0.1:5999/app", "BASH_ENV": "./x"}
ROOT_TOOLS = ("nsenter", "prlimit", "setpriv", "bwrap")


def _system_tool(name: str) -> str:
    """A resolver as tools.tool answers on a machine that has them (found in /usr/bin)."""
    return f"/usr/bin/{name}"


def _root_steps(argv: list[str], last: str) -> list[str]:
    """The chain up to and including the step that applies the submission's environment."""
    return argv[:argv.index(last) + 1]


@pytest.mark.parametrize("phase", ["install", "migrate", "start", "tests"])
def test_every_root_step_is_an_absolute_system_path_whatever_the_submissions_path(phase: str) -> None:
    argv, _ = JailLauncher(SPEC, tool=_system_tool).wrap(CMD, phase=phase, cwd=WORK, env=HOSTILE)
    steps = _root_steps(argv, _system_tool("bwrap"))
    programs = [word for word in steps if os.path.basename(word) in (*ROOT_TOOLS, "sh")]
    system = tuple(folder + "/" for folder in tools.SYSTEM_PATH.split(":"))
    for program in programs:
        assert program.startswith(system), f"{program} in {argv}"
    assert {os.path.basename(p) for p in programs} >= {"sh", "prlimit", "setpriv", "bwrap"}
    assert not set(steps) & set(ROOT_TOOLS), "no tool by bare name"


def test_the_root_process_gets_a_fixed_environment_without_the_submissions_variables() -> None:
    for phase in ("install", "start"):
        _, env = JailLauncher(SPEC, tool=_system_tool).wrap(CMD, phase=phase, cwd=WORK, env=HOSTILE)
        assert env == tools.ROOT_ENV
        assert not set(env) & {"LD_PRELOAD", "LD_LIBRARY_PATH", "PORT", "DATABASE_URL", "BASH_ENV"}
        assert "./bin" not in env["PATH"] and all(part.startswith("/") for part in env["PATH"].split(":"))


def test_bubblewrap_clears_its_environment_then_sets_the_submissions() -> None:
    argv, _ = JailLauncher(SPEC, tool=lambda name: f"/t/{name}").wrap(CMD, phase="start", cwd=WORK, env=HOSTILE)
    jail = argv[argv.index("/t/bwrap"):]
    clear = jail.index("--clearenv")
    pairs = {jail[i + 1]: jail[i + 2] for i, word in enumerate(jail) if word == "--setenv"}
    assert all(i > clear for i, word in enumerate(jail) if word == "--setenv"), "set after the clear"
    assert pairs["PATH"] == "./bin:bin:/usr/bin:/bin" and pairs["LD_PRELOAD"] == "./evil.so"
    assert pairs["DATABASE_URL"] == HOSTILE["DATABASE_URL"] and pairs["PORT"] == "4100"
    assert pairs["HOME"] == SPEC.home and pairs["TMPDIR"] == "/tmp", "the jail's own folders win"
    before = argv[:argv.index("/t/bwrap")]
    assert not any("evil" in word or "secret" in word for word in before), "nothing of it before the jail"


def test_without_bubblewrap_env_dash_i_sets_them_after_the_uid_drop() -> None:
    spec = JailSpec(uid=5000, workdir="/w", home="/h", tmp="/t", bwrap=False)
    argv, env = JailLauncher(spec, tool=lambda name: f"/t/{name}").wrap(CMD, phase="start", cwd=Path("/w"),
                                                                        env=HOSTILE)
    setpriv, env_step = argv.index("/t/setpriv"), argv.index("/t/env")
    assert setpriv < env_step and argv[env_step:env_step + 3] == ["/t/env", "-i", "--"]
    assert "LD_PRELOAD=./evil.so" in argv[env_step:] and "HOME=/h" in argv[env_step:]
    assert "LD_PRELOAD" not in env and not any("evil" in word for word in argv[:env_step])


def test_the_harness_own_caches_stay_outside_the_jail() -> None:
    argv, _ = JailLauncher(SPEC, tool=lambda name: f"/t/{name}").wrap(
        CMD, phase="install", cwd=WORK, env={"npm_config_cache": "/root/.npm", "PATH": "/usr/bin"})
    assert "npm_config_cache" not in argv and "/root/.npm" not in argv


def test_tools_are_never_looked_up_on_the_callers_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "prlimit"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ.get('PATH', '')}")
    monkeypatch.chdir(tmp_path)
    assert tools.find("prlimit") != str(fake)
    assert tools.find("no-such-tool-here") is None


def test_direct_launcher_passes_command_and_environment_through() -> None:
    argv, env = DirectLauncher().wrap(CMD, phase="start", cwd=WORK, env=HOSTILE)
    assert argv == CMD and env == HOSTILE


# -- harness.toml paths -------------------------------------------------------------------

def _tests_config(coverage: str, tmp_path: Path) -> ProjectConfig:
    data = {"track": "node", "app": {"start": "node server.js"}, "tests": {"command": "true", "coverage": coverage}}
    return parse_config(tmp_path, data, "harness.toml")


@pytest.mark.parametrize("path", ["/etc/passwd", "../../decoy.json", "coverage/../../x.json", "."])
def test_a_coverage_path_outside_the_project_is_a_config_error_naming_the_key(path: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _tests_config(path, tmp_path)
    assert "key 'tests.coverage'" in raised.value.message and "inside the project" in raised.value.message


def test_a_coverage_path_inside_is_kept_normalized(tmp_path: Path) -> None:
    config = _tests_config("./coverage//coverage-summary.json", tmp_path)
    assert config.tests is not None and config.tests.coverage == "coverage/coverage-summary.json"


@pytest.mark.parametrize("name", ["A=B", "1X", "", "PA TH"])
def test_env_names_must_be_variable_names(name: str, tmp_path: Path) -> None:
    data = {"track": "node", "app": {"start": "x", "env": {name: "v"}}}
    with pytest.raises(ConfigError, match=r"app\.env"):
        parse_config(tmp_path, data, "harness.toml")


# -- the report, read as root --------------------------------------------------------------

def test_the_report_is_read_only_as_a_regular_file_reached_without_links(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "coverage").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.json").write_text('{"total": {"lines": {"pct": 100}}}')
    (project / "coverage" / "real.json").write_text("{}")
    os.symlink(outside / "secret.json", project / "coverage" / "leaf.json")
    os.symlink(outside, project / "folder")
    os.mkfifo(project / "coverage" / "pipe.json")
    assert read_inside(project, "coverage/real.json", 100) == "{}"
    for relative, words in (("coverage/leaf.json", "link"), ("folder/secret.json", "link"),
                            ("coverage/pipe.json", "not a regular file"), ("../outside/secret.json", "inside")):
        with pytest.raises(OutsideProject, match=words):
            read_inside(project, relative, 100)
    with pytest.raises(FileNotFoundError):
        read_inside(project, "coverage/none.json", 100)
    with pytest.raises(OutsideProject, match="larger"):
        read_inside(project, "coverage/real.json", 1)


def _runner(project: Path, tests: Suite) -> AppRunner:
    config = ProjectConfig(root=project, track="node", app=parse_config(
        project, {"track": "node", "app": {"start": "true"}}, "harness.toml").app, tests=tests)
    return AppRunner(config, workdir=project, app_env=AppEnvironment(port=4100, service_urls={}),
                     reaper=Reaper(), progress=lambda _: None)


def test_a_stale_report_is_removed_by_the_command_itself_and_a_link_deletes_nothing_outside(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "coverage").mkdir(parents=True)
    outside.mkdir()
    decoy = outside / "decoy.json"
    decoy.write_text('{"total": {"lines": {"pct": 100, "covered": 1, "total": 1}}}')
    os.symlink(decoy, project / "coverage" / "coverage-summary.json")  # a link out, left in the project
    run = _runner(project, Suite("true", "coverage/coverage-summary.json", 30.0))
    run.run_tests({})
    assert decoy.read_text().startswith("{"), "the link was removed, never its target"
    assert not os.path.lexists(project / "coverage" / "coverage-summary.json")
    assert run.test_run is not None and run.test_run.coverage_percent is None
    assert "no coverage report" in run.test_run.coverage_detail, "the stale link did not count"


def test_a_report_the_suite_writes_is_read(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "coverage").mkdir(parents=True)
    (project / "coverage" / "coverage-summary.json").write_text('{"total": {"lines": {"pct": 1}}}')  # stale
    summary = '{"total": {"lines": {"pct": 50, "covered": 1, "total": 2}}}'
    run = _runner(project, Suite(f"echo '{summary}' > coverage/coverage-summary.json",
                                       "coverage/coverage-summary.json", 30.0))
    run.run_tests({})
    assert run.test_run is not None and run.test_run.coverage_percent == 50.0


# -- what the jail shows of the machine ----------------------------------------------------

def test_the_jail_sees_only_its_own_cgroups_mounted_where_a_runtime_looks(tmp_path: Path) -> None:
    v1 = (str(tmp_path / "memory/harness-grade-ab/0001/run/cgroup.procs"),
          str(tmp_path / "pids/harness-grade-ab/0001/run/cgroup.procs"))
    assert cgroup_views(v1, mount=tmp_path) == [
        (str(tmp_path / "memory/harness-grade-ab/0001/run"), str(tmp_path / "memory")),
        (str(tmp_path / "pids/harness-grade-ab/0001/run"), str(tmp_path / "pids"))]
    (tmp_path / "cgroup.controllers").write_text("memory pids cpu\n")  # v2: one hierarchy
    v2 = (str(tmp_path / "harness-grade-ab/0001/run/cgroup.procs"),)
    assert cgroup_views(v2, mount=tmp_path) == [(str(tmp_path / "harness-grade-ab/0001/run"), str(tmp_path))]
    assert cgroup_views(("/elsewhere/run/cgroup.procs",), mount=tmp_path) == [], "an unusual layout stays as is"


def test_bubblewrap_covers_the_cgroup_tree_then_binds_the_phases_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jail, "cgroup_views", lambda procs: [(procs[0].rsplit("/", 1)[0], "/sys/fs/cgroup")])
    argv, _ = JailLauncher(SPEC, tool=lambda name: f"/t/{name}").wrap(CMD, phase="start", cwd=WORK, env={})
    text = " ".join(argv)
    assert text.index("--tmpfs /sys/fs/cgroup") < text.index("--ro-bind /cg/run /sys/fs/cgroup")
    install = " ".join(JailLauncher(SPEC, tool=lambda name: f"/t/{name}").wrap(CMD, phase="install", cwd=WORK,
                                                                                env={})[0])
    assert "--ro-bind /cg/install /sys/fs/cgroup" in install and "/cg/run" not in install
