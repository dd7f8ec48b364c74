package sharefs.fs;

import java.util.List;
import sharefs.backing.DirStream;
import sharefs.fuse.kernel.DirBuffer;
import sharefs.fuse.kernel.EntryOut;

/** An open directory of the kernel engine: the view root's listing, or a backing directory streamed. */
interface KernelDir extends AutoCloseable {
    /** The folder listed, null for the view root. */
    String folderId();

    /** Entries from offset on into out, until it is full or the directory ends; 0 or -errno. */
    int list(long offset, DirBuffer out);

    /**
     * Makes the READDIRPLUS entry of name (attributes, and a node counted as one lookup) in the
     * directory of O_PATH descriptor dirFd; returns its node id, or 0 when there is none to give
     * (the name went meanwhile: the entry goes plain, and the kernel looks it up itself).
     */
    interface Plus {
        long entry(int dirFd, byte[] name, EntryOut out);

        /** The lookup counted on a node whose entry did not fit in the answer is given back. */
        void unsent(long node);
    }

    /** Like list, for READDIRPLUS: entries with attributes where plus makes them. */
    default int listPlus(long offset, DirBuffer out, Plus plus) {
        return list(offset, out);
    }

    @Override
    void close();

    /** The root's names as they were at opendir, as `ls` expects of one listing: offsets are positions. */
    static KernelDir root(List<byte[]> names) {
        return new KernelDir() {
            @Override
            public String folderId() {
                return null;
            }

            @Override
            public int list(long offset, DirBuffer out) {
                int dirType = sharefs.backing.Flags.S_IFDIR >>> 12;
                for (long i = Math.max(0, offset); i < names.size() + 2; i++) {
                    byte[] name = i == 0 ? new byte[] {'.'} : i == 1 ? new byte[] {'.', '.'} : names.get((int) i - 2);
                    // A listing's inode numbers only need to be non-zero here: stat gives each folder's real one.
                    if (!out.add(i < 2 ? NodeTable.ROOT : i + 1, i + 1, dirType, name)) break;
                }
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A backing directory, every name as its bytes; dirFd: its node's O_PATH descriptor (the kernel holds the node while it is open). */
    static KernelDir folder(String folderId, DirStream stream, int dirFd) {
        return new KernelDir() {
            @Override
            public String folderId() {
                return folderId;
            }

            @Override
            public int list(long offset, DirBuffer out) {
                return stream.readRaw(offset, (name, type, ino, next) -> out.add(ino, next, type, name));
            }

            @Override
            public int listPlus(long offset, DirBuffer out, Plus plus) {
                EntryOut e = new EntryOut();
                return stream.readRaw(offset, (name, type, ino, next) -> {
                    if (!DirBuffer.countsAsLookup(name)) return out.add(ino, next, type, name);
                    long node = plus.entry(dirFd, name, e);
                    if (node == 0) return out.add(ino, next, type, name);
                    if (out.addPlus(e, next, name)) return true;
                    plus.unsent(node);
                    return false;
                });
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }
}
