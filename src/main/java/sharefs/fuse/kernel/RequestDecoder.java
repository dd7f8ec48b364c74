package sharefs.fuse.kernel;

import java.nio.ByteBuffer;

/**
 * Checks one request as read from the device and reads its header: the length the header
 * claims must be the length read, no longer than the engine accepts, and long enough for the
 * opcode's fixed arguments. Anything else is {@link Malformed} (answered -EINVAL, or -EIO when
 * not even the header is whole), so no handler ever sees a request it would misread.
 */
final class RequestDecoder {
    private final int maxRequest;

    /** maxRequest: the largest request accepted, header and WRITE payload included. */
    RequestDecoder(int maxRequest) {
        this.maxRequest = maxRequest;
    }

    InHeader header(ByteBuffer b, int n) throws Malformed {
        long unique = n >= 16 ? b.getLong(8) : 0;
        if (n < InHeader.SIZE) throw new Malformed(unique, -Errors.EIO, "a request of " + n + " bytes, shorter than its header");
        int len = b.getInt(0);
        if (len != n) {
            throw new Malformed(unique, -Errors.EINVAL, "a header claiming " + Integer.toUnsignedString(len) + " bytes in a read of " + n);
        }
        if (n > maxRequest) throw new Malformed(unique, -Errors.EINVAL, "a request of " + n + " bytes, over the " + maxRequest + " accepted");
        int opcode = b.getInt(4);
        int extLen = (b.getShort(36) & 0xffff) * 8;
        if (n - InHeader.SIZE < extLen) throw new Malformed(unique, -Errors.EINVAL, "extensions longer than the request");
        int fixed = Opcode.fixedArgs(opcode);
        if (fixed > 0 && n - InHeader.SIZE - extLen < fixed) {
            throw new Malformed(unique, -Errors.EINVAL, Opcode.name(opcode) + " with " + (n - InHeader.SIZE - extLen)
                    + " bytes of arguments, short of its " + fixed);
        }
        return new InHeader(len, opcode, unique, b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32), extLen);
    }

    /** The arguments of a request whose header passed {@link #header}. */
    Args args(ByteBuffer b, InHeader h) {
        return new Args(b, h.unique(), InHeader.SIZE, h.len() - h.extLen());
    }
}
