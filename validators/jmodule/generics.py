"""Result<T> and Picks: generic types whose wildcards let callers pass subtypes in and supertypes out."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .maven_suite import judge


@check("jmodule.generics.variance", points=2, needs_app=False, timeout_s=300)
def generics_variance(ctx: CheckContext) -> Passed:
    """Result is a sealed Ok/Err pair with map, flatMap, orElse, orElseThrow and all; Picks.max and
    Picks.copyIf take the bounds and wildcards the README gives.

    Runs the hidden ResultTest and PicksTest with the project's Maven. The tests use the
    signatures as callers do: a Function<Object, String> mapped over a Result<Integer> into a
    Result<CharSequence>, Result.all of List<Result<Integer>> into a Result<List<Number>>,
    Picks.max of LocalDates (Comparable through ChronoLocalDate), copyIf from a List<Integer>
    into a List<Number> with a Predicate<Number>. A signature without its wildcard does not
    compile with them, and fails this check alone. Behaviour: an Err never calls the function,
    the first error wins, all gives an unmodifiable list, max keeps the first of equal maxima.
    """
    return judge(ctx, ("ResultTest", "PicksTest"), "Result and Picks", hint=(
        "Keep the README's signatures: PECS, a producer extends and a consumer super "
        "(Function<? super T, ? extends U>, Collection<? super T>), and <T extends Comparable<? super T>> "
        "for a type that is comparable through its supertype. Test with `instanceof Ok<T> ok` in the defaults."))
