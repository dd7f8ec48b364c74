package sharefs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import sharefs.node.Agent;
import sharefs.node.MountService.MountInfo;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "What the node agent serves: per mount the user, uid, mountpoint, engine, how requests reach the daemon (the device, or io_uring queues), passthrough (the mode, and what the kernel said to it), folders, open files and view version.")
final class NodeStatus extends Leaf {
    @Override
    int run(Context ctx) {
        Agent agent = ctx.runningAgent();
        Agent.Info info = agent.info();
        List<MountInfo> mounts = agent.mounts().status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", info.pid());
        m.put("residentBytes", info.residentBytes());
        m.put("home", info.home().toString());
        m.put("database", info.db() == null ? "embedded" : info.db());
        m.put("databaseReachable", info.databaseReachable());
        m.put("viewVersion", info.viewVersion());
        // Where the database announces changes (PostgreSQL): whether they are heard now.
        if (info.announced()) m.put("announcements", info.announcementsDown() == null ? "listening" : "lost: " + info.announcementsDown());
        m.put("announcedChanges", info.announcedChanges());
        m.put("changeLogReads", info.changeLogReads());
        m.put("runDir", info.runDir().toString());
        m.put("descriptorLimit", info.descriptorLimit());
        List<Object> rows = new ArrayList<>();
        for (MountInfo i : mounts) rows.add(Views.mount(i));
        m.put("mounts", rows);
        StringBuilder text = new StringBuilder();
        text.append("node agent pid ").append(info.pid()).append(", resident ").append(info.residentBytes() >> 20)
                .append(" MiB, home ").append(info.home()).append(", database ")
                .append(info.databaseReachable() ? "reachable" : "UNREACHABLE (mounts serve their last snapshot)")
                .append(!info.announced() ? ""
                        : info.announcementsDown() == null ? ", listening for changes"
                        : ", NOT HEARING CHANGES (reconnecting; the poll keeps mounts current): " + info.announcementsDown())
                .append(", ").append(mounts.size()).append(" mount(s)\n");
        text.append(Table.of("MOUNTPOINT", "USER", "UID", "ENGINE", "TRANSPORT", "PASSTHROUGH", "FOLDERS", "OPEN", "VERSION")
                .rows(mounts, i -> new Object[] {i.mountPoint(), i.user(), i.uid(), i.engine(), i.transport(), passthrough(i),
                        String.join(",", i.folders()), i.openFiles(), i.viewVersion()}).render());
        ctx.print(m, text.toString().stripTrailing());
        return Main.OK;
    }

    /** "owned (accepted)", "owned (accepted; writes through the daemon: ...)", "reads (not offered by this kernel)", "off". */
    static String passthrough(MountInfo i) {
        return i.passthroughSays();
    }
}
