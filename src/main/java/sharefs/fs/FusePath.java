package sharefs.fs;

/**
 * A path as FUSE gives it, split into the view's folder name and the path beneath that folder.
 * "/" is the view root (folder null); "/tests" is the folder itself (rel ""); "/tests/a/b" has rel "a/b".
 */
record FusePath(String folder, String rel) {
    static final FusePath ROOT = new FusePath(null, null);

    static FusePath parse(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) return ROOT;
        String p = path.charAt(0) == '/' ? path.substring(1) : path;
        int slash = p.indexOf('/');
        if (slash < 0) return new FusePath(p, "");
        return new FusePath(p.substring(0, slash), p.substring(slash + 1));
    }

    boolean isRoot() {
        return folder == null;
    }

    /** The folder directory itself, directly under the view root. */
    boolean isFolderItself() {
        return folder != null && rel.isEmpty();
    }
}
