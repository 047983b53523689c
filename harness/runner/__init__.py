"""The learner's project and a check session: build, start, ready, the checks, stop."""
