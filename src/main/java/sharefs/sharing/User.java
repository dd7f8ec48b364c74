package sharefs.sharing;

public record User(long id, String email, String name, boolean admin) {
}
