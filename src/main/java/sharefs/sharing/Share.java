package sharefs.sharing;

import java.time.Instant;

public record Share(String email, Permission permission, Instant since, String via) {
}
