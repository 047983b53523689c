"""pg.config.*: the learner's conf.d judged on a server the harness starts with it, a check a file."""
