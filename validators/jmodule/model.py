"""Book and Tag: a validated record and a class with its own equals/hashCode, judged by hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .maven_suite import judge


@check("jmodule.model.values", points=2, needs_app=False, timeout_s=300)
def model_values(ctx: CheckContext) -> Passed:
    """Book is a record that validates in its compact constructor and orders itself; Tag's equals
    and hashCode agree.

    Runs the hidden BookTest and TagTest with the project's Maven: Book's components in the
    README's order, title and author stored stripped, IllegalArgumentException naming the field
    for a bad ISBN-13 (length, a non-digit, a non-ASCII digit, the check digit), a blank title or
    author, a year outside 1450-2100, negative copies (also through withCopies), NullPointerException
    for a null; equality by every field; the order by author and title ignoring case, year, isbn.
    Tag: stripped, blank refused, equal ignoring case in any default locale, with equal hash codes
    (a HashSet and a HashMap key see one tag).
    """
    return judge(ctx, ("BookTest", "TagTest"), "Book and Tag", hint=(
        "Validate in the record's compact constructor (public Book { ... }) and reassign the stripped "
        "title and author there. Compare with Comparator.comparing(Book::author, String.CASE_INSENSITIVE_ORDER)"
        ".thenComparingInt(Book::year)... For Tag, derive equals and hashCode from the same key, "
        "name.toLowerCase(Locale.ROOT): objects that are equal must have equal hash codes."))
