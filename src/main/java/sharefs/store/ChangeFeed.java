package sharefs.store;

/** Where announcements of committed writes go (the node agent's change watcher). */
public interface ChangeFeed {
    /** A write committed; possibly one this listener already knows of. */
    void changed(Change change);

    /** Announcements may be missed from now on (the database went away). */
    void lost(String why);

    /** Announcements flow again; whatever was missed meanwhile must be re-read. */
    void resumed();
}
