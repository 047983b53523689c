"""retry: call a function again when it fails, waiting longer each time."""

import time


# Add the types (LAB.md): mypy --strict must pass on this package.
def retry(attempts=3, *, exceptions=(Exception,), delay=0.1, backoff=2.0, max_delay=10.0, sleep=time.sleep):
    raise NotImplementedError("retry: see LAB.md")
