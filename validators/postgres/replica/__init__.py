"""pg.replica.*: the standby the learner's script builds of a primary (../replica_pair.py), a check a file."""
