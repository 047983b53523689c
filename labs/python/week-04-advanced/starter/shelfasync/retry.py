"""retry_async: call a coroutine function again when it fails, waiting longer each time."""

import asyncio


# Add the types (LAB.md): mypy --strict must pass on this package.
def retry_async(attempts=3, *, exceptions=(Exception,), delay=0.1, backoff=2.0, sleep=asyncio.sleep):
    raise NotImplementedError("retry_async: see LAB.md")
