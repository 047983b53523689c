"""indexes: on the foreign keys of loans

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-19 09:00:00

DEFECT: nothing behind the list filters. shelf/models.py declares index=True on
books.author_id and a GIN index on books.tags, but no migration creates them.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("loans_book_id_idx", "loans", ["book_id"])
    op.create_index("loans_member_id_idx", "loans", ["member_id"])


def downgrade() -> None:
    op.drop_index("loans_member_id_idx", table_name="loans")
    op.drop_index("loans_book_id_idx", table_name="loans")
