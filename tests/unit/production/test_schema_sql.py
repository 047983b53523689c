"""prod.schema.indexed's queries go through psycopg with parameters: a lone % is a placeholder."""

from __future__ import annotations

import re

import pytest

from harness.validators.production.schema import FK_WITHOUT_INDEX, UNIQUE_EMAIL


@pytest.mark.parametrize("query", [FK_WITHOUT_INDEX, UNIQUE_EMAIL])
def test_no_percent_sign_would_be_read_as_a_placeholder(query: str) -> None:
    # PgProbe.rows always passes parameters, so psycopg reads every % : only %% and %s are valid.
    assert "%" not in re.sub(r"%%|%s", "", query)


def test_the_lower_email_pattern_survives_the_escaping() -> None:
    assert "ILIKE '%%lower(%%email%%'" in UNIQUE_EMAIL
