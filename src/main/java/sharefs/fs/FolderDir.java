package sharefs.fs;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import sharefs.backing.DirStream;

/**
 * A directory in a folder, listed straight from its backing directory with the backing
 * filesystem's own offsets, so a listing resumes at the kernel's offset however the view
 * changed meanwhile. "." and ".." come from the backing directory too, with its offsets.
 */
final class FolderDir implements OpenDir {
    private final DirStream stream;
    private final String folderId;
    /** Reused for each entry; DirStream calls the sink under its lock, one entry at a time. */
    private final FileStat entry = FileStat.of(Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 256, true));

    FolderDir(DirStream stream, String folderId) {
        this.stream = stream;
        this.folderId = folderId;
    }

    @Override
    public String folderId() {
        return folderId;
    }

    @Override
    public int list(Pointer buf, FuseFillDir filler, long offset) {
        return stream.read(offset, (name, type, ino, after) -> filler.apply(buf, name, statOf(name, type, ino), after) == 0);
    }

    /**
     * Giving the kernel each entry's type spares `find` and friends a lookup per entry. An entry
     * with inode 0 is skipped by readers, so only typed, numbered entries go with a stat. The dot
     * entries go without: the backing ".." of a folder's top directory lies outside the view.
     */
    private FileStat statOf(String name, int type, long ino) {
        if (type == 0 || ino == 0 || name.equals(".") || name.equals("..")) return null;
        entry.st_mode.set(type << 12);
        entry.st_ino.set(ino);
        return entry;
    }

    @Override
    public void close() {
        stream.close();
    }
}
