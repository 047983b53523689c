package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shelf.core.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResultTest {
    @Test
    void isSealedToOkAndErr() {
        assertTrue(Result.class.isSealed(), "Result must be a sealed interface");
        assertEquals(Set.of(Result.Ok.class, Result.Err.class), Set.of(Result.class.getPermittedSubclasses()));
    }

    @Test
    void okHoldsAValueAndErrAMessage() {
        assertEquals(new Result.Ok<>(3), Result.ok(3));
        assertEquals(new Result.Err<Integer>("no"), Result.<Integer>err("no"));
        assertThrows(NullPointerException.class, () -> Result.ok(null));
        assertThrows(IllegalArgumentException.class, () -> Result.err(" "));
        assertThrows(IllegalArgumentException.class, () -> Result.err(null));
    }

    @Test
    void mapAcceptsWiderFunctionsAndGivesNarrowerResults() {
        Result<Integer> two = Result.ok(2);
        Function<Object, String> describe = value -> "<" + value + ">";
        Result<CharSequence> text = two.map(describe);  // ? super T in, ? extends U out
        assertEquals(Result.ok("<2>"), text);
        Result<Number> half = two.map(i -> i / 2.0);
        assertEquals(Result.ok(1.0), half);
    }

    @Test
    void mapAndFlatMapSkipAnErr() {
        Result<Integer> bad = Result.err("not a number");
        Function<Integer, Integer> never = i -> fail("an Err must not call the function");
        assertEquals(Result.err("not a number"), bad.map(never));
        assertEquals(Result.err("not a number"), bad.flatMap(i -> fail("an Err must not call the function")));
    }

    @Test
    void flatMapChainsAndKeepsTheFirstError() {
        Function<String, Result<Integer>> parse = s -> s.matches("\\d+") ? Result.ok(Integer.parseInt(s)) : Result.err("not a number: " + s);
        Function<Integer, Result<Integer>> positive = i -> i > 0 ? Result.ok(i) : Result.err("not positive: " + i);
        assertEquals(Result.ok(12), Result.ok("12").flatMap(parse).flatMap(positive));
        assertEquals(Result.err("not positive: 0"), Result.ok("0").flatMap(parse).flatMap(positive));
        assertEquals(Result.err("not a number: x"), Result.ok("x").flatMap(parse).flatMap(positive));
        Result<Number> widened = Result.ok("7").flatMap(parse);  // Result<? extends U> out
        assertEquals(Result.ok(7), widened);
    }

    @Test
    void orElseAndOrElseThrow() {
        assertEquals(3, Result.ok(3).orElse(9));
        assertEquals(9, Result.<Integer>err("no").orElse(9));
        assertEquals(3, Result.ok(3).orElseThrow());
        NoSuchElementException error = assertThrows(NoSuchElementException.class, () -> Result.err("gone").orElseThrow());
        assertEquals("gone", error.getMessage());
    }

    @Test
    void allCollectsEveryValueInOrderOrTheFirstError() {
        List<Result<Integer>> ints = List.of(Result.ok(1), Result.ok(2), Result.ok(3));
        Result<List<Number>> numbers = Result.all(ints);  // Results of a subtype in, a list of the supertype out
        assertEquals(Result.ok(List.of(1, 2, 3)), numbers);
        List<Result<Integer>> mixed = List.of(Result.ok(1), Result.err("second"), Result.err("third"));
        assertEquals(Result.err("second"), Result.all(mixed));
        assertEquals(Result.ok(List.of()), Result.all(List.<Result<String>>of()));
    }

    @Test
    void allGivesAListThatCannotChange() {
        List<Result<String>> input = new ArrayList<>(List.of(Result.ok("a")));
        List<String> values = Result.<String>all(input).orElseThrow();
        assertThrows(UnsupportedOperationException.class, () -> values.add("b"));
    }
}
