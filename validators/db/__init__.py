"""Database validators: they read the PostgreSQL the harness owns."""
