"""The system tools the harness runs as root, found once in the system's own folders.

A root step must never look a tool up through a PATH that a submission could set (its
`[app] env` reaches the environment of its own commands) or through the grader's working
folder: `prlimit` found in `./bin` would run the submission's script as root before the
jail exists. So every root step names its tool by the absolute path found here, in a fixed
list of root-owned system folders, and runs with ROOT_ENV, a fixed environment with none
of the submission's variables (no PATH of its own, no LD_PRELOAD).
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Sequence
from functools import cache

from harness.errors import EnvironmentProblem

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Everything a root step of the jail chain needs: its tools are named by absolute path.
ROOT_ENV: dict[str, str] = {"PATH": SYSTEM_PATH, "LC_ALL": "C"}


def find(name: str) -> str | None:
    """The absolute path of a system tool, or None; never from the caller's PATH."""
    return shutil.which(name, path=SYSTEM_PATH)


@cache
def tool(name: str) -> str:
    found = find(name)
    if found is None:
        raise EnvironmentProblem(
            f"the harness needs {name} and found none in the system folders",
            tried=[f"{folder}/{name}" for folder in SYSTEM_PATH.split(":")],
            fixes=["apt-get install util-linux iproute2 bubblewrap coreutils"],
        )
    return found


def joining(procs_files: Sequence[str], label: str, *, first: Sequence[str] = ()) -> list[str]:
    """A root step that runs `first` (shell words), writes its own pid into each cgroup.procs
    file, then execs the rest of the chain: what follows never runs outside those groups."""
    steps = [*first, *(f"echo $$ > {shlex.quote(path)}" for path in procs_files)]
    script = f'{" && ".join(steps)} || {{ echo "harness: could not join the cgroup" >&2; exit 125; }}; exec "$@"'
    return ["/bin/sh", "-c", script, label]
