package sharefs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import sharefs.sharing.AuditEntry;
import sharefs.sharing.FolderAccess;
import sharefs.sharing.Invitation;
import sharefs.sharing.InviteOutcome;
import sharefs.sharing.Project;
import sharefs.sharing.Share;
import sharefs.sharing.TrashedFolder;
import sharefs.sharing.User;

/** JSON shapes of the things the CLI prints. */
final class Views {
    private Views() {
    }

    static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", u.email());
        m.put("name", u.name());
        m.put("admin", u.admin());
        return m;
    }

    static Map<String, Object> project(Project p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("members", p.members());
        return m;
    }

    static Map<String, Object> folder(FolderAccess f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("id", f.folderId());
        m.put("owner", f.ownerLabel());
        m.put("permission", f.accessLabel());
        m.put("usage", f.usage().label());
        return m;
    }

    static Map<String, Object> invitation(Invitation i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("folder", i.folderName());
        m.put("from", i.inviter());
        m.put("to", i.invitee());
        m.put("permission", i.permission().label());
        m.put("state", i.state());
        m.put("created", i.createdAt());
        m.put("decided", i.decidedAt());
        return m;
    }

    static Map<String, Object> outcome(InviteOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", o.email());
        m.put("invited", o.invited());
        m.put("invitation", o.invitationId());
        m.put("reason", o.reason());
        return m;
    }

    static Map<String, Object> share(Share s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", s.email());
        m.put("permission", s.permission().label());
        m.put("since", s.since());
        m.put("via", s.via());
        return m;
    }

    static Map<String, Object> trashed(TrashedFolder t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("owner", t.owner());
        m.put("deleted", t.deletedAt());
        return m;
    }

    static Map<String, Object> audit(AuditEntry a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("at", a.at());
        m.put("actor", a.actor());
        m.put("action", a.action());
        m.put("folder", a.folderName());
        m.put("folderId", a.folderId());
        m.put("target", a.target());
        m.put("detail", a.detail());
        return m;
    }

    static Map<String, Object> mount(sharefs.node.MountService.MountInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mountpoint", i.mountPoint().toString());
        m.put("user", i.user());
        m.put("uid", i.uid());
        m.put("gid", i.gid());
        m.put("engine", i.engine());
        m.put("passthrough", i.passthrough());
        // "accepted", "not offered by this kernel", "refused (...)", or "not asked" (off, libfuse2).
        m.put("passthroughKernel", i.passthroughKernel());
        // Whether writes in owned folders go passthrough too (not where storage keeps a reserve).
        m.put("passthroughWrites", i.passthroughWrites());
        // "device", "io_uring (N queues)", or "device (io_uring ...why not)".
        m.put("transport", i.transport());
        m.put("folders", i.folders());
        m.put("openFiles", i.openFiles());
        m.put("viewVersion", i.viewVersion());
        return m;
    }

    static Map<String, Object> ok(String what) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("done", what);
        return m;
    }
}
