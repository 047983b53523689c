"""The JDK a lab needs: `java = 21` in lab.toml names the oldest Java its code compiles for.

The machine's default java may be older than a lab needs (a Debian JDK 17 beside a newer one
installed in /usr/lib/jvm). The harness looks, in this order, at JAVA_HOME, the java on PATH
and the usual JDK folders, takes the first JDK that is new enough, and gives the install, the
tests, the checks' commands and the app its JAVA_HOME and its bin/ first on PATH (Maven's
launcher reads JAVA_HOME; java and javac come from PATH). Among the folders, the newest wins.

A JDK's version is read from its `release` file (JAVA_VERSION="21.0.5"), which every JDK
since 9 has: no JVM is started to find one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import EnvironmentProblem

# Where JDKs are installed: Debian/Ubuntu packages and Temurin's (/usr/lib/jvm), Fedora's too,
# the tarballs people unpack into /opt or /usr/local, SDKMAN's candidates.
JDK_FOLDERS = ("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt", "/usr/local", "~/.sdkman/candidates/java")
_VERSION = re.compile(r'^JAVA_VERSION="(\d+)(?:[.+\-"]|$)', re.MULTILINE)


@dataclass(frozen=True)
class Jdk:
    home: Path
    major: int


def jdk_at(home: Path) -> Jdk | None:
    """The JDK in this folder (with bin/java, bin/javac and a readable release file), or None."""
    try:
        text = (home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _VERSION.search(text)
    if match is None or not (home / "bin" / "java").is_file() or not (home / "bin" / "javac").is_file():
        return None
    return Jdk(home, int(match.group(1)))


def _on_path(path: str) -> Path | None:
    """The JDK folder of the first java on PATH (/usr/bin/java -> /usr/lib/jvm/java-17-.../bin/java)."""
    for folder in path.split(os.pathsep):
        java = Path(folder or ".") / "java"
        if java.is_file() and os.access(java, os.X_OK):
            return java.resolve().parent.parent
    return None


def find_jdk(minimum: int, environ: Mapping[str, str],
             folders: Sequence[str] = JDK_FOLDERS) -> tuple[Jdk | None, list[str]]:
    """The JDK to use and what was looked at: JAVA_HOME, then PATH's java, then the newest in `folders`."""
    tried: list[str] = []
    for label, home in (("JAVA_HOME", environ.get("JAVA_HOME")), ("java on PATH", _on_path(environ.get("PATH", "")))):
        if not home:
            continue
        jdk = jdk_at(Path(home))
        tried.append(f"{label}: {home} ({f'Java {jdk.major}' if jdk else 'not a JDK'})")
        if jdk is not None and jdk.major >= minimum:
            return jdk, tried
    found: list[Jdk] = []
    for folder in folders:
        root = Path(folder).expanduser()
        try:
            children = sorted(root.iterdir())
        except OSError:
            continue
        found += [jdk for jdk in map(jdk_at, children) if jdk is not None]
    tried += [f"{jdk.home} (Java {jdk.major})" for jdk in found]
    fit = [jdk for jdk in found if jdk.major >= minimum]
    best = max(fit, key=lambda jdk: (jdk.major, str(jdk.home)), default=None)
    if best is None:
        tried.append(f"no other JDK in {', '.join(folders)}")
    return best, tried


def java_environment(minimum: int | None, environ: Mapping[str, str] | None = None,
                     folders: Sequence[str] = JDK_FOLDERS) -> dict[str, str]:
    """JAVA_HOME and PATH for a lab that needs Java `minimum` or newer ({} when it names none)."""
    if minimum is None:
        return {}
    environ = os.environ if environ is None else environ
    jdk, tried = find_jdk(minimum, environ, folders)
    if jdk is None:
        raise EnvironmentProblem(
            f"this lab needs Java {minimum} or newer (a JDK, with javac), and none was found", tried=tried,
            fixes=[f"Install a JDK {minimum}+ (e.g. `sudo apt install openjdk-{minimum}-jdk-headless`, or "
                   "Temurin from adoptium.net, or `sdk install java` with SDKMAN)",
                   "Or point to one you have: export JAVA_HOME=/path/to/jdk"])
    path = environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    return {"JAVA_HOME": str(jdk.home), "PATH": f"{jdk.home / 'bin'}{os.pathsep}{path}"}
