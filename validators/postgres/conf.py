"""The learner's conf.d: read as data, never followed out of the project, refused where it would
take the harness's own access to the server.

The files are copied into the cluster's folder and included from its postgresql.conf: only the
server reads them as configuration, as its own unprivileged account. The harness (root when
grading) reads nothing a link points at and no special file, so no file outside the project
reaches the server through a copy made with the harness's rights.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

CONF_DIR = "conf.d"
MAX_FILE_BYTES = 64 * 1024  # a configuration is a few hundred lines; more is not a config
MAX_FILES = 32

# Keys the harness sets itself: how it reaches the server, where the cluster lives, where its log
# goes. Each reason is said to the learner with the key.
OWNED = {
    "listen_addresses": "the harness connects on 127.0.0.1 at a port it picks; the server listens there only",
    "port": "the harness picks a free port for each server it starts",
    "unix_socket_directories": "the harness's server has no Unix socket (every connection goes over 127.0.0.1)",
    "unix_socket_group": "the harness's server has no Unix socket",
    "unix_socket_permissions": "the harness's server has no Unix socket",
    "data_directory": "the harness creates the cluster's data directory for each run",
    "config_file": "the harness writes postgresql.conf and includes your conf.d from it",
    "hba_file": "the harness's own login depends on the cluster's pg_hba.conf",
    "ident_file": "the harness's own login depends on the cluster's authentication files",
    "external_pid_file": "the harness stops the server by its process, not a pid file",
    "shared_preload_libraries": "it loads code into every server process at start; this lab needs none",
    "session_preload_libraries": "it loads code into every session, the harness's too; this lab needs none",
    "local_preload_libraries": "it loads code into every session; this lab needs none",
    "dynamic_library_path": "it says where the server loads code from; this lab loads none of its own",
    "logging_collector": "the harness reads the server's log from its standard error to show it to you",
    "log_destination": "the harness reads the server's log from its standard error to show it to you",
}
_INCLUDE = re.compile(r"^\s*(include|include_dir|include_if_exists)\b", re.IGNORECASE)
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.$-]*)\s*(=|\s|$)")


class ConfRefused(Exception):
    """Why the conf.d cannot be used: a message and the fix, for the learner."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class ConfFile:
    name: str  # file name inside conf.d
    text: str


def read_conf(project: Path) -> list[ConfFile]:
    """The *.conf files of project/conf.d, in the order PostgreSQL reads them (by name).

    The folder is opened once without following a link, and its files are opened relative to
    that handle: a conf.d swapped for a link after the check cannot lead the read elsewhere."""
    folder = project / CONF_DIR
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise ConfRefused(f"{CONF_DIR}/ is missing", "Create conf.d/ with your settings in *.conf files, "
                                                     "as the lab's starter does.") from None
    except OSError:
        raise ConfRefused(f"{CONF_DIR} is not a folder (a link or a file)", "Make conf.d/ a plain folder.") from None
    try:
        names = sorted(n for n in os.listdir(dir_fd) if n.endswith(".conf") and not n.startswith("."))
        if not names:
            raise ConfRefused(f"{CONF_DIR}/ holds no *.conf file", "Put your settings in conf.d/*.conf files.")
        if len(names) > MAX_FILES:
            raise ConfRefused(f"{CONF_DIR}/ holds {len(names)} .conf files, more than the {MAX_FILES} read",
                              "Keep the configuration in a few files.")
        return [_read_one(dir_fd, name) for name in names]
    finally:
        os.close(dir_fd)


def _read_one(dir_fd: int, name: str) -> ConfFile:
    where = f"{CONF_DIR}/{name}"
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError as exc:
        raise ConfRefused(f"{where} cannot be read ({exc.strerror}; a link is not followed)",
                          "Make it a plain file inside the project.") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ConfRefused(f"{where} is not a plain file", "Make it a plain file inside the project.")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ConfRefused(f"{where} is larger than {MAX_FILE_BYTES // 1024} KB", "Keep the settings only.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfRefused(f"{where} is not UTF-8 text", "Save it as UTF-8 text.") from None
    if "\0" in text:
        raise ConfRefused(f"{where} holds a NUL character", "Save it as plain text.")
    for number, line in enumerate(text.splitlines(), start=1):
        _refuse_line(where, number, line)
    return ConfFile(name, text)


def _refuse_line(where: str, number: int, line: str) -> None:
    if _INCLUDE.match(line):
        raise ConfRefused(f"{where} line {number} includes another file: {line.strip()}",
                          "Put every setting in conf.d/*.conf itself: the harness includes that folder, "
                          "and reads no file outside it.")
    match = _KEY.match(line)
    if match is None:
        return
    key = match.group(1).lower()
    if key in OWNED:
        raise ConfRefused(f"{where} line {number} sets {key}, which the harness sets itself: {OWNED[key]}",
                          f"Remove {key} from {where}.")


def lay_out(files: list[ConfFile], data: Path) -> str:
    """Write the files into the cluster's data folder and include them from postgresql.conf;
    the folder's name (what pg_settings.sourcefile shows under the data folder)."""
    target = data / CONF_DIR
    target.mkdir(mode=0o700)
    for file in files:
        (target / file.name).write_text(file.text, encoding="utf-8")
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# The learner's configuration, last: it decides every key it sets.\n"
                   f"include_dir = '{CONF_DIR}'\n")
    return str(target)
