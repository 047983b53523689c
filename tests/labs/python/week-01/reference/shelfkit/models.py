"""Book: a validated, immutable, ordered record of the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_YEAR = 1450
LAST_YEAR = 2100


def _check_isbn(isbn: str) -> None:
    if len(isbn) != 13 or not all("0" <= c <= "9" for c in isbn):
        raise ValueError(f"isbn must be 13 digits, got {isbn!r}")
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(isbn))
    if total % 10:
        raise ValueError(f"isbn {isbn!r} has a wrong check digit")


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


@dataclass(frozen=True, order=True)
class Book:
    # Compared first: author, year, title (case folded), isbn. order=True compares the fields
    # as a tuple, so this one decides unless it is equal; equality still takes every field.
    sort_key: tuple[str, int, str, str] = field(init=False, repr=False)
    isbn: str
    title: str
    author: str
    year: int
    copies: int = 1

    def __post_init__(self) -> None:
        for name in ("isbn", "title", "author"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        _check_isbn(self.isbn)
        title, author = self.title.strip(), self.author.strip()
        if not title:
            raise ValueError("title must not be empty")
        if not author:
            raise ValueError("author must not be empty")
        year = _check_int("year", self.year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year must be between {FIRST_YEAR} and {LAST_YEAR}, got {year}")
        if _check_int("copies", self.copies) < 0:
            raise ValueError(f"copies must be at least 0, got {self.copies}")
        # A frozen dataclass refuses setattr, its own __post_init__ included.
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "author", author)
        object.__setattr__(self, "sort_key", (author.casefold(), year, title.casefold(), self.isbn))
