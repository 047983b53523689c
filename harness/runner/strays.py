"""The folders an app's embedded Java web server leaves in /tmp, removed when the app stops.

The harness gives the app a TMPDIR of the run's own, which a JVM does not read: its
java.io.tmpdir is /tmp whatever the environment says. Spring Boot's embedded Tomcat makes
two folders there at each start, `tomcat.<port>.<n>` and `tomcat-docbase.<port>.<n>`, which
its deleteOnExit cannot remove because they are not empty when the JVM exits (Undertow and
Jetty do the same with names of their own). A learner's re-checks, and a watch mode that
restarts the app at each save, would fill /tmp with them.

What is removed is only what this run's app made, told by three things: the folder was not
there before the app started, its name is one of those servers' with one of the app's own
ports in it, and it was there while the app held that port (noted once the app answered its
health route: another run's app can take the port only after ours let it go). Only folders of
the harness's own account, never through a link, and never when grading: a graded app runs
in a jail with a /tmp of its own, and nothing a submission made is removed as root.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

SYSTEM_TEMP = Path("/tmp")  # the JVM's java.io.tmpdir on Linux, whatever TMPDIR says
# Tomcat: tomcat.8080.123, tomcat-docbase.8080.123; Undertow: undertow.8080.123,
# undertow-docbase.8080.123; Jetty: jetty-127_0_0_1-8080-ROOT_war-_-any-123.
NAMES = (re.compile(r"^(?:tomcat|tomcat-docbase|undertow|undertow-docbase)\.(\d+)\.\d+$"),
         re.compile(r"^jetty-[^-]+-(\d+)-.+$"))


def port_of(name: str) -> int | None:
    """The port in a server folder's name; None for any other name."""
    for pattern in NAMES:
        found = pattern.match(name)
        if found:
            return int(found.group(1))
    return None


def _listing(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


class ServerTempFolders:
    """Before the app starts: `before()`; once it answers: `note(ports)`; once it stopped: `sweep()`."""

    def __init__(self, *, enabled: bool, folder: Path = SYSTEM_TEMP) -> None:
        self.enabled = enabled
        self.folder = folder
        self._before: set[str] = set()
        self._ours: set[str] = set()

    def before(self) -> None:
        if self.enabled:
            self._before = _listing(self.folder)

    def note(self, ports: Iterable[int]) -> None:
        """The new server folders named after one of the app's ports, while it holds them."""
        if not self.enabled:
            return
        wanted = set(ports)
        self._ours |= {name for name in _listing(self.folder) - self._before if port_of(name) in wanted}

    def sweep(self) -> list[str]:
        """Remove the folders noted; the names removed."""
        removed = []
        for name in sorted(self._ours):
            path = self.folder / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid():
                shutil.rmtree(path, ignore_errors=True)  # fd-based: never follows a link inside
                removed.append(name)
        self._ours.clear()
        return removed
