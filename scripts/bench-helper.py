#!/usr/bin/env python3
"""Helper for scripts/bench: builds the tree tarball, runs the small-file and propagation
workloads, summarises fio output, and prints the final table / JSON.

Subcommands (all print one line of JSON or plain numbers on stdout, diagnostics on stderr):
  maketar ZIP OUT.tar [--max-files N]      tarball of the zip's files (+ the directories they need)
  fio SEQ|RAND FILE.json                   MiB/s (seq) or "read_iops write_iops" (rand)
  small create|stat|read|delete DIR N      seconds for one phase over N 4 KiB files in 100 dirs
  propagation --cli CMD... (see --help)    downgrade / revoke latency trials
  report RESULTS.tsv META.json [--json F]  the table (stdout) and optional JSON file
"""
import argparse
import errno
import io
import json
import math
import os
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

    def run(self, *args, check=True):
        p = subprocess.run(self.argv + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    out = {"downgrade": [], "downgrade_from_start": [], "downgrade_errno": {}, "downgrade_before_return": 0,
           "revoke": [], "revoke_from_start": [], "revoke_before_return": 0, "errors": []}
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


# --------------------------------------------------------------------------- report

TARGETS = [
    ("native", "native"),
    ("bindfs", "bindfs"),
    ("bindfs-def", "bindfs-def"),
    ("mergerfs", "mergerfs"),
    ("sharefs", "sharefs"),
    ("sharefs-view", "sf-view"),
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
    ("small_create", 4, "small files: create", "s", False),
    ("small_stat", 4, "small files: stat", "s", False),
    ("small_read", 4, "small files: read", "s", False),
    ("small_delete", 4, "small files: delete", "s", False),
    ("prop_view_p50", 5, "downgrade->write fails p50", "ms", False),
    ("prop_view_p99", 5, "downgrade->write fails p99", "ms", False),
    ("prop_revoke_p50", 5, "revoke->gone from ls p50", "ms", False),
    ("prop_revoke_p99", 5, "revoke->gone from ls p99", "ms", False),
    ("mount_ms", 6, "sharefs mount until live", "ms", False),
    ("rss_idle_mb", 6, "daemon VmRSS idle", "MiB", False),
    ("rss_tree_mb", 6, "daemon VmRSS end of tree", "MiB", False),
    ("hwm_tree_mb", 6, "daemon VmHWM (peak) end of tree", "MiB", False),
]


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
    for kind, key in (("downgrade", "prop_view"), ("revoke", "prop_revoke")):
        xs = prop.get(kind) or []
        if xs:
            samples.setdefault(f"{key}_p50", {})["sharefs"] = [percentile(xs, 50)]
            samples.setdefault(f"{key}_p99", {})["sharefs"] = [percentile(xs, 99)]
    present = [t for t, _ in TARGETS if any(t in samples.get(r[0], {}) for r in ROWS)]
    rows_out = []
    for key, wl, label, unit, hib in ROWS:
        if key not in samples:
            continue
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
        rows_out.append({"key": key, "workload": wl, "label": label, "unit": unit,
                         "better": "higher" if hib else "lower", "values": vals,
                         "sharefs_over_native": r_nat, "sharefs_over_bindfs_best": over(best),
                         "bindfs_best": best[1] if best else None,
                         "sharefs_over_peer_best": over(peer), "peer_best": peer[1] if peer else None})
    # ---- text table
    reps = meta.get("reps")
    print()
    print(f"sharefs benchmark ({meta.get('mode', '?')} mode, {reps} repetition(s) per figure; cells: median [min..max])")
    for n in meta.get("notes", []):
        print(f"  note: {n}")
    head = ["figure", "unit", "better"] + [dict(TARGETS)[t] for t in present] + ["sf/native", "sf/bindfs*", "sf/peer*"]
    table = [head]
    for r in rows_out:
        line = [r["label"], r["unit"], r["better"]]
        for t in present:
            v = r["values"].get(t)
            if not v:
                line.append("-")
            elif v["n"] > 1 or r["key"].startswith("prop_"):
                line.append(f"{fmt(v['median'])} [{fmt(v['min'])}..{fmt(v['max'])}]")
            else:
                line.append(fmt(v["median"]))
        line.append("-" if r["sharefs_over_native"] is None else f"{r['sharefs_over_native']:.2f}")
        line.append("-" if r["sharefs_over_bindfs_best"] is None else f"{r['sharefs_over_bindfs_best']:.2f}")
        line.append("-" if r["sharefs_over_peer_best"] is None else f"{r['sharefs_over_peer_best']:.2f}")
        table.append(line)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(widths[k]) if k < 3 else c.rjust(widths[k]) for k, c in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("sf = sharefs (edit-delete folder); sf-view = sharefs view-only folder (read figures only);")
    print("bindfs = --multithreaded -o big_writes, bindfs-def = defaults; sf/bindfs* = sharefs / the better bindfs variant;")
    print("sf/peer* = sharefs / the best peer of the row (either bindfs variant or mergerfs).")
    rated = [r for r in rows_out if r["sharefs_over_peer_best"] is not None]
    if rated:
        ahead = [r for r in rated if (r["sharefs_over_peer_best"] > 1) == (r["better"] == "higher")
                 and r["sharefs_over_peer_best"] != 1]
        print(f"sharefs is ahead of the best peer in {len(ahead)} of {len(rated)} rows.")
    print("Ratios are plain sharefs/peer: for 'higher' rows >1 means sharefs is faster, for 'lower' rows <1 means sharefs is faster.")
    if prop:
        print(f"propagation: {len(prop.get('downgrade', []))} downgrade trials "
              f"({prop.get('downgrade_before_return', 0)} already failing when the CLI returned; errno {prop.get('downgrade_errno')}), "
              f"{len(prop.get('revoke', []))} revoke trials ({prop.get('revoke_before_return', 0)} already gone at return)"
              + (f"; problems: {prop['errors']}" if prop.get("errors") else ""))
    if meta.get("phase_seconds"):
        ph = ", ".join(f"{k} {v:.0f}s" for k, v in meta["phase_seconds"].items())
        print(f"run took {meta.get('elapsed_s', 0):.0f} s ({ph}); other processes used {meta.get('cpu_busy_pct_before_run')}% CPU just before it")
    if a.json:
        doc = {"meta": meta, "rows": rows_out}
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
    p = sub.add_parser("report")
    p.add_argument("results")
    p.add_argument("meta")
    p.add_argument("--json")
    p.set_defaults(fn=cmd_report)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
