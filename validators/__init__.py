"""Checks by area, a folder each: rest, db, security, production (the capstone), testing (a
project's own tests) and sql (query tasks). `shelf/` holds no checks: the Shelf API client
and generated values the checks share."""
