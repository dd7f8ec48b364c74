package sharefs.sharing;

import java.time.Instant;

public record TrashedFolder(String id, String name, String owner, Instant deletedAt) {
}
