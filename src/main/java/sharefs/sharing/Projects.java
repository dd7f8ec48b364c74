package sharefs.sharing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import sharefs.store.Database;
import sharefs.store.Jdbc;

/** Projects and their members; joining a project brings its folders into the member's view. */
public final class Projects {
    private final Database db;

    Projects(Database db) {
        this.db = db;
    }

    public Project create(String actorEmail, String name) {
        Names.project(name);
        return db.write(c -> {
            User actor = Users.requireAdmin(c, actorEmail, "create projects");
            if (Jdbc.one(c, "SELECT id FROM projects WHERE name = ?", rs -> rs.getLong(1), name).isPresent()) {
                throw SharingException.conflict("project " + name + " exists already");
            }
            long id = Jdbc.insert(c, "INSERT INTO projects (name, created_at) VALUES (?, ?)", name, Jdbc.now());
            AuditLog.record(c, actor, "project.create", null, name, null);
            return new Project(id, name, List.of());
        });
    }

    public void addMember(String actorEmail, String project, String email) {
        db.write(c -> {
            User actor = Users.requireAdmin(c, actorEmail, "manage project members");
            long pid = Lookups.projectId(c, project);
            User member = Lookups.user(c, email);
            if (isMember(c, pid, member.id())) {
                throw SharingException.conflict(member.email() + " is already a member of " + project);
            }
            Jdbc.update(c, "INSERT INTO project_members (project_id, user_id, since) VALUES (?, ?, ?)",
                    pid, member.id(), Jdbc.now());
            for (Folder f : folders(c, pid)) {
                if (ViewEntries.clash(c, member.id(), f.name(), f.id()).isPresent()) {
                    throw SharingException.conflict("cannot add " + member.email() + " to " + project
                            + ": they already see a folder named '" + f.name() + "' (project folder '" + f.name() + "')");
                }
                ViewEntries.add(c, member, f);
            }
            AuditLog.record(c, actor, "project.add-member", null, member.email(), "project " + project);
            return null;
        });
    }

    public void removeMember(String actorEmail, String project, String email) {
        db.write(c -> {
            User actor = Users.requireAdmin(c, actorEmail, "manage project members");
            long pid = Lookups.projectId(c, project);
            User member = Lookups.user(c, email);
            if (!isMember(c, pid, member.id())) {
                throw SharingException.notFound(member.email() + " is not a member of " + project);
            }
            Jdbc.update(c, "DELETE FROM project_members WHERE project_id = ? AND user_id = ?", pid, member.id());
            for (Folder f : folders(c, pid)) {
                ViewEntries.remove(c, member.id(), f.id());
                Jdbc.update(c, "DELETE FROM project_overrides WHERE folder_id = ? AND user_id = ?", f.id(), member.id());
            }
            AuditLog.record(c, actor, "project.remove-member", null, member.email(), "project " + project);
            return null;
        });
    }

    public List<Project> list() {
        return db.read(c -> {
            List<Long> ids = Jdbc.list(c, "SELECT id FROM projects ORDER BY name", rs -> rs.getLong(1));
            List<Project> out = new java.util.ArrayList<>();
            for (long id : ids) {
                out.add(new Project(id, Lookups.projectName(c, id), Jdbc.list(c,
                        "SELECT u.email FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.email",
                        rs -> rs.getString(1), id)));
            }
            return out;
        });
    }

    static boolean isMember(Connection c, long projectId, long userId) throws SQLException {
        return Jdbc.one(c, "SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?", rs -> 1,
                projectId, userId).isPresent();
    }

    static List<User> members(Connection c, long projectId) throws SQLException {
        return Jdbc.list(c, "SELECT u.* FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ?",
                Lookups::mapUser, projectId);
    }

    static List<Folder> folders(Connection c, long projectId) throws SQLException {
        return Jdbc.list(c, "SELECT " + Lookups.FOLDER_COLUMNS + " FROM folders f WHERE f.owner_project_id = ? AND f.state = 'active'",
                Lookups::mapFolder, projectId);
    }
}
