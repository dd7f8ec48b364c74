package sharefs.backing;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/** Holder of the one lazily loaded libc binding; class initialisation does the lazy part. */
public final class Native {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /** Where struct layouts and open(2) flag values follow the x86 ABI rather than asm-generic. */
    static final boolean X86_64 = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;
    /**
     * Whether this CPU is one we verified the numbers of the syscalls glibc does not wrap on
     * (openat2, fchmodat2, the xattr *at family): those added since Linux 5.1 have one number on both.
     */
    static final boolean SYSCALL_NUMBERS_KNOWN = X86_64 || Platform.getNativePlatform().getCPU() == Platform.CPU.AARCH64;

    private Native() {}

    public static LibC libc() {
        return LIBC;
    }

    /** errno of this thread's most recent libc call; read it before making another call. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** rc if it is a success, otherwise -errno. */
    static int check(int rc) {
        return rc < 0 ? -errno() : rc;
    }

    static int check(long rc) {
        return rc < 0 ? -errno() : (int) Math.min(rc, Integer.MAX_VALUE);
    }
}
