package sharefs.access;

import java.util.List;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Sharing;

/** A GrantSource over the sharing database for one user. */
public final class SharingGrantSource implements GrantSource {
    private final Sharing sharing;
    private final long userId;

    public SharingGrantSource(Sharing sharing, long userId) {
        this.sharing = sharing;
        this.userId = userId;
    }

    @Override
    public long changeCounter() {
        return sharing.db().changeCounter();
    }

    @Override
    public List<FolderAccess> folders() {
        return sharing.folders().view(userId);
    }
}
