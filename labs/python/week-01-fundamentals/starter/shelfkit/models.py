"""Book: a validated, immutable, ordered record of the catalogue.

As it stands a Book takes anything, can be changed and cannot be sorted: LAB.md says what it
must refuse and how books sort.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Book:
    isbn: str
    title: str
    author: str
    year: int
    copies: int = 1
