"""Alembic's entry point: `alembic upgrade head` runs this file, which applies the revisions
in migrations/versions/ that the database has not recorded yet, in order.

Each revision runs in its own transaction together with the update of alembic_version
(PostgreSQL can roll back CREATE TABLE), so a revision that fails half-way leaves no trace
and is tried again on the next run. A second `alembic upgrade head` finds nothing to do.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from shelf.db import database_url
from shelf.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# What `alembic revision --autogenerate` compares the database with: the ORM models.
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # NullPool: a one-off command needs one connection, closed when it is done.
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
