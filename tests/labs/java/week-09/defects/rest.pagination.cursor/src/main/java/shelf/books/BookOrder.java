package shelf.books;

import java.util.Comparator;

/**
 * The order of GET /v1/books: sort = title, -title, year or -year (a null year last either
 * way), or by id when there is no sort.
 */
record BookOrder(String sort) {

    /** The sorts the API takes, as a regular expression for @Pattern. */
    static final String SORTS = "title|-title|year|-year";

    private static final Comparator<String> TITLES =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    /** Negative when a comes first. */
    int compare(Position a, Position b) {
        int byValue = sort == null ? Long.compare(a.id(), b.id()) : switch (sort) {
            case "title" -> TITLES.compare(a.title(), b.title());
            case "-title" -> TITLES.compare(b.title(), a.title());
            case "year" -> years(a.year(), b.year(), false);
            default -> years(a.year(), b.year(), true);
        };
        return byValue;
    }

    private static int years(Integer a, Integer b, boolean descending) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        return descending ? Integer.compare(b, a) : Integer.compare(a, b);
    }
}
