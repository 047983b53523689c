"""The tables, as SQLAlchemy ORM classes. The migrations in migrations/versions/ create
them in the database; `alembic revision --autogenerate` compares the two.

The harness inspects the database, so the names matter: tables `authors`, `books`,
`members`, `loans`, with `books.author_id`, `books.copies_available`, `loans.book_id` and
`loans.member_id`. Ids are bigint in PostgreSQL (strings in the API's JSON).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, MetaData, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# PostgreSQL's own names for indexes and constraints, so that what the models declare and
# what the migrations create have the same names (and autogenerate sees no difference).
NAMING = {
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ix": "%(table_name)s_%(column_0_name)s_idx",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


# TODO (README, task 1): Book, Member and Loan.
# - books: title, isbn (unique), year (nullable), author_id (a foreign key to authors),
#   tags (a PostgreSQL text[]: sqlalchemy.dialects.postgresql.ARRAY(Text)),
#   copies_total and copies_available (never below zero: a CheckConstraint),
#   and `author: Mapped[Author] = relationship()` to reach the author from a book.
# - members: email (unique), name.
# - loans: book_id, member_id, borrowed_at (server_default=func.now()), returned_at (nullable).
