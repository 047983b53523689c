"""The floor under services and the runner: processes, their logs, who owns them, cleanup.

Nothing here imports the rest of the harness: services start PostgreSQL and Redis with
these, the runner starts the learner's app with them and grading kills what a submission
left, so each of those can use them without importing the others.
"""
