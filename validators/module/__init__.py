"""Checks of a learner's module rather than a server: the lab's hidden tests run on it, its types
compiled, its package loaded the ways its users load it (node/week-01)."""
