"""schema: the Shelf tables

Revision ID: 0001
Revises:
Create Date: 2026-01-12 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # op.f(name): this exact name, not run through the naming convention of shelf/models.py.
    op.create_table(
        "authors",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
    )
    op.create_table(
        "books",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("isbn", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), sa.ForeignKey("authors.id", name="books_author_id_fkey"),
                  nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("copies_total", sa.Integer(), nullable=False),
        sa.Column("copies_available", sa.Integer(), nullable=False),
        sa.UniqueConstraint("isbn", name="books_isbn_key"),
        sa.CheckConstraint("copies_total >= 0", name=op.f("books_copies_total_check")),
        sa.CheckConstraint("copies_available >= 0", name=op.f("books_copies_available_check")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.UniqueConstraint("email", name="members_email_key"),
    )
    op.create_table(
        "loans",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("book_id", sa.BigInteger(),
                  sa.ForeignKey("books.id", name="loans_book_id_fkey", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("members.id", name="loans_member_id_fkey"),
                  nullable=False),
        sa.Column("borrowed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for table in ("loans", "members", "books", "authors"):
        op.drop_table(table)
