"""A graded submission's install, replaced by a copy of the lab's warmed dependencies when it may be.

Used by the worker (as root) in place of `harness check`'s reuse. The copy is made only when
the submission's install key (its manifests, read without following links, its install
command, its `[app] env`, the toolchain, the lab) equals the warmed one, and the submission
has none of the dependency folders itself, not even as a link: a submitted `node_modules`
pointing at /etc is never written through, its own install runs instead.

Root writes nothing into the submission's folder: the copy (`cp -a` from the store, bound
read-only into the jail for this step alone), making it writable for its owner, and a
virtualenv's path rewritten for its new folder all run as the submission's uid, in its jail,
in its install cgroups, without network and with a fixed environment (none of the
submission's variables). Any failure removes what was copied, and the install runs.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness import systools as tools
from harness.grading.jail import COPY
from harness.grading.warm import WarmSet
from harness.proc.process import run_to_end
from harness.runner import relocate
from harness.runner.app import Launcher
from harness.runner.deps import DependencyReuse, InstallInputs, Reuse
from harness.runner.depstore import DEP_DIRS

COPY_ENV = {"PATH": tools.SYSTEM_PATH, "LC_ALL": "C", "HOME": "/nonexistent"}
TAIL_LINES = 10


class WarmedDeps(DependencyReuse):
    def __init__(self, warm: WarmSet, launcher: Launcher, say: Callable[[str], None], timeout_s: float) -> None:
        super().__init__(None)
        self.warm = warm
        self.launcher = launcher
        self.say = say
        self.timeout_s = timeout_s
        self.record: dict[str, Any] = {}  # what happened, for worker.json and the summary

    def before(self, project: Path, found: InstallInputs) -> Reuse:
        reason = self._why_not(project, found)
        if reason is None:
            started = time.monotonic()
            reason = self._copy(project)
            if reason is None:
                seconds = time.monotonic() - started
                self.record = {"warm_copy": True, "seconds": round(seconds, 2)}
                return Reuse(True, f"install skipped: the dependencies for this {found.named} were copied from the "
                                   f"lab's warmed dependencies ({', '.join(self.warm.dirs)}, {seconds:.1f} s)")
        self.record = {"warm_copy": False, "reason": reason}
        self.say(f"the lab's warmed dependencies are not used: {reason}; the install runs")
        return Reuse(False, reason)

    def after(self, project: Path, found: InstallInputs, before: Mapping[str, tuple[int, int]]) -> str | None:
        return None  # nothing of a submission's install is ever kept

    def _why_not(self, project: Path, found: InstallInputs) -> str | None:
        if found.local_reason:
            return found.local_reason
        if found.key != self.warm.key:
            return (f"its install inputs ({found.named}, the install command, [app] env) differ from the lab's "
                    f"({self.warm.named})")
        own = [name for name in DEP_DIRS if os.path.lexists(project / name)]
        if own:
            return f"it has its own {own[0]}"
        return None

    def _copy(self, project: Path) -> str | None:
        """The copy as the submission's uid; None when it worked, else why not (and nothing is left)."""
        store = Path(self.warm.store)
        steps = []
        for name in self.warm.dirs:
            target = project / name
            steps += [[tools.tool("cp"), "-a", "--", str(store / name), str(target)],
                      [tools.tool("chmod"), "-R", "u+w", "--", str(target)]]
            if (store / name / "pyvenv.cfg").is_file():
                steps.append([_python(), "-I", "-S", "-c", Path(relocate.__file__).read_text(),
                              os.path.join(self.warm.origin, name), str(target), str(target)])
        undo = [tools.tool("rm"), "-rf", "--", *(str(project / name) for name in self.warm.dirs)]
        script = (" && ".join(shlex.join(step) for step in steps)
                  + f" || {{ status=$?; {shlex.join(undo)}; exit $status; }}")
        argv, env = self.launcher.wrap(["/bin/sh", "-c", script], phase=COPY, cwd=project, env=COPY_ENV)
        user, group = self.launcher.account()
        code, log, _seconds = run_to_end(COPY, argv, cwd=project, env=env, timeout_s=self.timeout_s,
                                         user=user, group=group)
        if code == 0:
            return None
        if code is None:  # stopped halfway: what it copied goes, still as the submission's uid
            argv, env = self.launcher.wrap(undo, phase=COPY, cwd=project, env=COPY_ENV)
            run_to_end(COPY, argv, cwd=project, env=env, timeout_s=self.timeout_s, user=user, group=group)
        ended = "did not finish in time" if code is None else f"failed with exit code {code}"
        tail = log.tail(TAIL_LINES).strip()
        return f"copying them {ended}" + (f": {tail}" if tail else "")


def _python() -> str:
    """The system's python (readable by any uid, unlike a harness installed under /root)."""
    return tools.find("python3") or sys.executable
