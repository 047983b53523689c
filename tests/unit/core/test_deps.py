"""Dependency reuse (harness/runner/deps.py, depstore.py): never stale, never from a build."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from harness.grading.reuse import WarmedDeps
from harness.grading.warm import WarmSet, _Recorder
from harness.runner.app import DirectLauncher
from harness.runner.deps import RECORD, DependencyReuse, inputs, source_snapshot
from harness.runner.depstore import DepStore
from tests.support.waiting import HANG_S, wait_for

COMMAND = "npm ci"


def _project(root: Path, lock: str = '{"lockfileVersion": 3}') -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text('{"name": "shelf", "dependencies": {"pg": "^8"}}')
    (root / "package-lock.json").write_text(lock)
    (root / "src").mkdir()
    (root / "src" / "server.js").write_text("console.log('hi')\n")
    return root


def _install(project: Path, reuse: DependencyReuse, env: dict[str, str], *, writes: str | None = None) -> str | None:
    """What AppRunner.install does around a successful install command."""
    found = inputs(project, COMMAND, env, "node/week-18")
    before = source_snapshot(project)
    (project / "node_modules" / "pg").mkdir(parents=True, exist_ok=True)
    (project / "node_modules" / "pg" / "index.js").write_text("module.exports = {}\n")
    if writes:
        (project / writes).write_text("built\n")
    return reuse.after(project, found, before)


def _skips(project: Path, reuse: DependencyReuse, env: dict[str, str]) -> bool:
    return reuse.before(project, inputs(project, COMMAND, env, "node/week-18")).skip


def _env(tmp_path: Path) -> dict[str, str]:
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    node = tools / "node"
    node.write_text("#!/bin/sh\necho v20\n")
    node.chmod(0o755)
    return {"PATH": f"{tools}:/usr/bin:/bin"}


def test_an_unchanged_install_is_skipped_and_a_changed_lockfile_installs_again(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    reuse = DependencyReuse(None)
    assert not _skips(project, reuse, env), "nothing was installed yet"
    assert _install(project, reuse, env) is None
    decision = reuse.before(project, inputs(project, COMMAND, env, "node/week-18"))
    assert decision.skip and "package-lock.json unchanged" in decision.message
    (project / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    assert not _skips(project, reuse, env), "a changed lockfile always installs"


def test_an_install_with_nothing_to_install_is_skipped_in_place_and_never_cached(tmp_path: Path) -> None:
    """A project of node's built-ins alone: its `npm ci` makes no folder and writes nothing."""
    env = _env(tmp_path)
    store = DepStore(tmp_path / "cache")
    project = _project(tmp_path / "p")
    reuse = DependencyReuse(store)
    found = inputs(project, COMMAND, env, "node/week-31")
    assert not reuse.before(project, found).skip
    assert reuse.after(project, found, source_snapshot(project)) is None
    again = reuse.before(project, inputs(project, COMMAND, env, "node/week-31"))
    assert again.skip and "package-lock.json unchanged" in again.message
    (project / "node_modules").mkdir()  # not what the install left: it runs again
    assert not reuse.before(project, inputs(project, COMMAND, env, "node/week-31")).skip
    other = _project(tmp_path / "other")
    assert not reuse.before(other, inputs(other, COMMAND, env, "node/week-31")).skip, "no entry to copy"
    assert not any(entry.is_dir() for entry in (tmp_path / "cache").iterdir())


