"""Checks of a learner's Java library rather than a server (java/week-01): the lab's hidden
JUnit 5 suite compiled beside the learner's code and run with the project's own Maven."""
