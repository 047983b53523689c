from __future__ import annotations

from pathlib import Path

import pytest

from harness.introspect.coverage import CoverageError, read


def test_every_format(tmp_path: Path) -> None:
    (tmp_path / "coverage-summary.json").write_text(
        '{"total": {"lines": {"total": 200, "covered": 170, "skipped": 0, "pct": 85}}}')
    (tmp_path / "lcov.info").write_text("TN:\nSF:a.js\nLF:10\nLH:9\nend_of_record\nSF:b.js\nLF:10\nLH:7\n")
    (tmp_path / "coverage.xml").write_text('<?xml version="1.0" ?><coverage line-rate="0.8" '
                                           'lines-valid="50" lines-covered="40" version="7"/>')
    (tmp_path / "jacoco.xml").write_text('<report name="x"><counter type="INSTRUCTION" missed="1" covered="9"/>'
                                         '<counter type="LINE" missed="3" covered="27"/></report>')
    assert read(tmp_path / "coverage-summary.json").percent == 85
    assert read(tmp_path / "lcov.info").percent == 80
    assert read(tmp_path / "coverage.xml").percent == 80
    assert read(tmp_path / "jacoco.xml").percent == 90


def test_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(CoverageError, match="no coverage report"):
        read(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(CoverageError, match="could not be read"):
        read(tmp_path / "bad.json")
    (tmp_path / "other.xml").write_text("<testsuite/>")
    with pytest.raises(CoverageError, match="neither Cobertura nor JaCoCo"):
        read(tmp_path / "other.xml")
