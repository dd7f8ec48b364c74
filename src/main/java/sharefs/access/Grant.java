package sharefs.access;

import java.nio.file.Path;
import sharefs.sharing.Permission;

/**
 * One folder of a mounted view and what the mount's user may do in it. {@code permission} is null
 * for the owner, who may also rename the folder.
 */
public record Grant(String folderId, String name, boolean owner, Permission permission, Path backingDir,
                    boolean mayRenameFolder) {
    public boolean mayWrite() {
        return owner || permission.mayWrite();
    }

    public boolean mayDelete() {
        return owner || permission.mayDelete();
    }

    public boolean readOnly() {
        return !mayWrite();
    }

    public String label() {
        return owner ? "owner" : permission.label();
    }
}
