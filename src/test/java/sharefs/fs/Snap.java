package sharefs.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a refused operation could have changed in a backing tree, read without following
 * symlinks: type, mode, size, link count, inode, mtime, ctime, content hash, symlink target and
 * user.* xattrs of every entry. Two equal snapshots mean nothing changed.
 */
final class Snap {
    private Snap() {
    }

    static Map<String, String> of(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        for (Path p : all) out.put(root.relativize(p).toString(), describe(p));
        return out;
    }

    static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,nlink,ino,lastModifiedTime,ctime,uid,gid",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        StringBuilder b = new StringBuilder();
        b.append("mode=").append(Integer.toOctalString(mode)).append(" size=").append(a.get("size"))
                .append(" nlink=").append(a.get("nlink")).append(" ino=").append(a.get("ino"))
                .append(" uid=").append(a.get("uid")).append(" gid=").append(a.get("gid"))
                .append(" mtime=").append(a.get("lastModifiedTime")).append(" ctime=").append(a.get("ctime"));
        int type = mode & Px.S_IFMT;
        if (type == Px.S_IFLNK) {
            b.append(" target=").append(Files.readSymbolicLink(p));
            return b.toString();
        }
        if (type == Px.S_IFREG) b.append(" sha=").append(sha(Files.readAllBytes(p)));
        if (type == Px.S_IFREG || type == Px.S_IFDIR) {
            UserDefinedFileAttributeView x = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            for (String n : new java.util.TreeSet<>(x.list())) {
                ByteBuffer v = ByteBuffer.allocate(x.size(n));
                x.read(n, v);
                b.append(" user.").append(n).append('=').append(new String(v.array(), StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    private static String sha(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
