"""The architecture checks: a Redis cache in front of PostgreSQL, background jobs that outlive the
process, a GraphQL endpoint over the same data. Language-neutral: the Shelf contract over HTTP,
and what PostgreSQL (pg_stat_statements) and Redis show."""
