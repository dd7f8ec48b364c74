#!/usr/bin/env bash
# The sharing story in a real OCI container, the way a platform runs a session: B's view mounted
# by sharefs, a podman container (runc) from the local busybox image of scripts/session-image
# with the view as -v VIEW:/home/work, and B's commands run in it as uid 1000 with
# `podman exec`. A (the CLI, as root, on the host) invites B, upgrades view → edit →
# edit-delete and kicks B out while the container runs; it is never restarted. The container
# sees nothing of the control plane.
. "$(dirname "$0")/lib.sh"
nt_begin

A=a@x.io
B=b@x.io
SESSION_IMAGE="$NT_REPO/scripts/session-image"

# No podman is a broken test machine (scripts/install-deps --test installs it), never a skip.
for tool in podman runc; do
  command -v "$tool" >/dev/null || nt_bail "$tool is missing (scripts/install-deps --test installs it)"
done
_run timeout -k 5 120 "$SESSION_IMAGE" || nt_bail "scripts/session-image failed: $ERR"
IMAGE="$OUT"
pass "the session image is there ($IMAGE)"
mapfile -t PODMAN_ARGS < <("$SESSION_IMAGE" --podman-args)
# Unique to this run: the work directory's random name.
CONTAINER="sharefs-nt-${NT_WORK##*/}"

# pm ARGS...: podman on the session store, every call bounded.
pm() {
  timeout -k 5 60 podman "${PODMAN_ARGS[@]}" "$@"
}

# ctr 'SHELL COMMAND': run it in the session container (as its user, uid 1000, cwd /home/work).
ctr() {
  timeout -k 5 30 podman "${PODMAN_ARGS[@]}" exec "$CONTAINER" sh -c "$1"
}

# expect_refused DESC STATUS STDERR 'SHELL COMMAND': in the container the command exits with
# exactly STATUS and prints exactly the line STDERR on stderr.
_refused() {
  local status="$1" line="$2"
  _run ctr "$3"
  [[ $RC -eq $status && "$ERR" == "$line" ]]
}
expect_refused() {
  expect_that "$1" "exit $2, stderr exactly: $3" _refused "$2" "$3" "$4"
}

expect_ok "add user A" sf user add "$A"
expect_ok "add user B" sf user add "$B"
a_tests_folder "$A"
expect_ok "B creates a folder of their own, b-notes" sf --as "$B" folder create b-notes

mount_view "$B" || nt_bail "mount of B's view failed: $ERR"
pass "B's view is mounted"

# The session container. It is recorded before it starts so that clean-up (nt_cleanup) removes
# it even if this script is killed; --rm and the bounded sleep are the last resort.
echo "$CONTAINER" >>"$NT_WORK/containers.session"
_run pm run -d --rm --name "$CONTAINER" --network=none --user 1000:1000 \
  --cap-drop=all --security-opt=no-new-privileges \
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  -v "$MNT:/home/work" "$IMAGE" sleep 300 || nt_bail "podman run failed (exit $RC): $ERR"
started_at() { pm inspect --format '{{.State.Running}} {{.State.StartedAt}}' "$CONTAINER"; }
_run started_at || nt_bail "podman inspect of the new container failed: $ERR"
first_start="$OUT"
[[ "$first_start" == "true "* ]] || nt_bail "the new container is not running: $first_start"
pass "the session container runs ($CONTAINER)"

only_session_ids() { _run ctr 'echo "$(id -u) $(id -g) $(id -G)"' && [[ "$OUT" == "1000 1000 1000" ]]; }
expect_that "in the container: commands run as uid 1000, gid 1000, no other group" \
  "id -u, -g, -G print 1000 1000 1000" only_session_ids
expect_out "in the container: HOME and the working directory are the view" "/home/work /home/work" \
  ctr 'echo "$HOME $(pwd)"'
expect_out "in the container: ls ~ shows B's own b-notes" "b-notes" ctr 'ls ~'
expect_no_line "in the container: no tests yet" "tests" ctr 'ls ~'

# Nothing of the control plane reaches the container: not the home (database, storage), not the
# agent's socket, not the host path of the view, no other FUSE mount, no process of the host.
expect_refused "in the container: the sharefs home is not there" 1 \
  "ls: $SHAREFS_HOME: No such file or directory" "ls '$SHAREFS_HOME'"
expect_refused "in the container: the agent's run directory (socket) is not there" 1 \
  "ls: $SHAREFS_RUN_DIR: No such file or directory" "ls '$SHAREFS_RUN_DIR'"
expect_refused "in the container: the host path of the view is not there" 1 \
  "ls: $MNT: No such file or directory" "ls '$MNT'"
