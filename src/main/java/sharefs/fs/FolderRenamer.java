package sharefs.fs;

/** Renames a folder of the view (an `mv` at the view root), under the same rules as `folder rename`. */
@FunctionalInterface
public interface FolderRenamer {
    /** @return 0 or a negative errno (EPERM when not the owner, EEXIST on a name clash, EINVAL on a bad name). */
    int rename(String oldName, String newName);
}
