package sharefs.sharing;

import java.time.Instant;

/** A folder row. Exactly one of ownerUserId / ownerProjectId is set. */
public record Folder(String id, String name, Long ownerUserId, Long ownerProjectId,
                     Permission projectPerm, UsageMode usage, String state, Instant createdAt, Instant deletedAt) {
    public boolean isProjectFolder() {
        return ownerProjectId != null;
    }
}
