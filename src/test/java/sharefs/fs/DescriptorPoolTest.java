package sharefs.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The agent's descriptors: a guarantee per mount, bursts only out of what nobody is promised. */
class DescriptorPoolTest {
    @Test
    void aMountBurstsOnlyIntoWhatNoOtherMountIsPromised() {
        DescriptorPool pool = new DescriptorPool(100);
        DescriptorPool.Account a = pool.open(10);
        DescriptorPool.Account b = pool.open(10);
        int took = 0;
        while (a.take()) took++;
        assertEquals(90, took, "a takes everything but b's unused guarantee");
        for (int i = 0; i < 10; i++) assertTrue(b.take(), "b's guarantee holds while a holds the rest: " + i);
        assertFalse(b.take(), "beyond its guarantee b finds nothing left");
        a.give();
        assertTrue(b.take(), "what a gives back is anyone's");
        assertEquals(100, pool.used());
    }

    @Test
    void admissionPromisesOnlyWhatCanBeKept() {
        DescriptorPool pool = new DescriptorPool(100);
        DescriptorPool.Account a = pool.open(40);
        assertNotNull(pool.open(40));
        assertNull(pool.open(40), "the guarantees would exceed the pool");
        DescriptorPool small = new DescriptorPool(100);
        DescriptorPool.Account greedy = small.open(10);
        while (greedy.take()) {
            // Everything there is.
        }
        assertNull(small.open(10), "a guarantee that the pool cannot give now is not promised");
        for (int i = 0; i < 20; i++) greedy.give();
        assertNotNull(small.open(10));
        assertTrue(a.take());
    }

    @Test
    void aClosedAccountGivesItsGuaranteeBackAndTakesNothingMore() {
        DescriptorPool pool = new DescriptorPool(50);
        DescriptorPool.Account a = pool.open(30);
        assertTrue(a.take());
        a.close();
        assertFalse(a.take());
        assertNotNull(pool.open(49), "a's unused guarantee is free again; its one held descriptor is not");
        a.give();
        assertEquals(0, pool.used());
    }
}
