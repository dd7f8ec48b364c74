package sharefs.node;

import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (Type=notify): one datagram to $NOTIFY_SOCKET. The JDK has no
 * Unix datagram sockets, so it is a socket and a sendto through libc. Without the variable (not
 * under systemd) it does nothing.
 */
final class SdNotify {
    private static final Logger log = LoggerFactory.getLogger(SdNotify.class);
    private static final int AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000;
    /** sizeof(struct sockaddr_un): sa_family (2 bytes) + sun_path[108]. */
    private static final int SOCKADDR_UN = 110;

    private SdNotify() {
    }

    static void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    static void stopping() {
        send("STOPPING=1");
    }

    static void send(String message) {
        String path = System.getenv("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) return;
        try {
            byte[] addr = address(path);
            if (addr == null) {
                log.warn("NOTIFY_SOCKET '{}' is not a Unix socket path; systemd is not told", path);
                return;
            }
            NodeLibC c = NodeLibC.get();
            int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                log.warn("cannot tell systemd '{}': socket failed, errno {}", message, NodeLibC.errno());
                return;
            }
            try {
                byte[] msg = message.getBytes(StandardCharsets.UTF_8);
                if (c.sendto(fd, msg, msg.length, 0, addr, addr.length) < 0) {
                    log.warn("cannot tell systemd '{}': errno {}", message, NodeLibC.errno());
                }
            } finally {
                c.close(fd);
            }
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot tell systemd '{}': {}", message, e.toString());
        }
    }

    /** struct sockaddr_un for a path, or for an abstract name ('@' becomes the leading NUL); null if too long. */
    static byte[] address(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= SOCKADDR_UN - 2) return null;
        if (name[0] != '/' && name[0] != '@') return null;
        boolean isAbstract = name[0] == '@';
        if (isAbstract) name[0] = 0;
        // An abstract address is exactly as long as its name; a path one carries its trailing NUL.
        byte[] addr = new byte[2 + name.length + (isAbstract ? 0 : 1)];
        addr[0] = AF_UNIX; // sa_family_t, little-endian on every platform sharefs runs on
        System.arraycopy(name, 0, addr, 2, name.length);
        return addr;
    }
}
