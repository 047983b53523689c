"""The lab's hidden tests of shelfkit.Book: validation, immutability, equality and order."""

from __future__ import annotations

import dataclasses
import random

import pytest
from shelfkit import Book

# Valid ISBN-13s (their check digits are right).
DUNE = "9780441172719"
EMMA = "9780141439587"
HOBBIT = "9780547928227"
SAPIENS = "9780062316097"


def book(**changes: object) -> Book:
    fields: dict[str, object] = {"isbn": DUNE, "title": "Dune", "author": "Frank Herbert", "year": 1965, "copies": 2}
    fields.update(changes)
    return Book(**fields)  # type: ignore[arg-type]


def test_a_valid_book_keeps_its_fields() -> None:
    made = book()
    assert (made.isbn, made.title, made.author, made.year, made.copies) == (DUNE, "Dune", "Frank Herbert", 1965, 2)


def test_copies_default_to_one_and_positional_arguments_follow_the_readme_order() -> None:
    made = Book(DUNE, "Dune", "Frank Herbert", 1965)
    assert (made.isbn, made.title, made.author, made.year, made.copies) == (DUNE, "Dune", "Frank Herbert", 1965, 1)


def test_title_and_author_are_stored_stripped() -> None:
    made = book(title="  Dune\n", author=" Frank Herbert ")
    assert (made.title, made.author) == ("Dune", "Frank Herbert")


@pytest.mark.parametrize(("field", "value"), [
    ("isbn", "978044117271"),       # 12 digits
    ("isbn", "97804411727190"),     # 14 digits
    ("isbn", "978-0441172719"),     # a hyphen
    ("isbn", "978044117271X"),      # not a digit
    ("isbn", "9780441172718"),      # a wrong check digit
    ("isbn", "９７８０４４１１７２７１９"),  # digits, but not ASCII ones
    ("title", ""),
    ("title", "   "),
    ("author", "\t"),
    ("year", 1449),
    ("year", 2101),
    ("copies", -1),
], ids=["isbn-12-digits", "isbn-14-digits", "isbn-hyphen", "isbn-letter", "isbn-check-digit", "isbn-fullwidth-digits",
        "title-empty", "title-blank", "author-tab", "year-1449", "year-2101", "copies-negative"])
def test_a_wrong_value_raises_value_error_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        book(**{field: value})


def test_the_bounds_themselves_are_accepted() -> None:
    assert book(year=1450).year == 1450
    assert book(year=2100).year == 2100
    assert book(copies=0).copies == 0


@pytest.mark.parametrize(("field", "value"), [
    ("year", "1965"), ("year", 1965.0), ("year", True), ("copies", False), ("copies", "2"),
    ("isbn", 9780441172719), ("title", None), ("author", ["Frank Herbert"]),
])
def test_a_wrong_type_raises_type_error(field: str, value: object) -> None:
    with pytest.raises(TypeError):
        book(**{field: value})


def test_a_book_is_immutable() -> None:
    made = book()
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.copies = 3  # type: ignore[misc]


def test_equal_fields_make_equal_books_with_equal_hashes() -> None:
    assert book() == book(title=" Dune ")
    assert hash(book()) == hash(book(title=" Dune "))
    assert book() != book(copies=3)
    assert len({book(), book(), book(copies=3)}) == 2


def test_books_sort_by_author_then_year_then_title_ignoring_case_then_isbn() -> None:
    expected = [
        book(isbn=HOBBIT, title="zebra", author="austen", year=1815),
        book(isbn=EMMA, title="Emma", author="Austen", year=1816),
        book(isbn=SAPIENS, title="dune", author="Frank Herbert", year=1965),
        book(isbn=DUNE, title="Dune", author="frank herbert", year=1965),
        book(isbn=EMMA, title="Emma", author="Frank Herbert", year=1965),
        book(isbn=HOBBIT, title="A", author="Frank Herbert", year=1966),
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    for given in (shuffled, expected[::-1]):
        got = [_label(b) for b in sorted(given)]
        assert got == [_label(b) for b in expected], f"sorted() gives {got}"


def _label(made: Book) -> str:
    return f"{made.author}/{made.year}/{made.title}/{made.isbn[-4:]}"


def test_the_comparison_operators_follow_the_order() -> None:
    early, late = book(year=1965), book(isbn=EMMA, year=1970)
    assert early < late and early <= late and late > early and late >= early
    assert not late < early and early <= book(year=1965)


def test_a_book_does_not_compare_with_other_types() -> None:
    with pytest.raises(TypeError):
        _ = book() < (1, 2)  # type: ignore[operator]
    assert book() != "Dune"
