"""The postgres (DBA) track's validators: servers the harness starts with the learner's conf.d."""
