"""run_pipeline: a producer and workers joined by a bounded queue."""


# Add the types (LAB.md): mypy --strict must pass on this package.
async def run_pipeline(source, handle, *, workers=4, buffer=8):
    raise NotImplementedError("run_pipeline: see LAB.md")
