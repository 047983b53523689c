"""A project that validates like the real world passes, and one stricter than the contract is told so.

Careful learners validate what clients send: ISBN-13 check digits, e-mail addresses a mail
system accepts. tests/labs/<track>/week-NN/strict/real-world-validation/ lays such
validation over a lab's reference; every check of the lab must still pass, because the
harness's valid data (validators/shelf/values.py) is valid in the real world too. A project
that refuses a valid ISBN hears that its validation refused the harness's data, with the
value and the contract's rule, never that a working route "does not work yet".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalog import Catalog
from tests.support.projects import harness, materialize

pytestmark = [pytest.mark.slow]

STRICT = "real-world-validation"
# lab id -> (track, test folder) of the labs with a strict overlay
LABS = {"node/week-18": ("node", "week-18"), "node/week-21": ("node", "week-21"),
        "node/week-15": ("node", "week-15"), "python/week-11": ("python", "week-11"),
        "python/week-15": ("python", "week-15"), "java/week-09": ("java", "week-09")}


def _check_ids(lab_id: str) -> set[str]:
    lab = next(lab for lab in Catalog.load().labs if lab.id == lab_id)
    return {entry.id for entry in lab.manifest().checks}


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_strict_real_world_validation_passes_every_check(lab_id: str, tmp_path: Path) -> None:
    track, week = LABS[lab_id]
    project = materialize(track, week, tmp_path / "strict", STRICT, folder="strict")
    run = harness("check", lab_id, "--project", str(project), "--services", "local")
    assert run.code == 0, run.explain()
    assert run.statuses() == {c: "pass" for c in _check_ids(lab_id)}, run.explain()


def test_a_project_refusing_a_valid_isbn_is_told_its_validation_refused_the_data(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "isbn10", STRICT, folder="strict")
    validate = project / "src" / "http" / "validate.js"
    # A learner who took "ISBN" to mean the old ten-digit form: stricter than the contract.
    text = validate.read_text().replace(
        "if (!/^97[89][0-9]{10}$/.test(digits)) throw validationError(`${field} must be an ISBN-13`);",
        "throw validationError(`${field} must be an ISBN-10`);")
    assert "must be an ISBN-10" in text
    validate.write_text(text)
    run = harness("check", "node/week-18", "--project", str(project), "--services", "local",
                  "--only", "rest.shelf.contract")
    assert run.code == 1, run.explain()
    failed = next(t for t in run.results["tests"] if t["id"] == "rest.shelf.contract")  # type: ignore[index]
    message = failed["message"]
    assert message.startswith("your app refused the data this check needs as invalid "
                              "(422: isbn must be an ISBN-10); the harness sent {"), message
    assert "the contract allows isbn: any string of 1-40 characters: if your validation is stricter than " \
           "the contract, this is the value it rejected (isbn='978" in message, message
    assert "does not work" not in message and message in run.stdout
