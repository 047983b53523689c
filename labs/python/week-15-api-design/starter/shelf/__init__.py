"""Shelf, a lending-library API, in memory."""
