"""Creates the tables of shelf/models.py: python -m shelf.create_tables.

create_all() skips the tables that exist already, so running it twice is "safe", but
nothing records which version of the schema the database has, and a change to an existing
table (a new column, a new index on it) never reaches a database that has the table.
"""

from __future__ import annotations

from .db import engine
from .models import Base


def main() -> None:
    Base.metadata.create_all(engine)
    engine.dispose()
    print("tables created")


if __name__ == "__main__":
    main()
