"""Pool: at most `size` resources made by an async factory, lent with `async with`."""


# Add the types (LAB.md): mypy --strict must pass on this package.
class Pool:
    def __init__(self, factory, size):
        self.factory = factory
        self.size = size

    @property
    def created(self):
        raise NotImplementedError("Pool.created: see LAB.md")

    @property
    def idle(self):
        raise NotImplementedError("Pool.idle: see LAB.md")

    def acquire(self):
        raise NotImplementedError("Pool.acquire: see LAB.md")
