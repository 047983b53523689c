package shelf.members;

/** A member of the library: {"id", "email", "name"}. */
public record Member(String id, String email, String name) {
}
