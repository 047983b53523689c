"""The lab's warmed dependencies: its starter installed once, kept read-only, copied to matches.

`harness grade --warm-deps` installs the lab's starter (or `--warm-deps-from DIR`, a project
the instructor trusts) before grading. The starter's files are the harness's own, but its
install runs third-party package scripts, so it runs exactly as a submission's install
does: in its own workspace, uid and cgroups, through the jail, by a worker started the same
way (this module run as `python -m harness.grading.warm JOB`), with the same environment.
Its install key (runner/deps.py) is therefore the one a submission with the same lockfile,
install command and `[app] env` gets.

After the install the uid's processes are killed (a package script must not keep writing),
and its dependency folders are moved into `<grading scratch>/deps/<key>/`, then sealed:
owned by root, no write bit for anyone, no setuid/setgid bit, nothing but folders, files
and links. A submission whose key matches gets a copy made by its own uid inside its jail
(grading/reuse.py); the store itself is never writable by any submission, so none can
poison another's dependencies. A starter whose install fails, or writes outside its
dependency folders, warms nothing: grading goes on, every submission installing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.catalog import Catalog
from harness.config import load_config
from harness.errors import HarnessError
from harness.grading.jail import JailLauncher
from harness.grading.job import Job
from harness.grading.netns import bring_up_loopback
from harness.grading.verdicts import Signals
from harness.grading.watch import kill_uid
from harness.grading.workspace import SubmissionTooLarge, Workspace, copy_submission
from harness.layers import SKIPPED, lay_out
from harness.proc.reaper import Reaper
from harness.reporters.json_report import write_atomically
from harness.runner.app import AppEnvironment, AppRunner
from harness.runner.deps import DependencyReuse, InstallInputs, Reuse, reusable_dirs
from harness.runner.depstore import DEP_DIRS
from harness.runner.toolchain import java_environment

if TYPE_CHECKING:
    from harness.grading.runner import Grader

MODULE = "harness.grading.warm"
STORE = "deps"
NAME = "(warm-deps)"  # the warming's name in messages; never a submission's (those are folder names)


@dataclass(frozen=True)
class WarmSet:
    key: str                 # the install key of the starter (runner/deps.py)
    store: str               # <scratch>/deps/<key>: root-owned, read-only
    dirs: tuple[str, ...]    # node_modules, .venv, venv: what it holds
    origin: str              # the folder the install ran in: a virtualenv names it
    named: str               # its lockfile, for messages ("package-lock.json")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["dirs"] = list(self.dirs)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WarmSet:
        return cls(key=str(data["key"]), store=str(data["store"]), dirs=tuple(str(d) for d in data["dirs"]),
                   origin=str(data["origin"]), named=str(data["named"]))


class WarmFailed(Exception):
    """Why nothing was warmed: said to the instructor, and grading goes on without it."""


# -- the orchestrator's side ----------------------------------------------------------------
def stage_source(grader: Grader, source: Path) -> Path:
    """The project to warm from, laid out (a starter may be a layer) without dependency folders."""
    target = grader.scratch / "warm-source"
    shutil.rmtree(target, ignore_errors=True)
    return lay_out(source, target, skip=SKIPPED)


def warm_up(grader: Grader, source: Path) -> WarmSet:
    """Install `source` as a submission would be, then seal its dependency folders; WarmFailed says why not."""
    uid: int | None = None
    space: Workspace | None = None
    slot = None
    try:
        if grader.uid_switch:
            uid = grader.take_uid()
        space = Workspace.create(grader.scratch / "warm", grader.settings.home_template)
        try:
            copy_submission(stage_source(grader, source), space.work)
        except SubmissionTooLarge as exc:
            raise WarmFailed(f"the project to warm from is too large ({exc})") from None
        space.hand_over(uid)
        if grader.cgroup_root is not None:
            slot = grader.cgroup_root.child("warm")
            slot.delegate()
        out = space.root / "out"
        out.mkdir(mode=0o700)
        signals = Signals()
        report = grader.run_worker(NAME, space, (uid, None), slot, out, signals, "gwarm", 0, (), module=MODULE)
        if uid is not None:
            kill_uid(uid)  # a package script left running must not write into what is sealed next
        result = report.get("warm") if isinstance(report.get("warm"), dict) else None
        if signals.wall_clock_exceeded:
            raise WarmFailed("its install ran out of the wall-clock limit")
        if result is None or not result.get("ok"):
            reason = result.get("reason") if result else f"the warming worker ended without a report ({out})"
            raise WarmFailed(str(reason))
        dirs = tuple(str(d) for d in result["dirs"])
        store = seal(grader.scratch / STORE, space.work, str(result["key"]), dirs)
        return WarmSet(key=str(result["key"]), store=str(store), dirs=dirs, origin=str(space.work),
                       named=str(result["named"]))
    finally:
        if slot is not None:
            slot.remove()
        if uid is not None:
            grader.give_back_uid(uid)
        if space is not None:
            shutil.rmtree(space.root, ignore_errors=True)
        shutil.rmtree(grader.scratch / "warm-source", ignore_errors=True)


def seal(base: Path, work: Path, key: str, dirs: tuple[str, ...]) -> Path:
    """Move the folders into base/key and make them root's and read-only, before anyone may see them."""
    base.mkdir(mode=0o711, exist_ok=True)
    os.chmod(base, 0o711)  # a submission's uid may pass through (without bwrap), never list it
    entry = base / key
    entry.mkdir(mode=0o700)  # root's alone while it is sealed
    for name in dirs:
        folder = work / name
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise WarmFailed(f"{name} is not a folder after the install")
        os.rename(folder, entry / name)
    for name in dirs:
        _seal_tree(entry / name)
    os.chmod(entry, 0o555)
    return entry


