"""Lazy pipelines: each step pulls one item at a time from the one before."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

from .models import Book

T = TypeVar("T")
FIELDS = ("isbn", "title", "author", "year", "copies")


def read_records(path: str | os.PathLike[str]) -> Iterator[str]:
    with open(path, encoding="utf-8") as file:
        for line in file:  # one line at a time: never the whole file
            record = line.strip()
            if record and not record.startswith("#"):
                yield record


def parse_books(lines: Iterable[str], errors: list[str] | None = None) -> Iterator[Book]:
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split(";")]
        try:
            if len(parts) not in (4, 5):
                raise ValueError(f"expected 4 or 5 fields separated by ';', got {len(parts)}")
            isbn, title, author, year = parts[:4]
            copies = int(parts[4]) if len(parts) == 5 else 1
            book = Book(isbn, title, author, int(year), copies)
        except (ValueError, TypeError) as exc:
            if errors is not None:
                errors.append(f"line {number}: {exc}")
            continue
        yield book


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    # Checked here, at the call: the generator below would only raise at the first next().
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _batches(iter(items), size)


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(itertools.islice(items, size)):
        yield batch
