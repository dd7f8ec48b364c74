package sharefs.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import sharefs.sharing.Permission;

/**
 * When each of one user's accesses to a folder may have been in force at that user's mount,
 * without any timing bound: an access is possible from the moment the change that grants it was
 * asked for (its commit comes later) until the mount was seen serving a view built after the
 * next change. A call that ran between two instants may have met any access whose span overlaps
 * it, and no other. Times are System.nanoTime(). One writer (the thread that makes the changes)
 * records, readers look only once it has ended.
 */
final class AccessTimeline {
    /** A folder share's access as a mount meets it; null permission: not in the view at all. */
    record Access(Permission perm) {
        static final Access NONE = new Access(null);

        /** What unlink(2) of an existing file in the folder answers under this access (the README's table). */
        String unlinkOutcome() {
            if (perm == null) return "ENOENT";
            return switch (perm) {
                case VIEW -> "EROFS";
                case EDIT -> "EACCES";
                case EDIT_DELETE -> "ok";
            };
        }

        @Override
        public String toString() {
            return perm == null ? "not shared" : perm.label();
        }
    }

    private record Span(Access access, long from, long until) {
    }

    private final List<Span> spans = new ArrayList<>();
    private Access current;
    private long currentFrom;

    /** The access the mount already serves when the churn starts. */
    AccessTimeline(Access initial) {
        this.current = initial;
        this.currentFrom = Long.MIN_VALUE;
    }

    /**
     * A change to next was asked for at askedAt, and the mount was seen serving it (or a later
     * view) at seenAt: the previous access may have lasted until seenAt.
     */
    void changed(Access next, long askedAt, long seenAt) {
        spans.add(new Span(current, currentFrom, seenAt));
        current = next;
        currentFrom = askedAt;
    }

    int changes() {
        return spans.size();
    }

    /** The accesses a call that started at start and returned at end may have met. */
    Set<Access> possibleDuring(long start, long end) {
        Set<Access> out = new java.util.LinkedHashSet<>();
        for (Span s : spans) {
            if (s.from() <= end && start <= s.until()) out.add(s.access());
        }
        if (currentFrom <= end) out.add(current);
        return out;
    }

    /** The unlink outcomes those accesses allow, sorted (for messages). */
    Set<String> unlinkOutcomesDuring(long start, long end) {
        Set<String> out = new TreeSet<>();
        for (Access a : possibleDuring(start, end)) out.add(a.unlinkOutcome());
        return out;
    }
}
