"""Read-only views into the databases the harness owns (and a few deliberate changes)."""
