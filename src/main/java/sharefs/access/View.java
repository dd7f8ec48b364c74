package sharefs.access;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of one user's view: folder name -> grant. */
public final class View {
    public static final View EMPTY = new View(List.of(), -1);

    private final Map<String, Grant> byName;
    private final Map<String, Grant> byId;
    private final long version;

    public View(List<Grant> grants, long version) {
        Map<String, Grant> m = new LinkedHashMap<>();
        Map<String, Grant> ids = new java.util.HashMap<>();
        for (Grant g : grants) {
            m.put(g.name(), g);
            ids.put(g.folderId(), g);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.byId = Collections.unmodifiableMap(ids);
        this.version = version;
    }

    public Grant get(String name) {
        return byName.get(name);
    }

    /** By folder id: what an open file checks, since the folder may be renamed while it is open. */
    public Grant byId(String folderId) {
        return byId.get(folderId);
    }

    public Collection<Grant> grants() {
        return byName.values();
    }

    public long version() {
        return version;
    }
}
