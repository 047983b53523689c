"""gather_limited: await many awaitables, never more than `limit` at a time."""


# Add the types (LAB.md): mypy --strict must pass on this package.
async def gather_limited(awaitables, limit):
    raise NotImplementedError("gather_limited: see LAB.md")
