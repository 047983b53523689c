package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shelf.core.Picks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PicksTest {
    @Test
    void maxOfATypeComparableThroughItsSupertype() {
        // LocalDate is Comparable<ChronoLocalDate>, not Comparable<LocalDate>: it needs <? super T>.
        List<LocalDate> dates = List.of(LocalDate.of(1965, 8, 1), LocalDate.of(2001, 1, 1), LocalDate.of(1815, 12, 23));
        Optional<LocalDate> latest = Picks.max(dates);
        assertEquals(Optional.of(LocalDate.of(2001, 1, 1)), latest);
    }

    @Test
    void maxOfNothingIsEmpty() {
        assertEquals(Optional.empty(), Picks.max(List.<String>of()));
        assertEquals(Optional.of("pear"), Picks.max(List.of("apple", "pear", "fig")));
    }

    @Test
    void maxKeepsTheFirstOfEqualItems() {
        Long first = Long.valueOf(1_000_000L);
        Long second = Long.valueOf(1_000_000L);
        Optional<Long> max = Picks.max(List.of(5L, first, second));
        assertEquals(true, max.get() == first, "the first of equal maxima is kept");
    }

    @Test
    void copyIfFromSubtypesIntoSupertypes() {
        List<Integer> from = List.of(1, 2, 3, 4, 5, 6);
        List<Number> into = new ArrayList<>(List.of(0.5));
        Predicate<Object> always = o -> true;
        Predicate<Number> even = n -> n.intValue() % 2 == 0;
        assertEquals(3, Picks.copyIf(from, into, even));
        assertEquals(List.of(0.5, 2, 4, 6), into);
        List<Object> all = new ArrayList<>();
        assertEquals(6, Picks.copyIf(from, all, always));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), all);
    }

    @Test
    void copyIfTakesEachWildcardItsOwnWay() {
        // A wider sink with a narrower test: compiles only with ? super on `to`.
        List<Object> anything = new ArrayList<>();
        Predicate<Number> positive = n -> n.doubleValue() > 0;
        assertEquals(2, Picks.copyIf(List.of(-1, 1, 2), anything, positive));
        // A sink of the items' own type with a test of everything: compiles only with ? super on `keep`.
        List<Integer> same = new ArrayList<>();
        Predicate<Object> notNull = o -> o != null;
        assertEquals(3, Picks.copyIf(List.of(-1, 1, 2), same, notNull));
        assertEquals(List.of(-1, 1, 2), same);
    }
}
