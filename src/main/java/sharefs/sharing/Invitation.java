package sharefs.sharing;

import java.time.Instant;

public record Invitation(long id, String folderId, String folderName, String inviter, String invitee,
                         Permission permission, String state, Instant createdAt, Instant decidedAt) {
}
