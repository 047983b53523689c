"""PostgreSQL, Redis and MongoDB for a run: docker | local | external, picked by `auto`."""
