"""Checks of a learner's Python package rather than a server (python/week-01's shelfkit,
python/week-04's shelfasync): the lab's hidden pytest suites run on it with the project's own
interpreter, and its types checked by mypy."""
