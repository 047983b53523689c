"""The database checks' verdicts on recorded observations (the real proof is the lab tests)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from harness.introspect.pg import Statement
from harness.introspect.statements import Window, settle
from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.validators.db.indexes import scan_share
from harness.validators.db.migrations import schema_changes
from harness.validators.db.pool import connection_verdict
from harness.validators.db.queries import n_plus_one
from harness.validators.db.sql import user_input_never_changes_sql_shape


def _stmt(query: str, calls: int = 1, blocks: int = 3, qid: int | None = None) -> Statement:
    return Statement(qid if qid is not None else abs(hash(query)), query, calls, calls, blocks)


def test_schema_changes_reads_like_a_diff() -> None:
    first = {"columns": [["books", "id", "bigint", "NO", ""]], "indexes": [], "constraints": [],
             "row_counts": {"authors": 2}}
    second = {"columns": [["books", "id", "bigint", "NO", ""], ["books", "extra", "text", "YES", ""]],
              "indexes": [["books", "books_x_idx", "CREATE INDEX"]], "constraints": [], "row_counts": {"authors": 4}}
    changes = schema_changes(first, second)
    assert "added column: books extra" in changes
    assert "added index: books books_x_idx" in changes
    assert "table authors: 2 rows after the first run, 4 after the second" in changes
    assert schema_changes(first, first) == []


@pytest.mark.parametrize(
    ("peak", "seen", "idle", "words"),
    [
        (9, 10, [10, 10, 10], None),
        (34, 141, [0, 0, 0], "34 connections open at once"),
        (16, 124, [0, 0, 0], "124 different connections"),
        (12, 12, [4, 8, 12], "a leak"),
        (10, 10, [7, 10, 10], None),  # a lazy pool filling up under a slow machine's bursts
        (13, 13, [7, 10, 13], "a leak"),
        (10, 10, [7, 9, 10, 10], None),  # grew over three bursts, then held: the check bursts on to see it
        (16, 16, [7, 9, 10, 12, 14, 16], "a leak"),
    ],
)
def test_pool_verdict(peak: int, seen: int, idle: list[int], words: str | None) -> None:
    verdict = connection_verdict(peak, seen, idle, bound=20)
    assert (verdict is None) if words is None else (words in (verdict or ""))


def test_n_plus_one_by_growth_or_repetition() -> None:
    join = Window([_stmt("SELECT ... JOIN authors")])
    assert n_plus_one(join, join) is None
    small = Window([_stmt("SELECT b.*", qid=1), _stmt("SELECT a WHERE id = $1", calls=5, qid=2)])
    large = Window([_stmt("SELECT b.*", qid=1), _stmt("SELECT a WHERE id = $1", calls=20, qid=2)])
    assert "6 statements for 5 books, 21 for 20" in (n_plus_one(small, large) or "")


def test_scan_share_sums_every_statement() -> None:
    window = Window([_stmt("a", blocks=30), _stmt("b", blocks=50)])
    assert scan_share(window, 160) == 0.5
    assert scan_share(Window([]), 0) == 0


class FakePg:
    """pg_stat_statements as a concatenating app would fill it."""

    def __init__(self) -> None:
        self.seen: dict[int, Statement] = {}

    def has_pg_stat_statements(self) -> bool:
        return True

    def record(self, query: str) -> None:
        qid = abs(hash(query))
        old = self.seen.get(qid)
        self.seen[qid] = _stmt(query, calls=(old.calls if old else 0) + 1, qid=qid)

    def statements(self) -> dict[int, Statement]:
        return dict(self.seen)

    def app_busy(self) -> int:
        return 0


class FakeHttp:
    def __init__(self, pg: FakePg, splice_q: bool) -> None:
        self.pg, self.splice_q = pg, splice_q

    def _answer(self, method: str, path: str, status: int = 200) -> httpx.Response:
        return httpx.Response(status, json={}, request=httpx.Request(method, "http://127.0.0.1:1" + path))

    def get(self, path: str, params: dict[str, str] | None = None, **_: Any) -> httpx.Response:
        q = (params or {}).get("q")
        if q is not None and self.splice_q and "'" in q:
            self.pg.record("SELECT * FROM books WHERE title ILIKE $1 OR $2 = $3")
        else:
            self.pg.record("SELECT * FROM books WHERE title ILIKE $1")
        return self._answer("GET", path)

    def post(self, path: str, json: dict[str, Any] | None = None, **_: Any) -> httpx.Response:
        self.pg.record(f"INSERT INTO {path.rsplit('/', 1)[1]} VALUES ($1)")
        return self._answer("POST", path, 201)


class FakeApp:
    base_url = "http://127.0.0.1:1"
    migrate_command = None
    migrate_runs = ()

    def alive(self) -> bool:
        return True

    def exited(self, settle_s: float = 3.0) -> bool:
        return False

    def log_tail(self, lines: int = 20) -> str:
        return ""


def _ctx(splice: bool) -> CheckContext:
    pg = FakePg()
    return CheckContext(http=FakeHttp(pg, splice), app=FakeApp(), run_id="r1", seed=1,  # type: ignore[arg-type]
                        pg_probe=pg)  # type: ignore[arg-type]


def test_sql_check_passes_when_shapes_stay() -> None:
    user_input_never_changes_sql_shape(_ctx(splice=False))


def test_sql_check_names_the_new_shape() -> None:
    with pytest.raises(Failure) as caught:
        user_input_never_changes_sql_shape(_ctx(splice=True))
    failure = caught.value
    assert "GET /v1/books?q=" in failure.message
    assert failure.actual is not None and "ILIKE $1 OR $2 = $3" in failure.actual
    assert failure.reproduce is not None and failure.reproduce.startswith("curl")


def test_settle_waits_until_the_apps_connections_are_idle_and_no_longer() -> None:

    class Busy:
        def __init__(self, states: list[int]) -> None:
            self.states = states

        def app_busy(self) -> int:
            return self.states.pop(0) if len(self.states) > 1 else self.states[0]

    slept: list[float] = []
    settle(Busy([2, 1, 0]), sleep=slept.append)  # type: ignore[arg-type]
    assert len(slept) == 2
    slept.clear()
    # Half a second of budget: the first look comes well within it on a busy machine too, and each
    # real sleep of 10 ms keeps the count under what the budget holds.
    settle(Busy([1]), budget_s=0.5, sleep=lambda s: (slept.append(s), time.sleep(s)))  # type: ignore[arg-type]
    assert 1 <= len(slept) <= 51, "a connection that never goes idle costs the budget, not forever"


def test_a_filter_whose_column_has_an_index_is_told_why_the_index_went_unused() -> None:
    from harness.validators.db.indexes import unused_index

    indexes = ["CREATE UNIQUE INDEX books_pkey ON public.books USING btree (id)",
               "CREATE INDEX books_tags_idx ON public.books USING gin (tags)"]
    hint = unused_index(indexes, "tag")
    assert hint is not None and "generic plan" in hint and "@> ARRAY" in hint
    assert unused_index(indexes, "author_id") is None, "no index names author_id: the usual hint"
    assert unused_index(["CREATE INDEX a ON public.books USING btree (title, author_id)"], "author_id") is not None
    btree = unused_index(["CREATE INDEX books_tags_idx ON public.books USING btree (tags)"], "tag")
    assert btree is not None and "not a GIN one" in btree and "USING gin (tags)" in btree, btree


def test_cloned_books_get_real_isbn13s_of_their_own_prefix() -> None:
    from harness.validators.db.seed import ISBN_PREFIX, isbn_clones
    from harness.validators.shelf.values import is_isbn13

    values = isbn_clones(4, 2501)
    assert len(values) == len(set(values)) == 4 * 2501
    assert all(is_isbn13(v) and v.startswith(ISBN_PREFIX) for v in values)
    assert ISBN_PREFIX != "978", "the harness's own books are 978: a clone never takes one of their ISBNs"


def test_a_second_cloning_into_the_same_table_takes_isbns_past_the_first() -> None:
    from harness.validators.db.seed import isbn_clones

    first = isbn_clones(4, 2501, after=7)
    second = isbn_clones(4, 2501, after=7 + len(first) + 3)  # the table then held the first clones too
    assert not set(first) & set(second)
