"""Each submission's own folders and uid, made from an untrusted folder without trusting it.

The copy never follows a symlink (a link to /etc/shadow stays a link the submission's uid
cannot read through), skips FIFOs, sockets and devices (reading a FIFO as root would hang
the grader) and hard links to files not everyone may read (the copy would be readable by
the submission), and stops at a size and a file count, so a submission cannot fill the
disk or the grader's time before it even runs. What it skips is named in grader.log.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from harness.grading.leftovers import owned_entries

DEFAULT_UIDS = (1_790_000, 1_799_999)  # no passwd entries; far above any distribution's range
MAX_BYTES = 256 * 1024 * 1024
MAX_FILES = 50_000


class SubmissionTooLarge(Exception):
    pass


@dataclass
class CopyReport:
    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)  # special files, with what they were


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "a special file"


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
MAX_DEPTH = 200  # folders inside folders; each level holds a descriptor while it is copied
_CHUNK = 1024 * 1024


@dataclass
class _Folder:
    fd: int
    target: Path
    prefix: str                              # its path in the submission, with a trailing /
    pending: list[tuple[str, os.stat_result]]


def _listing(fd: int) -> list[tuple[str, os.stat_result]]:
    with os.scandir(fd) as entries:
        return [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries]


def copy_submission(src: Path, dst: Path, *, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> CopyReport:
    """Copy as root, through descriptors: every folder and file is opened without following
    links, so a folder swapped for a link halfway through is not followed either."""
    report = CopyReport()
    dst.mkdir(parents=True, exist_ok=True)
    top = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    stack = [_Folder(top, dst, "", _listing(top))]
    try:
        while stack:
            folder = stack[-1]
            if not folder.pending:
                os.close(stack.pop().fd)
                continue
            name, st = folder.pending.pop()
            out = folder.target / name
            rel = folder.prefix + name
            report.files += 1
            if report.files > max_files:
                raise SubmissionTooLarge(f"more than {max_files} files")
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(name, dir_fd=folder.fd), out)
            elif stat.S_ISDIR(st.st_mode):
                if len(stack) > MAX_DEPTH:
                    raise SubmissionTooLarge(f"folders nested more than {MAX_DEPTH} deep")
                try:
                    fd = os.open(name, _DIR_FLAGS, dir_fd=folder.fd)
                except OSError:  # replaced by a link or removed since it was listed
                    report.skipped.append(f"{rel} (changed while it was copied)")
                    continue
                out.mkdir()
                stack.append(_Folder(fd, out, rel + "/", _listing(fd)))
            elif stat.S_ISREG(st.st_mode):
                _copy_file(folder.fd, name, out, rel, report, max_bytes)
            else:
                report.skipped.append(f"{rel} ({_kind(st.st_mode)})")
    finally:
        for folder in stack:
            os.close(folder.fd)
    return report


def _copy_file(folder: int, name: str, out: Path, rel: str, report: CopyReport, max_bytes: int) -> None:
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=folder)
    except OSError:
        report.skipped.append(f"{rel} (changed while it was copied)")
        return
    with os.fdopen(fd, "rb") as source:
        st = os.fstat(fd)  # the file opened, not the name listed: it may have been swapped
        if not stat.S_ISREG(st.st_mode):
            report.skipped.append(f"{rel} ({_kind(st.st_mode)})")
            return
        # A hard link shares its content with a file elsewhere on the disk, which may be one
        # only root can read (/etc/shadow linked into the submissions folder): the copy, the
        # submission's own, would hand it over. Such a file is copied only when anyone may read it.
        if st.st_nlink > 1 and not st.st_mode & stat.S_IROTH:
            report.skipped.append(f"{rel} (a hard link to a file that not everyone may read)")
            return
        report.bytes += st.st_size
        if report.bytes > max_bytes:
            raise SubmissionTooLarge(f"more than {max_bytes // (1024 * 1024)} MB")
        with open(out, "xb") as target:
            left = st.st_size  # what it held when opened: a file growing meanwhile is cut there
            while left > 0 and (chunk := source.read(min(_CHUNK, left))):
                target.write(chunk)
                left -= len(chunk)
        os.chmod(out, stat.S_IMODE(st.st_mode) & 0o755 | 0o600)


def chown_tree(root: Path, uid: int) -> None:
    os.lchown(root, uid, uid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, uid)


def uid_in_use(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        pass
    for proc in psutil.process_iter(["uids"]):
        uids = proc.info.get("uids")
        if uids is not None and uid in (uids.real, uids.effective):
            return True
    # Files of its in /tmp (a grader killed before it swept them, leftovers.py): another
    # submission given this uid would own them.
    return bool(owned_entries(uid))


def allocate_uid(low: int, high: int, taken: set[int]) -> int:
    """A uid of the range that nobody uses: no passwd entry, no process, no file in the shared
    temporary folders, not another job's."""
    for _ in range(200):
        uid = low + secrets.randbelow(high - low + 1)
        if uid not in taken and not uid_in_use(uid):
            taken.add(uid)
            return uid
    raise RuntimeError(f"no free uid in {low}-{high}")


@dataclass(frozen=True)
class Workspace:
    root: Path   # <scratch>/<slot>: root-owned, 0711
    work: Path   # the submission's copy: its uid, 0700
    home: Path   # its HOME: its uid, 0700
    tmp: Path    # the worker's TMPDIR: PostgreSQL's data, run files (root, 0711)
    apptmp: Path  # the app's TMPDIR when bwrap is not there to give it a private /tmp

    @classmethod
    def create(cls, root: Path, home_template: Path | None = None) -> Workspace:
        root.mkdir(mode=0o711)
        os.chmod(root, 0o711)  # PostgreSQL's account must traverse to its data dir
        space = cls(root, root / "work", root / "home", root / "tmp", root / "apptmp")
        for path in (space.home, space.tmp, space.apptmp):
            path.mkdir(mode=0o700)
        os.chmod(space.tmp, 0o711)
        if home_template is not None:
            shutil.copytree(home_template, space.home, symlinks=True, dirs_exist_ok=True)
        return space

    def hand_over(self, uid: int | None) -> None:
        """The submission's folders become its uid's; nobody else's uid can enter them."""
        for path in (self.work, self.home, self.apptmp):
            if uid is not None:
                chown_tree(path, uid)
            os.chmod(path, 0o700)