only_fuse_is_home() {
  _run ctr 'grep " - fuse" /proc/self/mountinfo | cut -d" " -f5' && [[ "$OUT" == /home/work ]]
}
expect_that "in the container: its only FUSE mount is /home/work" "one fuse line, at /home/work" only_fuse_is_home
own_processes_only() {
  _run ctr 'ps -o comm' || return 1
  local c
  while IFS= read -r c; do
    case "$c" in COMMAND | sleep | sh | ps) ;; *) return 1 ;; esac
  done <<<"$OUT"
}
expect_that "in the container: it sees only its own processes (no agent)" \
  "ps lists only COMMAND, sleep, sh, ps" own_processes_only
only_loopback() { _run ctr 'ls /sys/class/net' && [[ "$OUT" == lo ]]; }
expect_that "in the container: no network but loopback" "ls /sys/class/net prints only lo" only_loopback

# The share, accepted while the container runs.
expect_ok "A invites B to tests with view" sf --as "$A" share invite tests --to "$B" --perm view
expect_ok "B lists invitations" sf --as "$B" invitation list --json
inv="$(tr '{' '\n' <<<"$OUT" | grep '"folder":"tests"' | grep '"state":"pending"' |
  sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' | head -n1)"
[[ -n "$inv" ]] || nt_bail "no pending invitation to tests in: $OUT"
expect_ok "B accepts the invitation" sf --as "$B" invitation accept "$inv"

# view: reading works, writing does not.
expect_out --live "in the container: ls ~/tests shows hello.txt and myfolder (live)" \
  $'hello.txt\nmyfolder' ctr 'ls ~/tests'
expect_out "in the container: cat ~/tests/hello.txt" "hello from A" ctr 'cat ~/tests/hello.txt'
expect_out "in the container: cat ~/tests/myfolder/notes.txt" "notes" ctr 'cat ~/tests/myfolder/notes.txt'
expect_out "in the container: files appear owned by the session uid" "1000:1000" \
  ctr 'stat -c %u:%g ~/tests/hello.txt'
expect_out "in the container: a view folder shows no write bits" $'dr-xr-xr-x\n-r--r--r--' \
  ctr 'stat -c %A ~/tests ~/tests/hello.txt'
expect_refused "in the container: touch in a view folder fails" 1 \
  "touch: /home/work/tests/new: Read-only file system" 'touch ~/tests/new'
expect_refused "in the container: rm in a view folder fails" 1 \
  "rm: can't remove '/home/work/tests/hello.txt': Read-only file system" 'rm ~/tests/hello.txt'

# edit, made live from the host: write, but no delete.
expect_ok "A switches B to edit" sf --as "$A" share set tests "$B" --perm edit
expect_ok --live "in the container: touch now works (edit)" ctr 'touch ~/tests/new'
expect_ok "in the container: echo > a new file works (edit)" ctr 'echo "from B" > ~/tests/from-b.txt'
expect_out "A sees B's file in the folder" "from B" cat "$tests_dir/from-b.txt"
expect_refused "in the container: rm still fails (edit)" 1 \
  "rm: can't remove '/home/work/tests/new': Permission denied" 'rm ~/tests/new'

# edit-delete: full access inside the folder.
expect_ok "A switches B to edit-delete" sf --as "$A" share set tests "$B" --perm edit-delete
expect_ok --live "in the container: rm now works (edit-delete)" ctr 'rm ~/tests/new'
expect_no_line "in the container: the removed file is gone" "new" ctr 'ls ~/tests'
expect_that "the removed file is gone from the backing directory" "no $tests_dir/new" \
  eval '[[ ! -e "$tests_dir/new" ]]'

# Kick-out: the folder leaves the running container.
expect_ok "A kicks B out of tests" sf --as "$A" share revoke tests "$B"
expect_no_line --live "in the container: tests is gone from ls /home/work (live)" "tests" ctr 'ls /home/work'
expect_refused "in the container: ls ~/tests fails" 1 \
  "ls: /home/work/tests: No such file or directory" 'ls ~/tests'
expect_out "in the container: B's own b-notes is still there" "b-notes" ctr 'ls ~'
expect_out "A's files are untouched" "hello from A" cat "$tests_dir/hello.txt"

same_container() { _run started_at && [[ "$OUT" == "$first_start" ]]; }
expect_that "the same container ran through every change" "running, started at ${first_start#* }" \
  same_container

expect_ok "the container is removed" pm rm -f -t 0 "$CONTAINER"
container_gone() { _run pm container exists "$CONTAINER"; [[ $RC -eq 1 ]]; }
expect_that "podman knows the container no more" "podman container exists exits 1" container_gone
expect_ok "umount the view" umount_view
expect_that "the mountpoint is no longer mounted" "not in /proc/self/mountinfo" eval '! is_mounted "$MNT"'

nt_end
