"""The lab's hidden tests of shelfkit's generators: read_records reads a file one line at a
time, parse_books and batched pull from their input only as far as they are asked."""

from __future__ import annotations

import itertools
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from shelfkit import Book, batched, parse_books, read_records

DUNE = "9780441172719"
EMMA = "9780141439587"
# A file far bigger than what a line-by-line read holds at once: its 8 KB buffer and a decoded
# chunk (about 22 KB measured for three records), while a whole read allocates the file's size.
BIG_FILE_BYTES = 2 * 2**20


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_records_are_the_stripped_lines_without_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "books.txt"
    path.write_text("# isbn;title;author;year;copies\n\nfirst\r\n  second  \n   \n  # indented comment\nlast", "utf-8")
    assert list(read_records(path)) == ["first", "second", "last"]
    assert list(read_records(str(path))) == ["first", "second", "last"]


def test_records_are_read_as_utf_8(tmp_path: Path) -> None:
    path = tmp_path / "books.txt"
    path.write_bytes("Ἰλιάς;Ὅμηρος\n".encode())
    assert list(read_records(path)) == ["Ἰλιάς;Ὅμηρος"]


def test_read_records_opens_nothing_before_the_first_record_is_asked_for(tmp_path: Path) -> None:
    records = read_records(tmp_path / "missing.txt")  # no error yet: nothing is opened
    with pytest.raises(FileNotFoundError):
        next(records)


def test_a_record_is_read_without_reading_the_whole_file(tmp_path: Path) -> None:
    """The memory Python allocates while the first records are read: a line at a time needs a
    buffer of a few KB, a read of the whole file (read(), readlines(), read_text()) its size."""
    path = tmp_path / "big.txt"
    line = f"{DUNE};Dune;Frank Herbert;1965;1\n"
    path.write_text(line * (BIG_FILE_BYTES // len(line)), "utf-8")
    tracemalloc.start()
    try:
        records = read_records(path)
        first = [next(records) for _ in range(3)]
        peak = tracemalloc.get_traced_memory()[1]
        records.close()
    finally:
        tracemalloc.stop()
    assert first == [line.strip()] * 3
    assert peak < BIG_FILE_BYTES // 8, (
        f"reading 3 records of a {BIG_FILE_BYTES // 2**20} MB file allocated {peak // 1024} KB: "
        "the whole file was read")


def test_the_file_is_closed_when_the_records_end_or_the_generator_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "books.txt"
    path.write_text("a\nb\nc\n", "utf-8")
    before = _open_fds()
    list(read_records(path))
    assert _open_fds() == before, "the file is still open after the last record"
    records = read_records(path)
    assert next(records) == "a"
    assert _open_fds() != before, "read one record, but no file is open"
    records.close()
    assert _open_fds() == before, "the file is still open after close()"


def test_parse_books_makes_books_and_defaults_copies_to_one() -> None:
    books = list(parse_books([f"{DUNE};Dune;Frank Herbert;1965;4", f" {EMMA} ; Emma ; Jane Austen ; 1815 "]))
    assert books == [Book(DUNE, "Dune", "Frank Herbert", 1965, 4), Book(EMMA, "Emma", "Jane Austen", 1815, 1)]


def test_parse_books_skips_bad_lines_and_reports_them_by_number() -> None:
    lines = [
        f"{DUNE};Dune;Frank Herbert;1965",
        f"{DUNE};Dune;Frank Herbert",              # 3 fields
        f"{DUNE};Dune;Frank Herbert;nineteen;1",   # not a year
        "9780441172718;Dune;Frank Herbert;1965",   # wrong check digit
        f"{EMMA};Emma;Jane Austen;1815;-1",        # negative copies
        f"{EMMA};Emma;Jane Austen;1815;1;extra",   # 6 fields
        f"{EMMA};Emma;Jane Austen;1815",
    ]
    errors: list[str] = []
    books = list(parse_books(lines, errors))
    assert [b.isbn for b in books] == [DUNE, EMMA]
    assert [e.split(":", 1)[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert list(parse_books(lines)) == books, "without an errors list, bad lines are skipped too"


def test_parse_books_pulls_one_line_per_book() -> None:
    pulled: list[int] = []

    def endless() -> Iterator[str]:
        for n in itertools.count(1):
            pulled.append(n)
            yield f"{DUNE};Dune {n};Frank Herbert;1965"

    books = parse_books(endless())
    assert pulled == [], "parse_books read its input before the first book was asked for"
    assert [b.title for b in itertools.islice(books, 3)] == ["Dune 1", "Dune 2", "Dune 3"]
    assert pulled == [1, 2, 3]


def test_batched_groups_in_order_and_the_last_batch_is_shorter() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched(range(6), 3)) == [[0, 1, 2], [3, 4, 5]]
    assert list(batched([], 3)) == []
    assert list(batched("abc", 1)) == [["a"], ["b"], ["c"]]


def test_batched_takes_any_iterable_once_and_works_on_an_endless_one() -> None:
    assert list(batched(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    counter = itertools.count()
    endless = batched(counter, 4)
    assert next(endless) == [0, 1, 2, 3]
    assert next(counter) == 4, "batched read past the batch it gave"


@pytest.mark.parametrize("size", [0, -2])
def test_batched_refuses_a_size_below_one_when_called(size: int) -> None:
    with pytest.raises(ValueError):
        batched([1, 2, 3], size)  # raised by the call itself, before any iteration


def test_the_pipeline_streams_a_file_into_batches_of_books(tmp_path: Path) -> None:
    path = tmp_path / "books.txt"
    rows = ["# catalogue"] + [f"{DUNE};Dune {n};Frank Herbert;{1900 + n}" for n in range(10)] + ["broken"]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    errors: list[str] = []
    batches = list(batched(parse_books(read_records(path), errors), 4))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert batches[2][1].title == "Dune 9"
    assert errors == [errors[0]] and errors[0].startswith("line 11")
