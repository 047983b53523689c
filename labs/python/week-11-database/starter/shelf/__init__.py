"""Shelf, a lending-library API, on PostgreSQL (FastAPI + SQLAlchemy)."""
