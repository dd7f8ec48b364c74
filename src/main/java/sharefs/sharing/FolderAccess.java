package sharefs.sharing;

/**
 * One folder in a user's view and what that user may do there. {@code permission} is null for
 * the owner: the owner is never stored or compared as a permission level.
 */
public record FolderAccess(String folderId, String name, String ownerLabel, boolean owner,
                           Permission permission, UsageMode usage) {
    public String accessLabel() {
        return owner ? "owner" : permission.label();
    }

    public boolean mayWrite() {
        return owner || permission.mayWrite();
    }

    public boolean mayDelete() {
        return owner || permission.mayDelete();
    }
}
