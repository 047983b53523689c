"""Running the learner's project and the local services: processes, logs, cleanup."""
