"""The optimization lab's table as a psql script: what a check run built, for the learner to rebuild."""

from __future__ import annotations

from harness.validators.sql.tuning import ROWS, script


def test_the_script_seeds_one_process_and_builds_every_row() -> None:
    text = script(123456789)
    assert "SELECT setseed(0.456789);" in text  # the same fraction the check uses
    assert "SET LOCAL max_parallel_workers_per_gather = 0;" in text  # one process draws random() in id order
    assert f"generate_series(1, {ROWS})" in text
    assert text.index("BEGIN;") < text.index("setseed") < text.index("INSERT INTO events") < text.index("COMMIT;")
    assert text.rstrip().endswith("VACUUM (ANALYZE) events;")


def test_two_events_sit_exactly_on_the_days_edges() -> None:
    text = script(1)
    assert "timestamptz '2024-05-01 00:00+00' WHERE id = 4001" in text
    assert "timestamptz '2024-05-02 00:00+00' WHERE id = 4002" in text
