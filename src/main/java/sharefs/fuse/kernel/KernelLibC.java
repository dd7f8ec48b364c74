package sharefs.fuse.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * The libc calls the kernel-protocol engine needs: the FUSE device, mount(2)/umount2(2), and
 * anonymous memory for request buffers. Native memory is passed as a Pointer: a {@code long}
 * standing for an address reached mmap(2) garbled (EINVAL) in jnr-ffi 2.2's six-argument call.
 * Public because jnr-ffi implements it in a class loader of its own.
 */
public interface KernelLibC {
    int open(@In byte[] path, int flags, int mode);

    int close(int fd);

    long read(int fd, Pointer buf, long count);

    /** writev(2) of iovcnt struct iovec at iov. */
    long writev(int fd, Pointer iov, int iovcnt);

    /** ioctl(2) with a pointer argument. */
    int ioctl(int fd, long request, Pointer arg);

    /** memfd_create(2): an anonymous regular file. */
    int memfd_create(@In byte[] name, int flags);

    int mount(@In byte[] source, @In byte[] target, @In byte[] fstype, long flags, @In byte[] data);

    int umount2(@In byte[] target, int flags);

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    /** madvise(2): MADV_DONTNEED (4) hands a private anonymous region's pages back; it reads as zeros after. */
    int madvise(Pointer addr, long length, int advice);

    /** poll(2) of nfds struct pollfd {int fd; short events; short revents} at fds. */
    int poll(Pointer fds, long nfds, int timeoutMillis);

    /** epoll_create1(2). */
    int epoll_create1(int flags);

    /** epoll_ctl(2) with a struct epoll_event at event. */
    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    /** epoll_wait(2) into maxevents struct epoll_event at events. */
    int epoll_wait(int epfd, Pointer events, int maxevents, int timeoutMillis);

    /** syscall(2) with three arguments (io_uring_setup, io_uring_register's first three). */
    long syscall(long number, long a1, Pointer a2);

    /** syscall(2) with four arguments (io_uring_register). */
    long syscall(long number, long a1, long a2, Pointer a3, long a4);

    /** syscall(2) with six arguments (io_uring_enter); arg: a struct io_uring_getevents_arg or null. */
    long syscall(long number, long a1, long a2, long a3, long a4, Pointer a5, long a6);

    /** setpriority(2): with which PRIO_PROCESS (0) and who 0, the nice value of the calling thread (Linux). */
    int setpriority(int which, int who, int prio);

    /** sched_setaffinity(2) of the calling thread (pid 0) to the CPUs of the bit mask at mask. */
    int sched_setaffinity(int pid, long size, Pointer mask);

    /** The binding, made once per JVM by class initialisation (thread-safe, immutable after). */
    final class Holder {
        static final KernelLibC LIBC = LibraryLoader.create(KernelLibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }
    }

    static KernelLibC get() {
        return Holder.LIBC;
    }

    /** errno of this thread's most recent call through the binding; read it before another call. */
    static Runtime runtime() {
        return Holder.RUNTIME;
    }

    static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    /** bytes of s (ASCII/UTF-8) plus a trailing NUL. */
    static byte[] cstr(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }
}
