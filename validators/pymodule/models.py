"""shelfkit.Book: a dataclass that validates, cannot change, and sorts, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import judge_tests


@check("pymodule.models.validated", points=2, needs_app=False, timeout_s=120)
def book_validated(ctx: CheckContext) -> Passed:
    """Book refuses wrong values and types, is immutable and hashable, and sorts by author, year, title.

    Runs the lab's hidden tests (hidden/tests/test_models.py) with the project's pytest: the
    fields in the README's order, title and author stored stripped, a ValueError naming the
    field for a bad ISBN-13 (length, non-ASCII digits, check digit), an empty title or author,
    a year outside 1450-2100, negative copies; a TypeError for a wrong type (bool is not an
    int); FrozenInstanceError on assignment; equality and hash by every field; sorted() by
    author and title ignoring case, year, then isbn; no comparison with other types.
    """
    return judge_tests(ctx, "test_models.py", "Book", hint=(
        "Validate in __post_init__; a frozen dataclass sets its stripped fields with object.__setattr__. "
        "For the order, compare a key (author.casefold(), year, title.casefold(), isbn): a first field "
        "with init=False under order=True, or __lt__ with functools.total_ordering."))
