#!/usr/bin/env python3
"""Helper for scripts/bench: builds the tree tarball, runs the small-file and propagation
workloads, summarises fio output, and prints the final table / JSON.

Subcommands (all print one line of JSON or plain numbers on stdout, diagnostics on stderr):
  maketar ZIP OUT.tar [--max-files N]      tarball of the zip's files (+ the directories they need)
  fio SEQ|RAND FILE.json                   MiB/s (seq) or "read_iops write_iops" (rand)
  small create|stat|read|delete DIR N      seconds for one phase over N 4 KiB files in 100 dirs
  propagation --cli CMD... (see --help)    downgrade / revoke latency trials
  procmem PID [--mib rss|hwm]              resident memory of the agent and its descendants (fusermount)
  mountcycle --cli CMD ... --n N --out F   N x (mount a view, check it, umount), timed
  many --cli CMD ... --m M --out F         M mounts under one agent: answers, memory, node stop
  report RESULTS.tsv META.json [--json F]  the table (stdout) and optional JSON file
"""
import argparse
import os as _os

# The FUSE engine of the sharefs mounts the helper makes (scripts/bench --engine).
ENGINE = _os.environ.get("SFBENCH_ENGINE", "libfuse2")
import errno
import glob
import io
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import zipfile

# --------------------------------------------------------------------------- maketar


