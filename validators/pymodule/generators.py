"""shelfkit's generators: a file read line by line into batches of books, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import judge_tests


@check("pymodule.generators.lazy", points=2, needs_app=False, timeout_s=120)
def generators_lazy(ctx: CheckContext) -> Passed:
    """read_records, parse_books and batched are lazy: one line read per record, one item pulled per result.

    Runs the lab's hidden tests (hidden/tests/test_generators.py) with the project's pytest:
    records from a named pipe whose writer holds the file open until the first record is
    handed over (a read of the whole file waits for its end), no file opened before the first
    next(), the file closed at the end and on close(), blank and comment lines skipped, UTF-8;
    parse_books skipping bad lines and numbering them in `errors`, pulling one line per book
    from an endless input; batched on an endless iterator, reading no item past its batch,
    and a ValueError for a size below 1 from the call itself.
    """
    return judge_tests(ctx, "test_generators.py", "the generators", hint=(
        "Iterate the open file itself (`for line in file:`) inside `with open(...)` in the generator; read(), "
        "readlines() and read_text() read the whole file first. A generator function runs nothing until the "
        "first next(): check batched's size in a plain function that then returns the generator."))
