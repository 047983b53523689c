package shelf.authors;

/** An author, as stored and as sent: {"id": "1", "name": "Ursula K. Le Guin"}. */
public record Author(String id, String name) {
}
