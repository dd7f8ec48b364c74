package sharefs.access;

import java.util.List;
import sharefs.sharing.FolderAccess;

/** Where a live view reads from: the change counter, and the user's folders when it moved. */
public interface GrantSource {
    long changeCounter();

    List<FolderAccess> folders();
}
