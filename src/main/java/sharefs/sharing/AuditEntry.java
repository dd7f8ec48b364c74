package sharefs.sharing;

import java.time.Instant;

public record AuditEntry(long id, Instant at, String actor, String action, String folderId, String folderName,
                         String target, String detail) {
}
