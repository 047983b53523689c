"""shelfkit: the catalogue's building blocks (LAB.md says what each must do)."""

from .context import atomic_write
from .decorators import retry
from .generators import batched, parse_books, read_records
from .models import Book

__all__ = ["Book", "atomic_write", "batched", "parse_books", "read_records", "retry"]
