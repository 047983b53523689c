"""exports: the export jobs, their status and their document

Revision ID: 0003
Revises: 0002
Create Date: 2026-02-09 09:00:00

The queue is this table: the worker claims the oldest pending row FOR UPDATE SKIP LOCKED and
holds it until the job is done.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("status", sa.Text(), nullable=False, server_default="pending"),
        sa.Column("document", postgresql.JSONB(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name="exports_status_check"),
    )
    # The worker's claim: the oldest pending export.
    op.create_index("exports_pending_idx", "exports", ["id"], postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_table("exports")
