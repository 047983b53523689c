package shelf.members;

/** A member of the library as the API shows it: {"id", "email", "name", "role"}, never the hash. */
public record Member(String id, String email, String name, String role) {
}
