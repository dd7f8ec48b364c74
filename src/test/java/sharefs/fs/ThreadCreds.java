package sharefs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Platform;

/**
 * Makes the calling thread, and no other, what a session's process is to the kernel: real,
 * effective, saved and filesystem uid and gid the session's, no supplementary groups, and no
 * capabilities (the kernel clears them when every uid of a task leaves 0). Its FUSE requests then
 * carry that uid, and every check the kernel makes before the daemon is asked (CAP_MKNOD for
 * devices, CAP_SYS_ADMIN for trusted.* xattrs, the owner checks against the uid the mount shows)
 * is made as for the session.
 *
 * <p>It uses the raw system calls: glibc's setgroups/setresgid/setresuid change every thread of
 * the process, as POSIX demands, and here that would include the daemon serving the mounts. A
 * thread once dropped never gets its privileges back. As on any change of credentials, the kernel
 * marks the process not dumpable; for a JVM running as root that changes nothing a test can see,
 * and it keeps the unprivileged thread from being ptraced into the root process.
 */
final class ThreadCreds {
    private static final Platform.CPU CPU = Platform.getNativePlatform().getCPU();
    private static final boolean X86 = CPU == Platform.CPU.X86_64;
    private static final long SYS_SETGROUPS = X86 ? 116 : 159;
    private static final long SYS_SETRESGID = X86 ? 119 : 149;
    private static final long SYS_SETRESUID = X86 ? 117 : 147;
    private static final String NO_CAPS = "0000000000000000";

    private ThreadCreds() {
    }

    /** Drops the calling thread to uid/gid for good, and checks with the kernel that it took. */
    static void dropTo(long uid, long gid) {
        if (!X86 && CPU != Platform.CPU.AARCH64) throw new AssertionError("syscall numbers of setresuid & co. unknown on " + CPU);
        check("setgroups", Px.syscall(SYS_SETGROUPS, 0, 0, 0));
        check("setresgid", Px.syscall(SYS_SETRESGID, gid, gid, gid));
        check("setresuid", Px.syscall(SYS_SETRESUID, uid, uid, uid));
        Map<String, String> st = status();
        String u = uid + " " + uid + " " + uid + " " + uid;
        String g = gid + " " + gid + " " + gid + " " + gid;
        List<String> want = List.of(u, g, "", NO_CAPS, NO_CAPS);
        List<String> got = List.of(st.get("Uid"), st.get("Gid"), st.get("Groups"), st.get("CapEff"), st.get("CapPrm"));
        if (!want.equals(got)) throw new AssertionError("thread credentials after the drop (Uid, Gid, Groups, CapEff, CapPrm): " + got);
    }

    /** The calling thread's /proc status fields, values with their whitespace runs made single spaces. */
    static Map<String, String> status() {
        try {
            Map<String, String> out = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) out.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/thread-self/status: " + e, e);
        }
    }

    private static void check(String call, int rc) {
        if (rc < 0) throw new AssertionError(call + " failed: " + Px.name(-rc));
    }
}
