"""Catalog: questions about books answered by stream pipelines, collectors and Optional."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .maven_suite import judge


@check("jmodule.streams.collectors", points=2, needs_app=False, timeout_s=300)
def streams_collectors(ctx: CheckContext) -> Passed:
    """titlesByAuthor, countByDecade, oldest and totalCopies give the README's answers, in its order.

    Runs the hidden CatalogTest with the project's Maven: titles grouped by author in a map sorted
    by author, each list by year then title; counts per decade in increasing order (an empty map
    for no books); the oldest book as an Optional (empty for none, the title breaking a tie of
    years); the sum of copies; the input list left as it was (also an unmodifiable one).
    """
    return judge(ctx, ("CatalogTest",), "Catalog", hint=(
        "groupingBy(classifier, TreeMap::new, downstream) keeps the keys sorted; sort the stream "
        "before grouping to order each list (mapping(Book::title, toList())). min with a Comparator "
        "gives the Optional; mapToInt(...).sum() the total."))
