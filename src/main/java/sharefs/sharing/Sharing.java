package sharefs.sharing;

import sharefs.store.Database;
import sharefs.store.Home;

/** The rules of folder sharing, over one database and one storage directory. */
public final class Sharing {
    private final Database db;
    private final Home home;
    private final Users users;
    private final Projects projects;
    private final Folders folders;
    private final Invitations invitations;
    private final Shares shares;
    private final AuditLog audit;
    private final Changes changes;

    public Sharing(Database db, Home home) {
        this.db = db;
        this.home = home;
        this.users = new Users(db);
        this.projects = new Projects(db);
        this.folders = new Folders(db, new FolderBytes(home));
        this.invitations = new Invitations(db);
        this.shares = new Shares(db);
        this.audit = new AuditLog(db);
        this.changes = new Changes(db);
        db.announceWith(Changes::touched);
        folders.finishInterruptedMoves();
    }

    public Database db() { return db; }
    public Home home() { return home; }
    public Users users() { return users; }
    public Projects projects() { return projects; }
    public Folders folders() { return folders; }
    public Invitations invitations() { return invitations; }
    public Shares shares() { return shares; }
    public AuditLog audit() { return audit; }
    public Changes changes() { return changes; }
}
