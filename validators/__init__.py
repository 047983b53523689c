"""Checks by area, a folder each: rest, db, security, production (the capstone), arch (a cache,
background jobs and GraphQL around the Shelf, for every track), testing (a project's own
tests), sql (query tasks and schema design), reactive (a stream of the harness's feed, watched
from both ends) and postgres (servers the DBA track configures: the pg.* checks). `shelf/` holds
no checks: the Shelf API client and generated values the checks share."""
