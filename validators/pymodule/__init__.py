"""Checks of a learner's Python package rather than a server (python/week-01): the lab's hidden
pytest suites run on it with the project's own interpreter, and its types checked by mypy."""
