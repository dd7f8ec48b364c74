package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The device numbers that name a mount's /sys/class/bdi entry, split as glibc splits them. */
class ReadaheadTest {
    /** glibc's gnu_dev_makedev. */
    static long makedev(long major, long minor) {
        return ((major & 0xfff) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xff) | ((minor & ~0xffL) << 12);
    }

    @Test
    void splitsDevLikeGlibc() {
        long[][] cases = {{0, 38}, {8, 1}, {259, 3}, {0x123abc, 0x4567}, {0xfff, 0xfffff}};
        for (long[] c : cases) {
            long dev = makedev(c[0], c[1]);
            assertEquals(c[0], Readahead.major(dev), "major of " + Long.toHexString(dev));
            assertEquals(c[1], Readahead.minor(dev), "minor of " + Long.toHexString(dev));
        }
        assertEquals(38, Readahead.minor(38));
    }
}