def test_the_key_covers_command_environment_lab_and_toolchain(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    key = inputs(project, COMMAND, env, "node/week-18").key
    assert inputs(project, "npm ci --include=dev", env, "node/week-18").key != key
    assert inputs(project, COMMAND, {**env, "NODE_ENV": "production"}, "node/week-18").key != key
    assert inputs(project, COMMAND, env, "node/week-21").key != key
    assert inputs(project, COMMAND, {**env, "PORT": "1234"}, "node/week-18").key == key, "the port is not an input"
    node = tmp_path / "tools" / "node"
    node.write_text("#!/bin/sh\necho v22\n")  # another toolchain: another size
    assert inputs(project, COMMAND, env, "node/week-18").key != key


def test_a_forced_reinstall_and_a_deleted_folder_install_again(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    assert _install(project, DependencyReuse(None), env) is None
    assert not _skips(project, DependencyReuse(None, reinstall=True), env)
    assert _install(project, DependencyReuse(None), env) is None
    (project / "node_modules" / "pg" / "index.js").unlink()
    (project / "node_modules" / "pg").rmdir()
    assert not _skips(project, DependencyReuse(None), env), "the folder the install made changed"


def test_a_failed_install_leaves_nothing_to_reuse(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    reuse = DependencyReuse(None)
    assert _install(project, reuse, env) is None
    (project / "package-lock.json").write_text('{"lockfileVersion": 3, "broken": true}')
    assert not _skips(project, reuse, env)  # the install that follows fails: nothing is recorded
    assert not (project / RECORD).exists()
    (project / "package-lock.json").write_text('{"lockfileVersion": 3}')
    assert not _skips(project, reuse, env), "back to the old lockfile, after a failed install in between"


def test_an_install_that_builds_or_installs_the_project_itself_is_never_reused(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    reuse = DependencyReuse(None)
    why = _install(project, reuse, env, writes="bundle.js")
    assert why is not None and "bundle.js" in why
    assert not _skips(project, reuse, env)
    python = _project(tmp_path / "py")
    (python / "requirements.txt").write_text("fastapi==0.115.0\n-e .\n")
    found = inputs(python, "pip install -r requirements.txt", env, "python/week-11")
    assert found.local_reason is not None and "requirements.txt" in found.local_reason
    (python / "package.json").write_text('{"dependencies": {"shelf-core": "file:../core"}}')
    assert inputs(python, COMMAND, env, "node/week-18").local_reason is not None


def test_the_cache_gives_another_project_a_copy_with_its_own_virtualenv_paths(tmp_path: Path) -> None:
    store = DepStore(tmp_path / "cache")
    env = _env(tmp_path)
    first = _project(tmp_path / "first")
    venv = first / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\ncommand = /usr/bin/python3 -m venv {venv}\n")
    script = venv / "bin" / "uvicorn"
    script.write_text(f"#!{venv}/bin/python3\nimport uvicorn\n")
    script.chmod(0o755)
    reuse = DependencyReuse(store)
    found = inputs(first, "pip install -r requirements.txt", env, "python/week-11")
    assert reuse.after(first, found, source_snapshot(first)) is None
    second = _project(tmp_path / "second")
    decision = reuse.before(second, inputs(second, "pip install -r requirements.txt", env, "python/week-11"))
    assert decision.skip and "copied from the cache" in decision.message
    copied = (second / ".venv" / "bin" / "uvicorn").read_text()
    assert copied.startswith(f"#!{second.resolve()}/.venv/bin/python3"), copied
    assert os.access(second / ".venv" / "bin" / "uvicorn", os.X_OK)
    assert script.read_text().startswith(f"#!{venv}"), "the cache's copy and the first project are unchanged"
    (second / ".venv" / "bin" / "uvicorn").write_text("changed by the second project\n")
    third = _project(tmp_path / "third")
    assert reuse.before(third, inputs(third, "pip install -r requirements.txt", env, "python/week-11")).skip
    assert "import uvicorn" in (third / ".venv" / "bin" / "uvicorn").read_text(), "copies, never links"


def test_a_project_that_writes_into_a_linked_dependency_never_passes_it_on(tmp_path: Path) -> None:
    """The cache hands out hard links: a write in place would reach the next project, so it is seen."""
    store = DepStore(tmp_path / "cache")
    env = _env(tmp_path)
    reuse = DependencyReuse(store)
    assert _install(_project(tmp_path / "first"), reuse, env) is None
    second = _project(tmp_path / "second")
    assert _skips(second, reuse, env)
    linked = second / "node_modules" / "pg" / "index.js"
    assert linked.stat().st_nlink > 1, "the second project's file is a link to the cache's, not a copy"
    # Replacing a file (what npm, pip and Python's bytecode cache do) leaves the cache alone.
    linked.unlink()
    linked.write_text("module.exports = 'replaced'\n")
    third = _project(tmp_path / "third")
    assert _skips(third, reuse, env)
    assert (third / "node_modules" / "pg" / "index.js").read_text() == "module.exports = {}\n"
    # A write in place goes through the link into the cache's own file: never handed out again.
    with (third / "node_modules" / "pg" / "index.js").open("a") as patched:
        patched.write("module.exports.patched = true\n")
    fourth = _project(tmp_path / "fourth")
    assert not _skips(fourth, reuse, env), "the changed entry is dropped and the fourth project installs"
    assert not (fourth / "node_modules").exists()
    assert not list((tmp_path / "cache").glob("[!.]*")), "the entry is gone"


def test_a_linked_or_special_manifest_is_never_read_and_never_reused(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    secret = tmp_path / "secret.json"
    secret.write_text('{"lockfileVersion": 3}')
    (project / "package-lock.json").unlink()
    (project / "package-lock.json").symlink_to(secret)
    found = inputs(project, COMMAND, env, "node/week-18")
    assert found.local_reason == "package-lock.json is a symbolic link or not a regular file"
    (project / "package-lock.json").unlink()
    os.mkfifo(project / "package-lock.json")  # read as root, a FIFO would hang the grader
    assert inputs(project, COMMAND, env, "node/week-18").local_reason is not None


def test_the_temp_folder_is_not_an_input(tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = _project(tmp_path / "p")
    key = inputs(project, COMMAND, {**env, "TMPDIR": "/scratch/0001/tmp"}, "node/week-18").key
    assert inputs(project, COMMAND, {**env, "TMPDIR": "/scratch/0002/tmp"}, "node/week-18").key == key


def test_the_relocation_runs_alone_as_grading_runs_it(tmp_path: Path) -> None:
    """Grading runs relocate.py's source with the system python, no harness importable (-I -S)."""
    import shutil
    import subprocess

    from harness.runner import relocate

    old, new = tmp_path / "a" / ".venv", tmp_path / "b" / ".venv"
    (new / "bin").mkdir(parents=True)
    (new / "pyvenv.cfg").write_text(f"command = /usr/bin/python3 -m venv {old}\n")
    (new / "bin" / "tool").write_text(f"#!{old}/bin/python\nprint('hi')\n")
    (new / "bin" / "tool").chmod(0o755)
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python is not None
    subprocess.run([python, "-I", "-S", "-c", Path(relocate.__file__).read_text(), str(old), str(new), str(new)],
                   check=True, cwd=tmp_path)
    assert (new / "bin" / "tool").read_text().startswith(f"#!{new}/bin/python\n")
    assert (new / "bin" / "tool").stat().st_mode & 0o777 == 0o755
    assert str(old) not in (new / "pyvenv.cfg").read_text()


def test_one_install_per_key_at_a_time_and_none_waits_on_a_key_that_builds(tmp_path: Path) -> None:
    store = DepStore(tmp_path / "deps")
    said: list[str] = []
    second_saw: list[tuple[bool, bool]] = []  # (waited, the first had let go): read by this thread
    with store.claim("k1", 60, lambda: said.append("first")) as waited:
        assert not waited
        released = threading.Event()

        def second() -> None:
            with store.claim("k1", 60, lambda: said.append("second")) as waited_too:
                second_saw.append((waited_too, released.is_set()))

        other = threading.Thread(target=second)
        other.start()
        wait_for("the second claim waiting", lambda: said)
        assert said == ["second"]  # it waits while the first holds the key
        with store.claim("k2", 60, lambda: said.append("k2")) as waited_other:
            assert not waited_other  # another key is not held
        released.set()
    other.join(HANG_S)
    assert not other.is_alive() and second_saw == [(True, True)]
    # Past its wait the caller goes on (and installs, as without a cache).
    with store.claim("k1", 60, lambda: None), store.claim("k1", 0.3, lambda: said.append("late")) as late:
        assert late and said[-1] == "late"
    # A key whose install also builds is never waited on.
    store.builds("k1")
    with store.claim("k1", 60, lambda: None), store.claim("k1", 60, lambda: said.append("builds")) as built:
        assert not built and said[-1] == "late"


def test_grading_never_locks_nor_marks_a_key(tmp_path: Path) -> None:
    """A graded submission's install goes through reuses without a store (the lab's warmed set,
    the warming recorder): nothing of it reaches the user's cache, where root's runs wait."""
    warm = WarmSet(key="k", store=str(tmp_path / "warm"), dirs=("node_modules",), origin="/x", named="p")
    for reuse in (WarmedDeps(warm, DirectLauncher(), lambda text: None, 10.0), _Recorder()):
        assert reuse.store is None
        found = inputs(_project(tmp_path / type(reuse).__name__), COMMAND, {}, "node/week-18")
        with reuse.one_at_a_time(found, 60, lambda: pytest.fail("a graded install waited")) as waited:
            assert not waited


def test_an_evicted_entry_takes_its_lock_along(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.runner.depstore.KEEP", 1)
    store = DepStore(tmp_path / "deps")
    project = tmp_path / "project"
    (project / "node_modules").mkdir(parents=True)
    (project / "node_modules" / "x.js").write_text("module.exports = 1\n")
    for key in ("old", "new"):
        with store.claim(key, 60, lambda: None):
            store.save(key, project, ("node_modules",))
        if key == "old":
            os.utime(store.root / key, (1, 1))  # older than the next one, whatever the clock's grain
    assert sorted(p.name for p in store.root.iterdir()) == [".new.lock", "new"]


def test_warming_an_install_with_nothing_to_install_hands_out_nothing(tmp_path: Path) -> None:
    """The lab's warmed set needs folders to copy: an install that made none is not warmed, and
    each submission runs its own (empty) install."""
    project = _project(tmp_path / "p")
    found = inputs(project, COMMAND, _env(tmp_path), "node/week-31")
    recorder = _Recorder()
    recorder.after(project, found, source_snapshot(project))
    assert recorder.result == {"ok": False,
                               "reason": "the install made no dependency folder (node_modules, .venv, venv)"}
