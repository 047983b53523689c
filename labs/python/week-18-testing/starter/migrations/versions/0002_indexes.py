"""indexes: behind the list filters and the foreign keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-19 09:00:00

PostgreSQL indexes primary keys and unique columns by itself, not foreign keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("books_author_id_idx", "books", ["author_id"])  # ?author_id=
    op.create_index("books_tags_idx", "books", ["tags"], postgresql_using="gin")  # ?tag= (tags @> ARRAY[...])
    op.create_index("loans_book_id_idx", "loans", ["book_id"])
    op.create_index("loans_member_id_idx", "loans", ["member_id"])


def downgrade() -> None:
    for name, table in (("loans_member_id_idx", "loans"), ("loans_book_id_idx", "loans"),
                        ("books_tags_idx", "books"), ("books_author_id_idx", "books")):
        op.drop_index(name, table_name=table)
