"""Check suites by area: rest, db, security, perf."""
