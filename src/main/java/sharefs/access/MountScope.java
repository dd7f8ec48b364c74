package sharefs.access;

import java.util.Set;

/**
 * What one mount narrows the view to: only some folders (by id, so a rename keeps them), and
 * folders lowered to view for this mount. It can only narrow, never widen.
 */
public record MountScope(Set<String> onlyFolderIds, Set<String> readOnlyFolderIds) {
    public static final MountScope ALL = new MountScope(null, Set.of());

    boolean includes(String folderId) {
        return onlyFolderIds == null || onlyFolderIds.contains(folderId);
    }

    boolean lowered(String folderId) {
        return readOnlyFolderIds.contains(folderId);
    }
}
