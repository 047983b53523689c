package shelf.db;

/** Ids are bigint in PostgreSQL and strings in the API: "17" names row 17, "abc" names none. */
public final class Ids {

    private Ids() {
    }

    /**
     * The id, or null when the text is not one (then it names nothing: a 404, or no match). ASCII
     * digits only: Character.isDigit would take "１２" (full-width) for book 12.
     */
    public static Long parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.valueOf(text);
    }
}
