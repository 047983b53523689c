package shelfgrading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shelf.core.Tag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TagTest {
    @Test
    void keepsItsSpellingStripped() {
        assertEquals("Sci-Fi", Tag.of("  Sci-Fi ").name());
        assertEquals("Sci-Fi", Tag.of("Sci-Fi").toString());
    }

    @Test
    void refusesBlankNames() {
        assertThrows(IllegalArgumentException.class, () -> Tag.of("  "));
        assertThrows(IllegalArgumentException.class, () -> Tag.of(null));
    }

    @Test
    void equalIgnoringCase() {
        Tag a = Tag.of("Sci-Fi");
        Tag b = Tag.of("sci-fi");
        assertEquals(a, b);
        assertEquals(b, a);
        assertNotEquals(a, Tag.of("fantasy"));
        assertNotEquals(a, "Sci-Fi");
        assertNotEquals(a, null);
    }

    @Test
    void equalTagsHaveEqualHashCodes() {
        assertEquals(Tag.of("Sci-Fi").hashCode(), Tag.of("SCI-FI").hashCode());
        Set<Tag> tags = new HashSet<>(List.of(Tag.of("Sci-Fi"), Tag.of("sci-fi"), Tag.of("SCI-FI"), Tag.of("Poetry")));
        assertEquals(2, tags.size());
        Map<Tag, Integer> counts = new HashMap<>();
        counts.merge(Tag.of("Poetry"), 1, Integer::sum);
        counts.merge(Tag.of("poetry"), 1, Integer::sum);
        assertEquals(2, counts.get(Tag.of("POETRY")));
    }

    @Test
    void foldsCaseTheSameInEveryLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            // In Turkish, "I".toLowerCase() is a dotless i: a default-locale fold would split these.
            Tag upper = Tag.of("FICTION");
            java.util.Locale.setDefault(java.util.Locale.ROOT);
            Tag lower = Tag.of("fiction");
            assertEquals(upper, lower);
            assertEquals(upper.hashCode(), lower.hashCode());
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}
