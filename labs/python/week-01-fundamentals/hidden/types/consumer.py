# The lab's hidden type tests: the harness copies this folder into the project's
# .harness/hidden/ and runs the project's mypy on it and on the shelfkit package, with the
# mypy.ini beside this file (strict). assert_type(value, T) fails unless mypy infers exactly T,
# and a line marked `# type: ignore[code]` must be that type error: strict mode reports an
# ignore that is not needed, so types that accept a misuse (Any, a lost signature) fail.
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, assert_type

from shelfkit import Book, atomic_write, batched, parse_books, read_records, retry

# Book: its fields keep their types, and a wrong one is refused.
book = Book("9780441172719", "Dune", "Frank Herbert", 1965, copies=2)
assert_type(book.year, int)
assert_type(book.title, str)
assert_type(book < Book("9780141439587", "Emma", "Jane Austen", 1815), bool)
Book("9780441172719", "Dune", "Frank Herbert", "1965")  # type: ignore[arg-type]


# retry: the decorated function keeps its parameters and its result.
@retry(attempts=2, exceptions=(ConnectionError, TimeoutError), delay=0.01, backoff=3, max_delay=1.0,
       sleep=lambda seconds: None)
def lookup(isbn: str, *, copies: int = 1) -> Book:
    return Book(isbn, "Dune", "Frank Herbert", 1965, copies)


assert_type(lookup("9780441172719"), Book)
assert_type(lookup("9780441172719", copies=3), Book)
lookup(9780441172719)  # type: ignore[arg-type]
lookup("9780441172719", copie=3)  # type: ignore[call-arg]
retry(attempts="3")  # type: ignore[arg-type]
retry(exceptions=(ValueError, "KeyError"))  # type: ignore[arg-type]


@retry()
def ping() -> None:
    return None


ping()


# The generators: iterators of what they yield.
assert_type(read_records("books.txt"), Iterator[str])
assert_type(read_records(Path("books.txt")), Iterator[str])
read_records(3)  # type: ignore[arg-type]
errors: list[str] = []
assert_type(parse_books(read_records("books.txt"), errors), Iterator[Book])
assert_type(parse_books(["a;b;c;1999"]), Iterator[Book])
parse_books([1, 2])  # type: ignore[list-item]
assert_type(batched([1, 2, 3], 2), Iterator[list[int]])
assert_type(batched(parse_books(["x"]), 10), Iterator[list[Book]])
assert_type(batched("abc", 1), Iterator[list[str]])
batched([1, 2, 3], "2")  # type: ignore[arg-type]


# atomic_write: a context manager of a file.
def save(path: str | os.PathLike[str]) -> None:
    with atomic_write(path) as out:
        assert_type(out, IO[Any])
        out.write("Dune\n")
    with atomic_write(Path("catalogue.bin"), "wb", encoding="utf-8") as raw:
        raw.write(b"\x00")
    with atomic_write(path, "a"):  # type: ignore[arg-type]
        pass
