"""The sql track's validators: the learner's queries/*.sql, run read-only on a seeded dataset."""
