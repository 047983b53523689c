"""shelfkit.atomic_write: a file replaced whole or not at all, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import judge_tests


@check("pymodule.context.atomic", points=1, needs_app=False, timeout_s=120)
def atomic_write_context(ctx: CheckContext) -> Passed:
    """atomic_write() replaces the file when the block ends, leaves it untouched on an error, and lets the error go on.

    Runs the lab's hidden tests (hidden/tests/test_context.py) with the project's pytest: the
    old content kept while the block runs, the new one after it, an exception (KeyboardInterrupt
    too) re-raised as the same object with the file as it was (or still missing), one
    temporary file beside the target and none left after, text with an encoding and bytes
    with "wb", other modes refused with a ValueError.
    """
    return judge_tests(ctx, "test_context.py", "atomic_write()", hint=(
        "With @contextlib.contextmanager: write to tempfile.mkstemp(dir=<the target's folder>), yield inside "
        "try; after the yield os.replace() the temporary file over the target; in `except BaseException:` "
        "remove it and `raise` again: an except block that does not re-raise swallows the error."))
