"""The postgres (DBA) track's validators: servers the harness starts with the learner's conf.d
(server.py), and a primary with the standby the learner's script builds of it (replica_pair.py)."""
