package sharefs.backing;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Names as the kernel keeps them are bytes; the libfuse2 engine speaks Java Strings. A name
 * becomes a String here only when its bytes are UTF-8 exactly (no stray byte, no truncated or
 * overlong sequence, no surrogate), so two different byte strings never become one String, as
 * a lossy decoder makes "bad\xff" and "bad\xfe" both "bad\uFFFD".
 */
public final class Utf8 {
    private Utf8() {
    }

    /** The name in b[off, off + len) as a String; null if those bytes are not UTF-8. */
    public static String strict(byte[] b, int off, int len) {
        boolean ascii = true;
        for (int i = off; i < off + len && ascii; i++) ascii = b[i] >= 0;
        if (ascii) return new String(b, off, len, StandardCharsets.ISO_8859_1);
        try {
            // A fresh decoder reports malformed input (its default) instead of replacing it.
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, off, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public static String strict(byte[] b) {
        return strict(b, 0, b.length);
    }

    /** The bytes of a name for a log line: printable ASCII as it is, every other byte as \xNN. */
    public static String escaped(byte[] b) {
        StringBuilder s = new StringBuilder(b.length);
        for (byte x : b) {
            if (x >= 0x20 && x < 0x7f && x != '\\') s.append((char) x);
            else s.append(String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }
}
