"""One grading per lab for the tests that read it: a lab's reference ("solved") and one defect
("slipped") graded in the jail once per test session, whichever test asks first.

Why shared: test_grade_languages grades python/week-11 with its dependencies warmed from the
python/week-18 starter (its base project), and test_grade_warm_deps reads the same grading for
the relocated virtualenv; grading it twice, with and without the warming, cost twice the
same pip install and run and proved nothing more (python/week-01 proves a submission's own
pip install into its .venv in the jail).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.catalog import Catalog
from tests.grading.support import Graded, grade, grading_alone
from tests.support.projects import materialize

# Labs graded with their dependencies warmed from another lab's starter (--warm-deps-from):
# the submissions' install inputs match it, so each gets a copy of its .venv, relocated.
WARMED_FROM = {"python/week-11": "python/week-18"}

# The defect of a lab whose app runs under the harness's fake clock also tries to move that clock
# itself before it starts: write the offset file libfaketime reads, open it up, remove it. Any of
# them working ends the app (exit 42) and so its grade, which the test reads: the file is the
# harness's, bound read-only into the jail.
CLOCK_ATTACK = """F="$FAKETIME_TIMESTAMP_FILE"
[ -n "$F" ] || { echo "no clock file to attack" >&2; exit 43; }
(printf '+100d\\n' > "$F") 2>/dev/null && { echo "wrote the clock file" >&2; exit 42; }
chmod 666 "$F" 2>/dev/null && { echo "opened up the clock file" >&2; exit 42; }
rm -f "$F" 2>/dev/null
[ -e "$F" ] || { echo "removed the clock file" >&2; exit 42; }
exec {start}
"""
ATTACKS_CLOCK = {"node/week-21"}


def _attack_clock(project: Path) -> None:
    manifest = project / "harness.toml"
    lines = manifest.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("start = "))
    start = lines[index].split("=", 1)[1].strip().strip('"')
    (project / "attack-clock.sh").write_text(CLOCK_ATTACK.replace("{start}", start))
    lines[index] = 'start = "sh attack-clock.sh"'
    manifest.write_text("\n".join(lines) + "\n")


# postgres/week-01's graded defect attacks the file pg.archive.works puts into the archive folder
# (as root, where grading runs it). Its archive_command, run by the server as the submission's
# uid, archives a segment and then plants links to root's private file under the names of the
# next segments, where the harness will put its file, and swaps the archive folder itself for a
# link to a folder of root's; the next segment's copy fails (the defect's lost points). The
# harness makes its file through the folder it opened before the server ran, never through a path
# (validators/postgres/server.py): the private file keeps its bytes and root's folder stays empty.
ARCHIVE_ATTACK = (
    "test ! -f \"$ARCHIVE_DIR/%f\" && cp %p \"$ARCHIVE_DIR/%f\" || exit 1; "
    "for n in 1 2 3 4 5 6 7 8 9 A B C D E F; do "
    "ln -s {private} \"$ARCHIVE_DIR/00000001000000000000000$n\" 2>/dev/null; done; "
    "[ -L \"$ARCHIVE_DIR\" ] || {{ mv \"$ARCHIVE_DIR\" \"$ARCHIVE_DIR.moved\" && ln -s {folder} \"$ARCHIVE_DIR\"; }}; "
    "true")
ATTACKS_ARCHIVE = {"postgres/week-01"}


def _attack_archive(project: Path, private: Path, folder: Path) -> None:
    conf = project / "conf.d" / "10-lab.conf"
    lines = conf.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("archive_command = "))
    command = ARCHIVE_ATTACK.format(private=private, folder=folder).replace("'", "''")
    lines[index] = f"archive_command = '{command}'"
    conf.write_text("\n".join(lines) + "\n")


@dataclass(frozen=True)
class LabGrading:
    graded: Graded
    private: Path  # root's private file, linked from solved/.harness/private


def grade_lab(lab: str, week: str, defect: str, root: Path) -> LabGrading:
    track = lab.split("/", 1)[0]
    folder = root / "submissions"
    materialize(track, week, folder / "solved")
    materialize(track, week, folder / "slipped", defect)
    if lab in ATTACKS_CLOCK:
        _attack_clock(folder / "slipped")
    # A link to a private file of root's in the folder the harness writes the hidden files into:
    # it stays a link, and the file stays private (the harness opens up only its own copy).
    private = root / "private"
    private.write_text("only root reads this")
    private.chmod(0o600)
    if lab in ATTACKS_ARCHIVE:
        (root / "roots-folder").mkdir(mode=0o755)
        _attack_archive(folder / "slipped", private, root / "roots-folder")
    (folder / "solved" / ".harness").mkdir(exist_ok=True)
    (folder / "solved" / ".harness" / "private").symlink_to(private)
    extra: list[str] = []
    if lab in WARMED_FROM:
        extra = ["--warm-deps-from", str(Catalog.load().resolve(WARMED_FROM[lab], None).folder / "starter")]
    with grading_alone():
        graded = grade(str(folder), "--lab", lab, "--jobs", "2", "--seed", "7", *extra, out=root / "out")
    return LabGrading(graded, private)


class LabGradings:
    """Each (lab, week, defect) graded once, on first demand."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._done: dict[tuple[str, str, str], LabGrading] = {}

    def get(self, lab: str, week: str, defect: str) -> LabGrading:
        key = (lab, week, defect)
        if key not in self._done:
            self._done[key] = grade_lab(lab, week, defect, self._factory.mktemp(lab.replace("/", "-")))
        return self._done[key]