def cmd_maketar(a):
    z = zipfile.ZipFile(a.zip)
    files = [i for i in z.infolist() if not i.is_dir()]
    files.sort(key=lambda i: i.filename)
    if a.max_files:
        files = files[: a.max_files]
    dirs = set()
    for i in files:
        parts = i.filename.split("/")[:-1]
        for k in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:k]))
    tmp = a.out + ".part"
    mtime = 1_700_000_000
    with tarfile.open(tmp, "w", format=tarfile.GNU_FORMAT) as t:
        for d in sorted(dirs):
            ti = tarfile.TarInfo("src/" + d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            ti.mtime = mtime
            t.addfile(ti)
        for i in files:
            data = z.read(i)
            ti = tarfile.TarInfo("src/" + i.filename)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = mtime
            t.addfile(ti, io.BytesIO(data))
    os.replace(tmp, a.out)
    print(json.dumps({"files": len(files), "dirs": len(dirs) + 1}))


# --------------------------------------------------------------------------- fio


def cmd_fio(a):
    with open(a.file) as f:
        txt = f.read()
    # fio may print warnings before the JSON document.
    d = json.loads(txt[txt.index("{"):])
    j = d["jobs"][0]
    if j.get("error"):
        print(f"fio reported error {j['error']}", file=sys.stderr)
        sys.exit(1)
    if a.kind == "SEQW":
        print(f"{j['write']['bw_bytes'] / 1048576:.3f}")
    elif a.kind == "SEQR":
        print(f"{j['read']['bw_bytes'] / 1048576:.3f}")
    else:
        print(f"{j['read']['iops']:.1f} {j['write']['iops']:.1f}")


# --------------------------------------------------------------------------- small files

BLOCK = b"s" * 4096


def small_paths(root, n):
    per = max(1, math.ceil(n / 100))
    for i in range(n):
        yield os.path.join(root, f"d{i // per:02d}", f"f{i:05d}")


def cmd_small(a):
    root, n = a.dir, a.n
    ndirs = min(100, n)
    t0 = time.perf_counter()
    if a.phase == "create":
        os.makedirs(root, exist_ok=True)
        for k in range(ndirs):
            os.mkdir(os.path.join(root, f"d{k:02d}"))
        for p in small_paths(root, n):
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                if os.write(fd, BLOCK) != 4096:
                    raise OSError(errno.EIO, "short write", p)
            finally:
                os.close(fd)
    elif a.phase == "stat":
        for p in small_paths(root, n):
            if os.stat(p).st_size != 4096:
                raise OSError(errno.EIO, "wrong size", p)
    elif a.phase == "read":
        for p in small_paths(root, n):
            fd = os.open(p, os.O_RDONLY)
            try:
                if len(os.read(fd, 8192)) != 4096:
                    raise OSError(errno.EIO, "short read", p)
            finally:
                os.close(fd)
    elif a.phase == "delete":
        for p in small_paths(root, n):
            os.unlink(p)
        for k in range(ndirs):
            os.rmdir(os.path.join(root, f"d{k:02d}"))
        os.rmdir(root)
    print(f"{time.perf_counter() - t0:.4f}")


# --------------------------------------------------------------------------- propagation


class Cli:
    def __init__(self, argv):
        self.argv = argv

    def run(self, *args, check=True, timeout=None):
        p = subprocess.run(self.argv + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError(f"CLI {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
        return p


def wait_until(pred, timeout, step=0.005):
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            if pred():
                return True
        except OSError:
            pass
        time.sleep(step)
    return False


def timed_trial(cli_args, cli, poll_fn, interval, timeout):
    """Starts a poller thread, then the CLI; returns (ms after CLI return, ms after CLI start, detail)."""
    state = {"t": None, "detail": None}
    stop = threading.Event()
    started = threading.Event()

    def poller():
        started.set()
        while not stop.is_set():
            r = poll_fn()
            if r is not None:
                state["t"] = time.perf_counter()
                state["detail"] = r
                return
            time.sleep(interval)

    th = threading.Thread(target=poller, daemon=True)
    th.start()
    started.wait()
    t_start = time.perf_counter()
    p = cli.run(*cli_args, check=False)
    t_ret = time.perf_counter()
    if p.returncode != 0:
        stop.set()
        raise RuntimeError(f"CLI {' '.join(cli_args)} failed ({p.returncode}): {p.stderr.strip()}")
    th.join(timeout)
    stop.set()
    if state["t"] is None:
        return None, None, "timeout"
    return max(0.0, (state["t"] - t_ret) * 1000), (state["t"] - t_start) * 1000, state["detail"]


def cmd_propagation(a):
    cli = Cli(shlex.split(a.cli))
    mnt, folder, owner, user = a.mnt, a.folder, a.owner, a.user
    fdir = os.path.join(mnt, folder)
    probe = os.path.join(fdir, ".bench-propagation-probe")
    # *_timeouts: trials in which the change had not arrived when the poller gave up (--timeout); they
    # have no latency to put among the others, yet each one breaks the one-second promise.
    out = {"downgrade": [], "downgrade_from_start": [], "downgrade_errno": {}, "downgrade_before_return": 0,
           "downgrade_timeouts": 0, "revoke": [], "revoke_from_start": [], "revoke_before_return": 0,
           "revoke_timeouts": 0, "errors": []}
    interval = a.interval_ms / 1000.0

    def log(msg):
        print(f"[bench propagation] {msg}", file=sys.stderr, flush=True)

    def open_writable():
        return os.open(probe, os.O_WRONLY | os.O_CREAT, 0o644)

    def writable():
        fd = open_writable()
        try:
            os.pwrite(fd, b"x", 0)
        finally:
            os.close(fd)
        return True

    if a.downgrade:
        for k in range(a.downgrade):
            if not wait_until(writable, 10):
                out["errors"].append(f"downgrade trial {k}: folder not writable 10 s after re-grant")
                break
            fd = open_writable()

            def poll(fd=fd):
                try:
                    os.pwrite(fd, b"x", 0)
                    return None
                except OSError as e:
                    return errno.errorcode.get(e.errno, str(e.errno))

            try:
                after, since, detail = timed_trial(["--as", owner, "share", "set", folder, user, "--perm", "view"],
                                                   cli, poll, interval, a.timeout)
            finally:
                os.close(fd)
            if after is None:
                out["downgrade_timeouts"] += 1
                out["errors"].append(f"downgrade trial {k}: write still succeeded {a.timeout} s after share set")
            else:
                out["downgrade"].append(after)
                out["downgrade_from_start"].append(since)
                if after == 0.0:
                    out["downgrade_before_return"] += 1
                out["downgrade_errno"][detail] = out["downgrade_errno"].get(detail, 0) + 1
            cli.run("--as", owner, "share", "set", folder, user, "--perm", a.perm)
            if (k + 1) % 10 == 0 or k + 1 == a.downgrade:
                log(f"downgrade {k + 1}/{a.downgrade}")
        wait_until(writable, 10)

    if a.revoke:
        for k in range(a.revoke):
            if not wait_until(lambda: folder in os.listdir(mnt) and os.path.isdir(fdir), 10):
                out["errors"].append(f"revoke trial {k}: folder not back 10 s after accept")
                break

            def poll():
                return None if folder in os.listdir(mnt) else "gone"

            after, since, _ = timed_trial(["--as", owner, "share", "revoke", folder, user], cli, poll, interval, a.timeout)
            if after is None:
                out["revoke_timeouts"] += 1
                out["errors"].append(f"revoke trial {k}: folder still listed {a.timeout} s after share revoke")
            else:
                out["revoke"].append(after)
                out["revoke_from_start"].append(since)
                if after == 0.0:
                    out["revoke_before_return"] += 1
            p = cli.run("--json", "--as", owner, "share", "invite", folder, "--to", user, "--perm", a.perm)
            inv = json.loads(p.stdout)[0]["invitation"]
            cli.run("--as", user, "invitation", "accept", str(inv))
            if (k + 1) % 10 == 0 or k + 1 == a.revoke:
                log(f"revoke {k + 1}/{a.revoke}")
        wait_until(lambda: folder in os.listdir(mnt), 10)
    try:
        os.unlink(probe)
    except OSError:
        pass
    print(json.dumps(out))


# --------------------------------------------------------------------------- the node agent: memory, mounts


def proc_status(pid):
    """Name, VmRSS and VmHWM (KiB) from /proc/PID/status (which, unlike cmdline, never waits on the process)."""
    out = {"pid": pid, "name": "?", "VmRSS": 0, "VmHWM": 0}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "Name":
                out["name"] = v.strip()
            elif k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def pss_kib(pid):
    """Proportional set size (shared pages split among their users), or None where smaps_rollup is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def descendants(pid):
    """Every process below pid (the agent's are its mounts' fusermount helpers), by the ppid in /proc/*/stat."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_mem(pid):
    """Resident memory (KiB) of the agent and of its descendants (one fusermount helper per mount)."""
    agent = proc_status(pid)
    helpers = []
    for p in descendants(pid):
        try:
            helpers.append(proc_status(p))
        except OSError:
            pass  # gone meanwhile
    names = {}
    for h in helpers:
        names[h["name"]] = names.get(h["name"], 0) + 1
    rss = sum(h["VmRSS"] for h in helpers)
    hwm = sum(h["VmHWM"] for h in helpers)
    pss = [pss_kib(p) for p in [pid] + [h["pid"] for h in helpers]]
    return {"pid": pid, "agent_rss_kib": agent["VmRSS"], "agent_hwm_kib": agent["VmHWM"],
            "helpers": len(helpers), "helper_names": names, "helpers_rss_kib": rss, "helpers_hwm_kib": hwm,
            "total_rss_kib": agent["VmRSS"] + rss, "total_hwm_kib": agent["VmHWM"] + hwm,
            # For information: VmRSS counts the pages the helpers share (libc, the binary) once per helper.
            "total_pss_kib": None if None in pss else sum(pss)}


def cmd_procmem(a):
    m = tree_mem(a.pid)
    if a.mib:
        print(f"{m['total_' + a.mib + '_kib'] / 1024:.1f}")
    else:
        print(json.dumps(m))


def agent_pid(run_dir, cli=None):
    """The pid in the run directory's agent.lock, if that process is the agent of this run directory;
    else what `node status --json` says."""
    run_dir = os.path.abspath(run_dir)
    try:
        with open(os.path.join(run_dir, "agent.lock")) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        if f"--run-dir {run_dir} node --foreground" in cmd:
            return pid
    except (OSError, ValueError):
        pass
    if cli is not None:
        p = cli.run("--json", "node", "status", check=False, timeout=60)
        if p.returncode == 0:
            return int(json.loads(p.stdout)["pid"])
    return None


def mounted_under(prefix):
    """Mountpoints in /proc/mounts at or below prefix."""
    prefix = os.path.abspath(prefix)
    out = set()
    with open("/proc/mounts") as f:
        for line in f:
            mp = line.split()[1]
            for esc, ch in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
                mp = mp.replace(esc, ch)
            if mp == prefix or mp.startswith(prefix + "/"):
                out.add(mp)
    return out


def probe_all(mps, rel, expect, timeout):
    """stat each mount's root and read rel through it, each mount in a thread of its own. Returns
    {mountpoint: None if it answered right, else why}; a mount that did not answer in time is 'no answer'.
    A hung FUSE request cannot be interrupted: such a thread is left behind (the caller exits with os._exit)."""
    res = {mp: f"no answer in {timeout:g} s" for mp in mps}

    def one(mp):
        try:
            os.stat(mp)
            with open(os.path.join(mp, rel), "rb") as f:
                data = f.read(4096)
            res[mp] = None if data == expect else f"read {data[:40]!r}, expected {expect[:40]!r}"
        except OSError as e:
            res[mp] = f"{type(e).__name__}: {e}"

    threads = [threading.Thread(target=one, args=(mp,), daemon=True) for mp in mps]
    for t in threads:
        t.start()
    end = time.perf_counter() + timeout
    for t in threads:
        t.join(max(0.0, end - time.perf_counter()))
    return dict(res)


def first_line(text):
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return "(no message)"


def write_out(path, doc):
    """The result, written whole (then renamed) so the harness can wait for the file, not the process:
    a thread stuck on a hung mount keeps a process from ending, however it is killed."""
    tmp = path + ".part"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, path)


def log_agent(msg):
    print(f"[bench agent] {msg}", file=sys.stderr, flush=True)


def timed_cli(cli, a, out, what, *args):
    """One CLI call, timed: its milliseconds, or None with why in out["errors"] (no answer, or a refusal)."""
    t0 = time.perf_counter()
    try:
        p = cli.run(*args, check=False, timeout=a.cli_timeout)
    except subprocess.TimeoutExpired:
        out["errors"].append(f"{what}: no answer in {a.cli_timeout:g} s")
        return None
    ms = (time.perf_counter() - t0) * 1000
    if p.returncode != 0:
        out["errors"].append(f"{what} exit {p.returncode}: {first_line(p.stderr)}")
        return None
    return ms


def cmd_mountcycle(a):
    """N times: mount a view on a fresh mountpoint (timed), check it answers (untimed), umount it (timed)."""
    cli = Cli(shlex.split(a.cli))
    expect = a.expect.encode()
    out = {"mount_ms": [], "umount_ms": [], "errors": []}
    os.makedirs(a.dir, exist_ok=True)
    for i in range(a.n):
        mp = os.path.join(a.dir, f"m{i + 1:03d}")
        os.makedirs(mp, exist_ok=True)
        ms = timed_cli(cli, a, out, f"mount {i + 1}", "mount", "--engine", ENGINE, "--user", a.user, mp)
        if ms is None:
            break
        out["mount_ms"].append(ms)
        why = probe_all([mp], a.probe, expect, a.timeout)[mp]
        if why:
            out["errors"].append(f"mount {i + 1} returned but does not answer: {why}")
        ms = timed_cli(cli, a, out, f"umount {i + 1}", "umount", mp)
        if ms is None:
            break
        out["umount_ms"].append(ms)
        if mp in mounted_under(mp):
            out["errors"].append(f"umount {i + 1} returned but {mp} is still mounted")
            break
        if why:
            break
        os.rmdir(mp)
        if (i + 1) % 10 == 0 or i + 1 == a.n:
            log_agent(f"mount/umount {i + 1}/{a.n}")
    write_out(a.out, out)
    os._exit(0)


def cmd_many(a):
    """M mounts of a view under one agent (the first one starts it); every mount answers? memory; node stop."""
    cli = Cli(shlex.split(a.cli))
    expect = a.expect.encode()
    out = {"requested": a.m, "mounted": 0, "refused": None, "error": None, "mount_ms": [], "answered": 0,
           "failed": [], "mem_1": None, "mem_m": None, "node_stop_ms": None, "stop_error": None, "left_mounted": []}
    os.makedirs(a.dir, exist_ok=True)
    mps, pid = [], None
    for i in range(a.m):
        mp = os.path.join(a.dir, f"m{i + 1:03d}")
        os.makedirs(mp, exist_ok=True)
        t0 = time.perf_counter()
        try:
            p = cli.run("mount", "--engine", ENGINE, "--user", a.user, mp, check=False, timeout=a.cli_timeout)
        except subprocess.TimeoutExpired:
            out["error"] = f"mount {i + 1}: no answer in {a.cli_timeout:g} s"
            break
        t1 = time.perf_counter()
        if p.returncode != 0:
            line = first_line(p.stderr)
            if "cannot take another mount" in line:
                out["refused"] = line
            else:
                out["error"] = f"mount {i + 1} exit {p.returncode}: {line}"
            log_agent(f"mount {i + 1} refused or failed: {line}")
            break
        out["mount_ms"].append((t1 - t0) * 1000)
        mps.append(mp)
        if i == 0:
            pid = agent_pid(a.run_dir, cli)
            if pid is None:
                out["error"] = "the first mount returned but no node agent was found at " + a.run_dir
                break
            out["agent_pid"] = pid
            # One mount, having served a read, settled: the base the extra mounts are measured against.
            why = probe_all([mp], a.probe, expect, a.timeout)[mp]
            if why:
                out["failed"].append({"mountpoint": mp, "error": why})
            time.sleep(a.settle)
            out["mem_1"] = tree_mem(pid)
        if (i + 1) % 20 == 0 or i + 1 == a.m:
            log_agent(f"{i + 1}/{a.m} mounted")
    out["mounted"] = len(mps)
    out["mount_total_s"] = sum(out["mount_ms"]) / 1000
    if pid is not None and mps:
        res = probe_all(mps, a.probe, expect, a.timeout)
        out["answered"] = sum(1 for v in res.values() if v is None)
        out["failed"] = [{"mountpoint": k, "error": v} for k, v in sorted(res.items()) if v]
        log_agent(f"{out['answered']} of {len(mps)} mounts answered a stat and a read")
        time.sleep(a.settle)
        try:
            out["mem_m"] = tree_mem(pid)
        except OSError as e:
            out["error"] = out["error"] or f"the node agent (pid {pid}) is gone: {e}"
    m1, mm = out["mem_1"], out["mem_m"]
    if mm:
        out["total_rss_mib"] = mm["total_rss_kib"] / 1024
        out["agent_rss_mib"] = mm["agent_rss_kib"] / 1024
        out["helpers_rss_mib"] = mm["helpers_rss_kib"] / 1024
        out["helpers"] = mm["helpers"]
        if mm.get("total_pss_kib") is not None:
            out["total_pss_mib"] = mm["total_pss_kib"] / 1024
    if m1:
        out["total_rss_1_mib"] = m1["total_rss_kib"] / 1024
        out["agent_rss_1_mib"] = m1["agent_rss_kib"] / 1024
    if m1 and mm and len(mps) > 1:
        out["per_extra_mount_mib"] = (mm["total_rss_kib"] - m1["total_rss_kib"]) / 1024 / (len(mps) - 1)
        out["projected_100_mib"] = out["total_rss_1_mib"] + 99 * out["per_extra_mount_mib"]
    if pid is not None:
        log_agent("node stop")
        t0 = time.perf_counter()
        try:
            p = cli.run("node", "stop", check=False, timeout=a.cli_timeout)
            out["node_stop_ms"] = (time.perf_counter() - t0) * 1000
            if p.returncode != 0:
                out["stop_error"] = f"node stop exit {p.returncode}: {first_line(p.stderr)}"
        except subprocess.TimeoutExpired:
            out["stop_error"] = f"node stop: no answer in {a.cli_timeout:g} s"
        end = time.perf_counter() + 10
        while time.perf_counter() < end and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)
        if os.path.exists(f"/proc/{pid}"):
            out["stop_error"] = "; ".join(x for x in (out["stop_error"], f"the agent (pid {pid}) still runs 10 s after node stop") if x)
        out["left_mounted"] = sorted(set(mps) & mounted_under(a.dir))
    write_out(a.out, out)
    os._exit(0)


# --------------------------------------------------------------------------- FUSE request counts

OPCODE_RE = re.compile(r"opcode \d+ \((\w+)\)")


def cmd_reqcount(a):
    """The fuse_request_send events in a trace instance's buffer, by opcode: prints the total, a tab,
    then OPCODE=count pairs (most first, FUSE_ prefix dropped). Fails if the buffer lost events."""
    lost = 0
    for stats in sorted(glob.glob(os.path.join(a.instance, "per_cpu", "cpu*", "stats"))):
        for line in open(stats):
            if line.startswith("overrun:"):
                lost += int(line.split()[1])
    if lost:
        print(f"the trace buffer overflowed: {lost} requests were not counted", file=sys.stderr)
        sys.exit(1)
    ops = {}
    with open(os.path.join(a.instance, "trace"), errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = OPCODE_RE.search(line)
            if m:
                op = m.group(1).removeprefix("FUSE_")
                ops[op] = ops.get(op, 0) + 1
    total = sum(ops.values())
    print(f"{total}\t" + ",".join(f"{k}={v}" for k, v in sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))))


# --------------------------------------------------------------------------- report

TARGETS = [
    ("native", "native"),
    ("bindfs", "bindfs"),
    ("bindfs-def", "bindfs-def"),
    ("mergerfs", "mergerfs"),
    ("sharefs", "sharefs"),
    ("sharefs-view", "sf-view"),
    ("sharefs-owned", "sf-owned"),
]

# The other shared-folder filesystems sharefs is measured against.
PEERS = ("bindfs", "bindfs-def", "mergerfs")

# key, workload, label, unit, higher_is_better
ROWS = [
    ("seq_write_1j", 1, "seq write 1 MiB bs, fsync, 1 job", "MiB/s", True),
    ("seq_read_1j", 1, "seq read 1 MiB bs, 1 job", "MiB/s", True),
    ("seq_write_2j", 1, "seq write 1 MiB bs, fsync, 2 jobs", "MiB/s", True),
    ("seq_read_2j", 1, "seq read 1 MiB bs, 2 jobs", "MiB/s", True),
    ("rand_read_1j", 2, "rand 4k 50/50, read, 1 job", "IOPS", True),
    ("rand_write_1j", 2, "rand 4k 50/50, write, 1 job", "IOPS", True),
    ("rand_read_2j", 2, "rand 4k 50/50, read, 2 jobs", "IOPS", True),
    ("rand_write_2j", 2, "rand 4k 50/50, write, 2 jobs", "IOPS", True),
    ("tree_extract", 3, "tree: tar -x", "s", False),
    ("tree_find", 3, "tree: find", "s", False),
    ("tree_ls", 3, "tree: ls -lR", "s", False),
    ("tree_du", 3, "tree: du -s", "s", False),
    ("tree_rm", 3, "tree: rm -rf", "s", False),
    ("req_tree_extract", 3, "FUSE requests per file: tar -x", "req", False),
    ("req_tree_find", 3, "FUSE requests per file: find", "req", False),
    ("req_tree_ls", 3, "FUSE requests per file: ls -lR", "req", False),
    ("req_tree_du", 3, "FUSE requests per file: du -s", "req", False),
    ("req_tree_rm", 3, "FUSE requests per file: rm -rf", "req", False),
    ("small_create", 4, "small files: create", "s", False),
    ("small_stat", 4, "small files: stat", "s", False),
    ("small_read", 4, "small files: read", "s", False),
    ("small_delete", 4, "small files: delete", "s", False),
    ("prop_view_p50", 5, "downgrade->write fails p50", "ms", False),
    ("prop_view_p99", 5, "downgrade->write fails p99", "ms", False),
    ("prop_revoke_p50", 5, "revoke->gone from ls p50", "ms", False),
    ("prop_revoke_p99", 5, "revoke->gone from ls p99", "ms", False),
    ("mount_first_ms", 6, "first mount (starts the agent)", "ms", False),
    ("mount_p50", 6, "mount, agent running, p50", "ms", False),
    ("mount_p90", 6, "mount, agent running, p90", "ms", False),
    ("mount_max", 6, "mount, agent running, max", "ms", False),
    ("umount_p50", 6, "umount p50", "ms", False),
    ("umount_p90", 6, "umount p90", "ms", False),
    ("umount_max", 6, "umount max", "ms", False),
    ("rss_first_mb", 6, "agent VmRSS after the first mount", "MiB", False),
    ("rss_idle_mb", 6, "agent VmRSS idle after the mounts", "MiB", False),
    ("rss_tree_mb", 6, "agent VmRSS end of tree", "MiB", False),
    ("hwm_tree_mb", 6, "agent VmHWM (peak) end of tree", "MiB", False),
    ("many_mount_s", 7, "{n} mounts: time to mount all", "s", False),
    ("many_mount_p50", 7, "{n} mounts: one mount p50", "ms", False),
    ("many_one_mb", 7, "1 mount: agent VmRSS", "MiB", False),
    ("many_total_mb", 7, "{n} mounts: agent VmRSS", "MiB", False),
    ("many_agent_mb", 7, "{n} mounts: agent alone, no helpers", "MiB", False),
    ("many_extra_mb", 7, "{n} mounts: VmRSS per extra mount", "MiB", False),
    ("many_stop_ms", 7, "node stop ({n} mounts)", "ms", False),
]

# Raw samples in results.tsv summarised as percentile rows: source key -> row key prefix.
PCT_ROWS = {"mount_ms": "mount", "umount_ms": "umount"}
PCTS = ((50, "p50"), (90, "p90"), (100, "max"))

# The targets (MB = 10^6 bytes).
REQ_PER_FILE_EXTRACT_TARGET = 9
MOUNT_P50_TARGET_MS = 150
MANY_TOTAL_TARGET_MB = 400
PER_EXTRA_TARGET_MB = 4
MIB_MB = 1048576 / 1e6
# DESIGN: a change made with the CLI reaches every live mount within one second.
PROPAGATION_PROMISE_MS = 1000
PROP_KINDS = (("downgrade", "prop_view"), ("revoke", "prop_revoke"))


def yes(ok):
    return "met" if ok else "NOT met"


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return f"{v:.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 10:
        return f"{v:.2f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def percentile(xs, p):
    s = sorted(xs)
    if not s:
        return None
    k = max(1, math.ceil(p / 100 * len(s)))
    return s[k - 1]


def promise_verdicts(prop):
    """Per propagation kind: did its p99 keep the one-second promise? The latencies are counted from
    the CLI's return, when the change is committed. A trial the poller gave up on is a latency beyond
    its timeout: it enters the p99 as infinite, so it misses the promise whatever the others did."""
    out = {}
    for kind, _ in PROP_KINDS:
        xs = prop.get(kind) or []
        lost = prop.get(f"{kind}_timeouts", 0)
        if not xs and not lost:
            continue
        p99 = percentile(xs + [math.inf] * lost, 99)
        out[kind] = {"p99_ms": p99 if math.isfinite(p99) else None, "trials": len(xs) + lost, "timeouts": lost,
                     "kept": p99 <= PROPAGATION_PROMISE_MS}
    return out


def promise_text(v):
    if v["kept"]:
        return "kept"
    if v["timeouts"]:
        return f"MISSED, {v['timeouts']} of {v['trials']} trials never arrived"
    return "MISSED"


def order_line(meta):
    """The order the targets ran in, repetition by repetition (workloads 1-4 only have targets)."""
    orders = meta.get("order_by_rep") or []
    if not orders or not any(w in "1234" for w in str(meta.get("workloads", "")).split(",")):
        return None
    names = dict(TARGETS)
    fmt_order = [", ".join(names.get(t, t) for t in o) for o in orders]
    if len(orders) == 1:
        return f"order: {fmt_order[0]} (one repetition: nothing to rotate; with more, each one rotates it)"
    return ("order: each repetition runs the targets in a rotated order: "
            + "; ".join(f"rep {i + 1} {o}" for i, o in enumerate(fmt_order)))


def readahead_line(meta):
    ra = meta.get("readahead_kb") or {}
    if not ra:
        return None
    names = dict(TARGETS)
    parts = []
    for t, _ in TARGETS:
        if t in ra:
            v = ra[t]
            kb = "?" if v["kb"] is None else v["kb"]
            parts.append(f"{names[t]} {kb} KiB ({v['set_by']}, bdi {v['bdi']})")
    return (f"readahead (read_ahead_kb of each target's mount; FUSE peers get sharefs's "
            f"{meta.get('peer_readahead_kb', '?')} KiB): " + "; ".join(parts))


def agent_figures(samples, many):
    """The node agent's figures (workloads 6 and 7) under flat keys, and whether each target was met."""
    def sf(key):
        return (samples.get(key) or {}).get("sharefs") or []

    def med(key):
        xs = sf(key)
        return statistics.median(xs) if xs else None

    out = {}
    if sf("mount_first_ms"):
        out["mount_first_ms"] = med("mount_first_ms")
        out["mount_first_samples_ms"] = sf("mount_first_ms")
    for src, dst in PCT_ROWS.items():
        xs = sf(src)
        if xs:
            out[f"{dst}_count"] = len(xs)
            for p, name in PCTS:
                out[f"{dst}_{name}_ms"] = percentile(xs, p)
            out[f"{dst}_samples_ms"] = xs
    for key, name in (("rss_first_mb", "agent_rss_first_mount_mib"), ("rss_idle_mb", "agent_rss_idle_mib"),
                      ("rss_tree_mb", "agent_rss_tree_mib"), ("hwm_tree_mb", "agent_hwm_tree_mib")):
        if sf(key):
            out[name] = med(key)
    targets = {}
    if out.get("mount_p50_ms") is not None:
        targets["mount_p50_under_150ms"] = out["mount_p50_ms"] < MOUNT_P50_TARGET_MS
    if many:
        mm = dict(many)
        n = mm.get("mounted", 0)
        if mm.get("mount_ms"):
            mm["mount_p50_ms"] = percentile(mm["mount_ms"], 50)
            mm["mount_p90_ms"] = percentile(mm["mount_ms"], 90)
            mm["mount_max_ms"] = max(mm["mount_ms"])
        for k in ("total_rss", "total_rss_1", "agent_rss", "helpers_rss", "per_extra_mount", "projected_100"):
            if mm.get(k + "_mib") is not None:
                mm[k + "_mb"] = mm[k + "_mib"] * MIB_MB
        mm["all_mounted"] = n == mm.get("requested")
        mm["all_answered"] = n > 0 and mm.get("answered") == n
        if n >= 100 and mm.get("total_rss_mb") is not None:
            # The total with exactly the first 100 is not measured apart; more than 100 only makes it larger.
            targets["many_100_total_at_most_400MB"] = mm["total_rss_mb"] <= MANY_TOTAL_TARGET_MB
            targets["many_100_total_basis"] = f"measured with {n} mounts"
        elif mm.get("projected_100_mb") is not None:
            # A projection from fewer mounts carries the agent's warm-up (JIT, heap growth) in its per-mount
            # slope, and overshoots: shown, not judged.
            targets["many_100_total_at_most_400MB"] = None
            why = (f"only {n} mounts" if (mm.get("requested") or 0) < 100
                   else f"the agent took only {n} of {mm['requested']} mounts")
            targets["many_100_total_basis"] = (f"not judged: {why} (projected 1 mount + 99 x per extra "
                                               f"mount = {mm['projected_100_mb']:.0f} MB, an overestimate)")
        if mm.get("per_extra_mount_mb") is not None:
            targets["per_extra_mount_under_4MB"] = mm["per_extra_mount_mb"] < PER_EXTRA_TARGET_MB
        targets["many_all_mounted_and_answering"] = mm["all_mounted"] and mm["all_answered"]
        out["many_mounts"] = mm
    if targets:
        out["targets"] = targets
    return out


def agent_lines(ag):
    """The closing lines about the node agent (workloads 6 and 7), each target with met / NOT met."""
    lines = []
    t = ag.get("targets", {})
    if "mount_first_ms" in ag or "mount_p50_ms" in ag:
        parts = []
        if "mount_first_ms" in ag:
            parts.append(f"first mount (starts the agent) {ag['mount_first_ms']:.0f} ms")
        if "mount_p50_ms" in ag:
            parts.append(f"with the agent running, {ag['mount_count']} mounts on fresh mountpoints: p50 "
                         f"{ag['mount_p50_ms']:.0f} ms, p90 {ag['mount_p90_ms']:.0f} ms, max {ag['mount_max_ms']:.0f} ms "
                         f"(target p50 < {MOUNT_P50_TARGET_MS} ms: {yes(t['mount_p50_under_150ms'])})")
        if "umount_p50_ms" in ag:
            parts.append(f"umount p50 {ag['umount_p50_ms']:.0f} ms, p90 {ag['umount_p90_ms']:.0f} ms, "
                         f"max {ag['umount_max_ms']:.0f} ms")
        lines.append("mount: " + "; ".join(parts))
    rss = [(k, lab) for k, lab in (("agent_rss_first_mount_mib", "after the first mount"),
                                     ("agent_rss_idle_mib", "idle after the mounts"),
                                     ("agent_rss_tree_mib", "at the end of the tree workload"),
                                     ("agent_hwm_tree_mib", "peak (VmHWM) by then")) if k in ag]
    if rss:
        lines.append("agent VmRSS (with its fusermount helpers, if any): "
                     + ", ".join(f"{ag[k]:.0f} MiB {lab}" for k, lab in rss))
    mm = ag.get("many_mounts")
    if mm:
        n, req = mm.get("mounted", 0), mm.get("requested")
        head = f"many mounts: {n} of {req} mounted"
        if mm.get("mount_ms"):
            head += (f" in {mm['mount_total_s']:.1f} s (one mount p50 {mm['mount_p50_ms']:.0f} ms, "
                     f"max {mm['mount_max_ms']:.0f} ms)")
        if mm.get("refused"):
            head += f"; the agent refused mount {n + 1}: {mm['refused']}"
        if mm.get("error"):
            head += f"; stopped on: {mm['error']}"
        lines.append(head)
        if n:
            ans = f"  {mm.get('answered', 0)} of {n} answered a stat of the root and a read through the mount"
            if mm.get("failed"):
                f0 = mm["failed"][0]
                ans += f" ({len(mm['failed'])} did not; first: {f0['mountpoint']}: {f0['error']})"
            lines.append(ans)
        if mm.get("total_rss_mib") is not None:
            mem = (f"  memory with {n} mounts: {mm['total_rss_mib']:.0f} MiB ({mm['total_rss_mb']:.0f} MB) = agent "
                   f"{mm['agent_rss_mib']:.0f} MiB + {mm['helpers']} helper(s) {mm['helpers_rss_mib']:.1f} MiB")
            if mm.get("total_rss_1_mib") is not None:
                mem += f"; with 1 mount {mm['total_rss_1_mib']:.0f} MiB"
            if mm.get("total_pss_mib") is not None:
                mem += f" (for information, PSS with {n} mounts: {mm['total_pss_mib']:.0f} MiB)"
            lines.append(mem)
        if "per_extra_mount_under_4MB" in t:
            lines.append(f"  per extra mount ({n} vs 1) {mm['per_extra_mount_mib']:.2f} MiB ({mm['per_extra_mount_mb']:.2f} MB): "
                         f"target < {PER_EXTRA_TARGET_MB} MB {yes(t['per_extra_mount_under_4MB'])}")
        if t.get("many_100_total_at_most_400MB") is not None:
            lines.append(f"  100 mounts: {mm['total_rss_mb']:.0f} MB ({t['many_100_total_basis']}): target <= "
                         f"{MANY_TOTAL_TARGET_MB} MB {yes(t['many_100_total_at_most_400MB'])}")
        elif "many_100_total_basis" in t:
            lines.append(f"  100 mounts <= {MANY_TOTAL_TARGET_MB} MB: {t['many_100_total_basis']}"
                         + ("; full mode (or SFBENCH_MANY_MOUNTS=100) measures it" if (req or 0) < 100 else ""))
        stop = []
        if mm.get("node_stop_ms") is not None:
            stop.append(f"node stop took {mm['node_stop_ms']:.0f} ms")
        if mm.get("stop_error"):
            stop.append(mm["stop_error"].strip())
        if mm.get("left_mounted"):
            stop.append(f"{len(mm['left_mounted'])} mount(s) still there after it")
        if stop:
            lines.append("  " + "; ".join(stop))
    return lines


REQ_PHASES = (("tree_extract", "tar -x"), ("tree_find", "find"), ("tree_ls", "ls -lR"), ("tree_du", "du -s"),
              ("tree_rm", "rm -rf"))


def request_summary(path, files):
    """reqops.tsv (phase, target, rep, total, OP=n,...) as phase -> target -> the median over the
    repetitions of the requests per file, in all and by opcode (most first)."""
    if not path or not os.path.exists(path) or not files:
        return {}
    raw = {}
    for line in open(path).read().splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        phase, target, _rep, total = parts[:4]
        ops = {}
        for kv in (parts[4].split(",") if len(parts) > 4 and parts[4] else []):
            k, v = kv.split("=")
            ops[k] = int(v)
        raw.setdefault(phase, {}).setdefault(target, []).append((int(total), ops))
    out = {}
    for phase, by_target in raw.items():
        for target, reps in by_target.items():
            names = {k for _, ops in reps for k in ops}
            per_op = {k: statistics.median([ops.get(k, 0) for _, ops in reps]) / files for k in names}
            out.setdefault(phase, {})[target] = {
                "per_file": statistics.median([t for t, _ in reps]) / files,
                "total": statistics.median([t for t, _ in reps]),
                "reps": len(reps),
                "opcodes_per_file": dict(sorted(per_op.items(), key=lambda kv: (-kv[1], kv[0]))),
            }
    return out


def request_lines(req, files):
    if not req:
        return []
    names = dict(TARGETS)
    lines = [f"FUSE requests per file of the tree ({files} files; tracepoint fuse:fuse_request_send on each "
             f"target's own connection; median of the repetitions; top opcodes per file):"]
    for phase, label in REQ_PHASES:
        for t, _ in TARGETS:
            v = (req.get(phase) or {}).get(t)
            if not v:
                continue
            top = ", ".join(f"{k} {n:.2f}" for k, n in list(v["opcodes_per_file"].items())[:6])
            line = f"  {label:<7} {names[t]:<10} {v['per_file']:6.2f}  ({top})"
            if phase == "tree_extract" and t == "sharefs":
                line += (f"  target <= {REQ_PER_FILE_EXTRACT_TARGET}: "
                         f"{yes(v['per_file'] <= REQ_PER_FILE_EXTRACT_TARGET)}")
            lines.append(line)
    return lines


def engine_memory(meta):
    """The many-mounts memory of this run's engine next to the other engine's (W7 run twice)."""
    this, other = meta.get("many_mounts") or {}, meta.get("many_mounts_other_engine") or {}
    keys = ("total_rss_1_mib", "total_rss_mib", "per_extra_mount_mib")
    if not all(this.get(k) is not None for k in keys) or not all(other.get(k) is not None for k in keys):
        return None
    a, b = meta.get("engine", "?"), other.get("engine", "?")
    by = {a: {k: this[k] for k in keys} | {"mounts": this.get("mounted")},
          b: {k: other[k] for k in keys} | {"mounts": other.get("mounted")}}
    line = (f"memory by engine (the same many-mounts measure, one agent after the other): {a} vs {b}: "
            f"1 mount {this['total_rss_1_mib']:.0f} vs {other['total_rss_1_mib']:.0f} MiB, "
            f"{this.get('mounted')} vs {other.get('mounted')} mounts {this['total_rss_mib']:.0f} vs "
            f"{other['total_rss_mib']:.0f} MiB, per extra mount {this['per_extra_mount_mib']:.2f} vs "
            f"{other['per_extra_mount_mib']:.2f} MiB")
    return {"line": line, "by_engine": by}


def cmd_report(a):
    samples = {}
    with open(a.results) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, target, val = line.split("\t")[:3]
            samples.setdefault(key, {}).setdefault(target, []).append(float(val))
    meta = json.load(open(a.meta)) if a.meta and os.path.exists(a.meta) else {}
    prop = meta.get("propagation") or {}
    # Propagation: p50/p99 over the trials (one sample set), min/max of the trials.
    verdicts = promise_verdicts(prop)
    for kind, key in PROP_KINDS:
        xs = prop.get(kind) or []
        if xs:
            samples.setdefault(f"{key}_p50", {})["sharefs"] = [percentile(xs, 50)]
            samples.setdefault(f"{key}_p99", {})["sharefs"] = [percentile(xs, 99)]
    # Mount / umount with the agent running: p50/p90/max over the cycles, min/max of the cycles.
    pct_src = {}
    for src, dst in PCT_ROWS.items():
        xs = samples.get(src, {}).get("sharefs") or []
        for p, name in PCTS:
            if xs:
                samples.setdefault(f"{dst}_{name}", {})["sharefs"] = [percentile(xs, p)]
                pct_src[f"{dst}_{name}"] = xs
    # Many mounts: single figures from the workload's own JSON.
    many = meta.get("many_mounts") or {}
    n_many = many.get("mounted", 0)
    for key, field in (("many_mount_s", "mount_total_s"), ("many_one_mb", "total_rss_1_mib"),
                       ("many_total_mb", "total_rss_mib"), ("many_agent_mb", "agent_rss_mib"),
                       ("many_extra_mb", "per_extra_mount_mib"), ("many_stop_ms", "node_stop_ms")):
        if many.get(field) is not None and n_many:
            samples.setdefault(key, {})["sharefs"] = [many[field]]
    if many.get("mount_ms"):
        samples.setdefault("many_mount_p50", {})["sharefs"] = [percentile(many["mount_ms"], 50)]
        pct_src["many_mount_p50"] = many["mount_ms"]
    present = [t for t, _ in TARGETS if any(t in samples.get(r[0], {}) for r in ROWS)]
    rows_out = []
    for key, wl, label, unit, hib in ROWS:
        if key not in samples:
            continue
        label = label.format(n=n_many)
        promise = None
        for kind, prefix in PROP_KINDS:
            if key == f"{prefix}_p99" and kind in verdicts:
                promise = "kept" if verdicts[kind]["kept"] else "MISSED"
                label += f": 1 s promise {promise_text(verdicts[kind])}"
        vals = {}
        for t in present:
            xs = samples[key].get(t)
            if not xs:
                continue
            vals[t] = {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs), "samples": xs}
        if key.startswith("prop_"):
            kind = "downgrade" if "view" in key else "revoke"
            xs = prop.get(kind) or []
            vals["sharefs"].update({"min": min(xs), "max": max(xs), "n": len(xs), "samples": None,
                                    "trials": len(xs)})
        if key in pct_src:
            xs = pct_src[key]
            vals["sharefs"].update({"min": min(xs), "max": max(xs), "n": len(xs), "samples": None,
                                    "trials": len(xs)})
        sf = vals.get("sharefs", {}).get("median")
        nat = vals.get("native", {}).get("median")
        def best_of(names):
            xs = [(vals[t]["median"], t) for t in names if t in vals]
            return (max(xs) if hib else min(xs)) if xs else None

        def over(b):
            return sf / b[0] if sf is not None and b and b[0] else None

        best = best_of(("bindfs", "bindfs-def"))
        peer = best_of(PEERS)
        r_nat = sf / nat if sf is not None and nat else None
        owned = vals.get("sharefs-owned", {}).get("median")
        r_owned = owned / nat if owned is not None and nat else None
        rows_out.append({"key": key, "workload": wl, "label": label, "unit": unit,
                         "better": "higher" if hib else "lower", "values": vals,
                         "sharefs_over_native": r_nat, "sharefs_over_bindfs_best": over(best),
                         "owned_over_native": r_owned,
                         "bindfs_best": best[1] if best else None,
                         "sharefs_over_peer_best": over(peer), "peer_best": peer[1] if peer else None,
                         **({"promise_1s": promise} if promise else {})})
    # ---- text table
    reps = meta.get("reps")
    print()
    print(f"sharefs benchmark ({meta.get('mode', '?')} mode, {reps} repetition(s) per figure; cells: median [min..max])")
    for line in (order_line(meta), readahead_line(meta)):
        if line:
            print(f"  {line}")
    for n in meta.get("notes", []):
        print(f"  note: {n}")
    owned_col = any(r["owned_over_native"] is not None for r in rows_out)
    head = ["figure", "unit", "better"] + [dict(TARGETS)[t] for t in present] + ["sf/native", "sf/bindfs*", "sf/peer*"] \
        + (["owned/native"] if owned_col else [])
    table = [head]
    for r in rows_out:
        line = [r["label"], r["unit"], r["better"]]
        for t in present:
            v = r["values"].get(t)
            if not v:
                line.append("-")
            elif v["n"] > 1 or r["key"].startswith("prop_") or r["key"] in pct_src:
                line.append(f"{fmt(v['median'])} [{fmt(v['min'])}..{fmt(v['max'])}]")
            else:
                line.append(fmt(v["median"]))
        line.append("-" if r["sharefs_over_native"] is None else f"{r['sharefs_over_native']:.2f}")
        line.append("-" if r["sharefs_over_bindfs_best"] is None else f"{r['sharefs_over_bindfs_best']:.2f}")
        line.append("-" if r["sharefs_over_peer_best"] is None else f"{r['sharefs_over_peer_best']:.2f}")
        if owned_col:
            line.append("-" if r["owned_over_native"] is None else f"{r['owned_over_native']:.2f}")
        table.append(line)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(widths[k]) if k < 3 else c.rjust(widths[k]) for k, c in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("sf = sharefs (edit-delete folder); sf-view = sharefs view-only folder (read figures only);")
    if owned_col:
        print("sf-owned = a folder the benchmark user owns (workload 1 only; passthrough on the kernel engine unless off);"
              " owned/native = sf-owned / native.")
    print("bindfs = --multithreaded -o big_writes, bindfs-def = defaults; sf/bindfs* = sharefs / the better bindfs variant;")
    print("sf/peer* = sharefs / the best peer of the row (either bindfs variant or mergerfs).")
    if any(r["workload"] in (6, 7) for r in rows_out):
        print("agent VmRSS/VmHWM = the node agent plus its descendants, i.e. its mounts' fusermount helpers if any"
              " (sum over /proc/PID/status); mount/umount rows: p50/p90/max over the cycles [min..max].")
    rated = [r for r in rows_out if r["sharefs_over_peer_best"] is not None]
    if rated:
        ahead = [r for r in rated if (r["sharefs_over_peer_best"] > 1) == (r["better"] == "higher")
                 and r["sharefs_over_peer_best"] != 1]
        print(f"sharefs is ahead of the best peer in {len(ahead)} of {len(rated)} rows.")
    print("Ratios are plain sharefs/peer: for 'higher' rows >1 means sharefs is faster, for 'lower' rows <1 means sharefs is faster.")
    files = ((meta.get("sizes") or {}).get("tree") or {}).get("files")
    req = request_summary(a.reqops, files)
    for line in request_lines(req, files):
        print(line)
    if any(r["key"].startswith("tree_") for r in rows_out) and not req:
        print("FUSE requests per file: not counted in this run (see the notes)")
    if prop:
        print(f"propagation: {len(prop.get('downgrade', []))} downgrade trials "
              f"({prop.get('downgrade_before_return', 0)} already failing when the CLI returned; errno {prop.get('downgrade_errno')}), "
              f"{len(prop.get('revoke', []))} revoke trials ({prop.get('revoke_before_return', 0)} already gone at return)"
              + (f"; problems: {prop['errors']}" if prop.get("errors") else ""))
        for kind, _ in PROP_KINDS:
            if kind in verdicts:
                v, start = verdicts[kind], prop.get(f"{kind}_from_start") or []
                p99 = "beyond the poll's timeout" if v["p99_ms"] is None else f"{v['p99_ms']:.0f} ms"
                print(f"  {kind}: p99 {p99} after the CLI returned, over {v['trials']} trials: one-second promise "
                      f"{promise_text(v)}"
                      + (f" (for information, p99 from the CLI's start, JVM launch included: "
                         f"{percentile(start, 99):.0f} ms)" if start else ""))
    agent = agent_figures(samples, many)
    for line in agent_lines(agent):
        print(line)
    mem_cmp = engine_memory(meta)
    if mem_cmp:
        print(mem_cmp["line"])
    if meta.get("phase_seconds"):
        ph = ", ".join(f"{k} {v:.0f}s" for k, v in meta["phase_seconds"].items())
        print(f"run took {meta.get('elapsed_s', 0):.0f} s ({ph}); other processes used {meta.get('cpu_busy_pct_before_run')}% CPU just before it")
    if a.json:
        doc = {"meta": meta, "rows": rows_out}
        doc.update(agent)
        if verdicts:
            doc["propagation_promise_1s"] = verdicts
        if mem_cmp:
            doc["memory_by_engine"] = mem_cmp["by_engine"]
        if req:
            doc["fuse_requests_per_file"] = req
            ex = (req.get("tree_extract") or {}).get("sharefs")
            if ex:
                doc.setdefault("targets", {})["tar_x_requests_per_file_at_most_9"] = \
                    ex["per_file"] <= REQ_PER_FILE_EXTRACT_TARGET
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2)
        print(f"JSON written to {a.json}")


# --------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("maketar")
    p.add_argument("zip")
    p.add_argument("out")
    p.add_argument("--max-files", type=int, default=0)
    p.set_defaults(fn=cmd_maketar)
    p = sub.add_parser("fio")
    p.add_argument("kind", choices=["SEQW", "SEQR", "RAND"])
    p.add_argument("file")
    p.set_defaults(fn=cmd_fio)
    p = sub.add_parser("small")
    p.add_argument("phase", choices=["create", "stat", "read", "delete"])
    p.add_argument("dir")
    p.add_argument("n", type=int)
    p.set_defaults(fn=cmd_small)
    p = sub.add_parser("propagation")
    p.add_argument("--cli", required=True, help="the CLI command line (shell words)")
    p.add_argument("--mnt", required=True)
    p.add_argument("--folder", required=True)
    p.add_argument("--owner", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--perm", default="edit-delete", help="permission to re-grant between trials")
    p.add_argument("--downgrade", type=int, default=50)
    p.add_argument("--revoke", type=int, default=50)
    p.add_argument("--interval-ms", type=float, default=5)
    p.add_argument("--timeout", type=float, default=10)
    p.set_defaults(fn=cmd_propagation)
    p = sub.add_parser("procmem")
    p.add_argument("pid", type=int)
    p.add_argument("--mib", choices=["rss", "hwm"], help="print only the total (agent + helpers) in MiB")
    p.set_defaults(fn=cmd_procmem)
    for name, fn in (("mountcycle", cmd_mountcycle), ("many", cmd_many)):
        p = sub.add_parser(name)
        p.add_argument("--cli", required=True, help="the CLI command line (shell words)")
        p.add_argument("--user", required=True)
        p.add_argument("--dir", required=True, help="the mountpoints are made under it")
        p.add_argument("--probe", required=True, help="a small file to read through each mount (relative path)")
        p.add_argument("--expect", required=True, help="its content")
        p.add_argument("--out", required=True, help="the JSON result (written whole at the end)")
        p.add_argument("--timeout", type=float, default=10, help="seconds a mount has to answer the probe")
        p.add_argument("--cli-timeout", type=float, default=60, help="seconds a CLI call may take")
        if name == "mountcycle":
            p.add_argument("--n", type=int, required=True)
        else:
            p.add_argument("--m", type=int, required=True)
            p.add_argument("--run-dir", required=True)
            p.add_argument("--settle", type=float, default=1)
        p.set_defaults(fn=fn)
    p = sub.add_parser("reqcount")
    p.add_argument("instance", help="a trace instance directory with fuse:fuse_request_send enabled")
    p.set_defaults(fn=cmd_reqcount)
    p = sub.add_parser("report")
    p.add_argument("results")
    p.add_argument("meta")
    p.add_argument("--reqops", help="the FUSE request counts of the tree phases (reqops.tsv)")
    p.add_argument("--json")
    p.set_defaults(fn=cmd_report)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
