"""Each submission's own folders and uid, made from an untrusted folder without trusting it.

The copy never follows a symlink (a link to /etc/shadow stays a link the submission's uid
cannot read through), skips FIFOs, sockets and devices (reading a FIFO as root would hang
the grader), and stops at a size and a file count, so a submission cannot fill the disk
or the grader's time before it even runs.
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


def copy_submission(src: Path, dst: Path, *, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> CopyReport:
    report = CopyReport()
    dst.mkdir(parents=True, exist_ok=True)
    stack = [(src, dst)]
    while stack:
        source, target = stack.pop()
        with os.scandir(source) as entries:
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                out = target / entry.name
                rel = os.path.relpath(entry.path, src)
                report.files += 1
                if report.files > max_files:
                    raise SubmissionTooLarge(f"more than {max_files} files")
                if stat.S_ISLNK(st.st_mode):
                    os.symlink(os.readlink(entry.path), out)
                elif stat.S_ISDIR(st.st_mode):
                    out.mkdir()
                    stack.append((Path(entry.path), out))
                elif stat.S_ISREG(st.st_mode):
                    report.bytes += st.st_size
                    if report.bytes > max_bytes:
                        raise SubmissionTooLarge(f"more than {max_bytes // (1024 * 1024)} MB")
                    shutil.copyfile(entry.path, out, follow_symlinks=False)
                    os.chmod(out, stat.S_IMODE(st.st_mode) & 0o755 | 0o600)
                else:
                    report.skipped.append(f"{rel} ({_kind(st.st_mode)})")
    return report


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
    return False


def allocate_uid(low: int, high: int, taken: set[int]) -> int:
    """A uid of the range that nobody uses: no passwd entry, no process, not another job's."""
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
