"""The tables, as SQLAlchemy ORM classes. The migrations in migrations/versions/ create
them in the database; `alembic revision --autogenerate` compares the two, so everything
the migrations create (constraints, indexes) is declared here too.

The harness inspects the database, so the names matter: tables `authors`, `books`,
`members`, `loans`, with `books.author_id`, `books.copies_available`, `loans.book_id` and
`loans.member_id`. Ids are bigint in PostgreSQL (strings in the API's JSON).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, MetaData, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint("copies_total >= 0", name="copies_total"),
        CheckConstraint("copies_available >= 0", name="copies_available"),
        # ?tag= is Book.tags.contains([tag]), i.e. tags @> ARRAY[...]: a GIN index serves it.
        Index("books_tags_idx", "tags", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    isbn: Mapped[str] = mapped_column(Text, unique=True)
    year: Mapped[int | None]
    # index=True: PostgreSQL indexes primary keys and unique columns by itself, not foreign keys.
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    copies_total: Mapped[int]
    copies_available: Mapped[int]

    # Loaded only when asked for: queries that show books say how (joinedload), see listing.py.
    author: Mapped[Author] = relationship()


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)


class Loan(Base):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # The database's clock: every loan is timed by the same clock, whichever process wrote it.
    borrowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
