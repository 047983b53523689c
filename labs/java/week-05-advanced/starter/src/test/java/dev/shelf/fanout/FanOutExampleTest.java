package dev.shelf.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** An example of your own tests: `mvn test` runs them (the harness runs its hidden ones beside them). */
class FanOutExampleTest {

    @Test
    void resultsComeBackInTheOrderOfTheCalls() throws Exception {
        List<Callable<String>> calls = List.of(() -> {
            Thread.sleep(50);
            return "slow";
        }, () -> "fast");
        assertEquals(List.of("slow", "fast"), FanOut.all(calls, Duration.ofSeconds(5)));
    }
}