def _seal_tree(root: Path) -> None:
    for folder, subdirs, files in os.walk(root, followlinks=False):
        _seal_one(Path(folder))
        for name in subdirs + files:
            path = Path(folder) / name
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                _seal_one(path)


def _seal_one(path: Path) -> None:
    mode = os.lstat(path).st_mode
    os.lchown(path, 0, 0)  # first: a chown also clears setuid and setgid bits
    if stat.S_ISLNK(mode):
        return  # a link's own mode means nothing; it is copied as a link
    if stat.S_ISDIR(mode):
        os.chmod(path, 0o555)
    elif stat.S_ISREG(mode):
        os.chmod(path, 0o555 if mode & 0o111 else 0o444)
    else:
        raise WarmFailed(f"the install left {path.name}, {stat.filemode(mode)[0]!r}: neither file, folder nor link")


# -- the warming worker: the install alone, as a submission's worker runs it -------------------------
class _Recorder(DependencyReuse):
    """Never skips; after a successful install, notes its key and dependency folders."""

    def __init__(self) -> None:
        super().__init__(None)
        self.result: dict[str, Any] = {"ok": False, "reason": "the project has no install command"}

    def before(self, project: Path, found: InstallInputs) -> Reuse:
        return Reuse(False, "warming the lab's dependencies")

    def after(self, project: Path, found: InstallInputs, before: Mapping[str, tuple[int, int]]) -> str | None:
        dirs, why_not = reusable_dirs(project, found, before)
        if not dirs and not why_not:  # nothing to hand out: each submission runs its (empty) install
            why_not = "the install made no dependency folder (" + ", ".join(DEP_DIRS) + ")"
        if why_not:
            self.result = {"ok": False, "reason": why_not}
        else:
            self.result = {"ok": True, "key": found.key, "dirs": list(dirs), "named": found.named}
        return None


def _install(job: Job) -> dict[str, Any]:
    from harness.grading.worker import capped  # the submission's own module: the same caps

    lab = Catalog.load().resolve(job.lab, None)
    project = capped(load_config(Path(job.workdir)), job)
    recorder = _Recorder()
    reaper = Reaper()
    reaper.start()
    try:
        java = java_environment(lab.manifest().java)  # the JDK the lab needs, as a check run finds it
        app_env = AppEnvironment(port=0, service_urls={}, toolchain=java)
        app = AppRunner(project, workdir=Path(job.workdir), app_env=app_env,
                        reaper=reaper, progress=lambda text: print(text, flush=True),
                        launcher=JailLauncher(job.jail) if job.jail else None,
                        log_limit_bytes=job.policy.limits.log_bytes, deps=recorder, lab_id=lab.id)
        app.install()
    finally:
        reaper.close()
    return recorder.result


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    from harness.grading.worker import die_with_parent

    job = Job.read(Path(argv[0]))
    die_with_parent()
    signal.signal(signal.SIGTERM, _interrupt)
    result: dict[str, Any] = {"ok": False, "reason": "interrupted"}
    try:
        if job.netns:
            bring_up_loopback()
        result = _install(job)
    except KeyboardInterrupt:
        pass
    except HarnessError as exc:
        result = {"ok": False, "reason": exc.message}
    except Exception as exc:  # the report must be written whatever happened
        result = {"ok": False, "reason": f"{type(exc).__name__}: {exc}"}
    finally:
        write_atomically(Path(job.out) / "worker.json", json.dumps({"warm": result}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
