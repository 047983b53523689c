"""A column's type, judged where a task names one (no database needed: OIDs as psycopg reports them)."""

from __future__ import annotations

import pytest

from harness.validators.sql.task import Task
from harness.validators.sql.types import ASKED, FAMILIES, hint, type_name, wrong_types

INT8, INT4, NUMERIC, FLOAT8, TEXT = 20, 23, 1700, 701, 25


def test_any_integer_type_is_an_integer_and_a_numeric_is_not() -> None:
    wanted = (("year", "integer"), ("orders", "integer"))
    assert wrong_types(wanted, ("year", "orders"), (INT4, INT8)) == []
    (wrong,) = wrong_types(wanted, ("orders", "year"), (INT8, NUMERIC))
    assert (wrong.column, wrong.wanted, wrong.got) == ("year", "integer", "numeric")
    assert "::int" in hint([wrong])


def test_money_is_numeric_never_a_float() -> None:
    (wrong,) = wrong_types((("total", "numeric"),), ("customer_id", "total"), (INT4, FLOAT8))
    assert wrong.got == "double precision" and "exact" in hint([wrong])


def test_types_are_named_as_psql_does() -> None:
    assert [type_name(oid) for oid in (INT8, INT4, FLOAT8, TEXT)] == ["bigint", "integer", "double precision", "text"]


def test_a_task_cannot_type_a_column_it_does_not_have() -> None:
    with pytest.raises(ValueError, match="names no column or family"):
        Task("queries/x.sql", ("year",), "SELECT 1 AS year", types=(("orders", "integer"),))
    with pytest.raises(ValueError, match="names no column or family"):
        Task("queries/x.sql", ("year",), "SELECT 1 AS year", types=(("year", "whole"),))


def test_every_family_has_its_words() -> None:
    assert set(ASKED) == set(FAMILIES)
