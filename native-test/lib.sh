# Shared helpers for the native tests (sourced, never run). Each test script does:
#
#   . "$(dirname "$0")/lib.sh"; nt_begin
#   expect_ok "A creates tests" sf --as a@x.io folder create tests
#   mount_view b@x.io
#   expect_fail --live "touch in a view folder" "Read-only file system" session 'touch ~/tests/new'
#   nt_end
#
# A test prints one line per check ("ok - ..." / "not ok - ...", diagnostics as "# ..." lines).
# native-test/run counts those lines; a test can also be run on its own as root:
#   bash native-test/story.sh
#
# The session side runs the way a compute session does: a private mount namespace
# (unshare --mount --propagation private) with a tmpfs on /home, the view bind-mounted as
# /home/work, and every command run as an unprivileged uid (setpriv) with HOME=/home/work.
# The namespace lives for the whole test ("the same live session"); each `session` call enters it.

NT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NT_REPO="$(cd "$NT_DIR/.." && pwd)"
SHAREFS="$NT_REPO/scripts/sharefs"
SESSION_UID=1000
SESSION_GID=1000
NT_WAIT_MS="${NT_WAIT_MS:-3000}"   # bound for live changes (the product promises < 1 s)

# --- set-up / tear-down ------------------------------------------------------------------------

# nt_begin [MOUNTPOINT-NAME]: fresh SHAREFS_HOME and mountpoint (default "mnt") under $NT_WORK
# (given by run, else made here), and a trap that always cleans up (session namespace, mounts, daemons).
nt_begin() {
  NT_NAME="${NT_NAME:-$(basename "$0" .sh)}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "not ok - $NT_NAME: must run as root (mounts, namespaces, setpriv)"
    exit 1
  fi
  if [[ -z "${NT_WORK:-}" ]]; then
    NT_WORK="$(mktemp -d /tmp/sharefs-native.XXXXXX)"
    NT_OWN_WORK=1
  fi
  chmod 0755 "$NT_WORK"            # the session uid may read fixtures placed here (tarballs)
  export SHAREFS_HOME="$NT_WORK/home"
  # This test's own node agent (started by its first mount), never the machine's.
  export SHAREFS_RUN_DIR="$NT_WORK/run"
  MNT="$NT_WORK/${1:-mnt}"
  mkdir -p "$MNT"
  nt_database
  NT_FAILED=0
  NT_PASSED=0
  SESSION_PID=
  trap 'nt_on_exit' EXIT
  trap 'exit 130' INT TERM
}

# nt_database: with NT_PG_ENV (the env file of scripts/pg-cluster; native-test/run --postgres), a
# fresh database on that server for this test, which every `sf` call names with --db (the
# password from its file, never on the command line); else the embedded default.
NT_DB_ARGS=()
nt_database() {
  [[ -n "${NT_PG_ENV:-}" ]] || return 0
  local url pwfile port db
  url="$(sed -n 's/^SHAREFS_TEST_PG_URL=//p' "$NT_PG_ENV")"
  pwfile="$(sed -n 's/^SHAREFS_TEST_PG_PASSWORD_FILE=//p' "$NT_PG_ENV")"
  port="$(sed -n 's|^jdbc:postgresql://127.0.0.1:\([0-9]*\)/.*|\1|p' <<<"$url")"
  [[ -n "$url" && -n "$pwfile" && -n "$port" ]] || { echo "not ok - $NT_NAME: unreadable NT_PG_ENV $NT_PG_ENV"; exit 1; }
  db="nt_${NT_NAME//[^a-z0-9]/_}_$$"
  PGPASSWORD="$(cat "$pwfile")" psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE $db" >/dev/null || { echo "not ok - $NT_NAME: cannot create database $db"; exit 1; }
  NT_DB_ARGS=(--db "jdbc:postgresql://127.0.0.1:$port/$db?user=postgres" --db-password-file "$pwfile")
  echo "# database: PostgreSQL, $db on 127.0.0.1:$port"
}

nt_on_exit() {
  local rc=$?
  nt_cleanup "$NT_WORK"
  if [[ -n "${NT_OWN_WORK:-}" && -z "${NT_KEEP:-}" ]]; then
    nt_remove_work "$NT_WORK"
  fi
  exit "$rc"
}

# nt_end: last line of a test; exit 0 when it got here (run counts the failures from the lines).
nt_end() {
  if [[ -n "${NT_OWN_WORK:-}" ]]; then
    echo "# $NT_NAME: $NT_PASSED passed, $NT_FAILED failed"
    exit $((NT_FAILED > 0))
  fi
  exit 0
}

# nt_bail REASON: a step everything after it depends on went wrong; stop this test here.
nt_bail() {
  fail "$1 (bailing out of $NT_NAME)"
  exit 1
}

# Every mountpoint at or beneath DIR (decoding /proc/self/mountinfo's \040 escapes), deepest first.
nt_mounts_under() {
  local dir="$1" mp
  while read -r _ _ _ _ mp _; do
    printf -v mp "%b" "$mp"
    [[ "$mp" == "$dir" || "$mp" == "$dir"/* ]] && printf '%s\n' "$mp"
  done </proc/self/mountinfo | sort -r
}

# The live sharefs processes started for DIR (its node agent, CLI calls): every process whose
# command line has the argument DIR/home (our own unique temp path, so only what this test
# started; `mount` passes --home to the agent it spawns). A zombie has an empty command line.
nt_daemon_pids() {
  local dir="$1" p a
  local -a args
  for p in /proc/[0-9]*; do
    mapfile -d '' args 2>/dev/null <"$p/cmdline" || continue
    for a in "${args[@]}"; do
      if [[ "$a" == "$dir/home" ]]; then
        echo "${p#/proc/}"
        break
      fi
    done
  done
}

# nt_cleanup DIR: remove session containers, stop session namespaces, stop DIR's node agent (it
# unmounts its views), unmount whatever is left under DIR (fusermount -u, then -u -z), then make
# sure the processes started for DIR are gone. Safe to call more than once.
nt_cleanup() {
  local dir="$1" pid mp i alive
  [[ -n "$dir" && -d "$dir" ]] || return 0
  # Session containers (container.sh) hold the view too; they go first, even if the test was killed.
  if [[ -s "$dir/containers.session" ]]; then
    local -a podman_args
    local name
    mapfile -t podman_args < <("$NT_REPO/scripts/session-image" --podman-args)
    while read -r name; do
      [[ -n "$name" ]] && timeout -k 5 60 podman "${podman_args[@]}" rm -f -t 0 --ignore -- "$name" >/dev/null 2>&1
    done <"$dir/containers.session"
  fi
  if [[ -f "$dir/pids.session" ]]; then
    while read -r pid; do
      [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
    done <"$dir/pids.session"
    for i in $(seq 50); do
      alive=0
      while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$dir/pids.session"
      ((alive)) || break
      sleep 0.1
    done
  fi
  if [[ -S "$dir/run/agent.sock" ]]; then
    SHAREFS_HOME="$dir/home" SHAREFS_RUN_DIR="$dir/run" timeout 60 "$SHAREFS" node stop >/dev/null 2>&1
  fi
  while read -r mp; do
    [[ -n "$mp" ]] || continue
    fusermount -u -- "$mp" 2>/dev/null || fusermount -u -z -- "$mp" 2>/dev/null || umount -l -- "$mp" 2>/dev/null
  done < <(nt_mounts_under "$dir")
  # A stopped agent exits by itself; give it 5 s, then SIGTERM (it unmounts and exits), then
  # SIGKILL.
  for i in $(seq 50); do
    [[ -z "$(nt_daemon_pids "$dir")" ]] && return 0
    sleep 0.1
  done
  for pid in $(nt_daemon_pids "$dir"); do kill -TERM "$pid" 2>/dev/null; done
  for i in $(seq 30); do
    [[ -z "$(nt_daemon_pids "$dir")" ]] && return 0
    sleep 0.1
  done
  for pid in $(nt_daemon_pids "$dir"); do kill -KILL "$pid" 2>/dev/null; done
  return 0
}

# nt_remove_work DIR: delete DIR, but never while anything is still mounted beneath it.
nt_remove_work() {
  local dir="$1"
  if [[ -n "$(nt_mounts_under "$dir")" ]]; then
    echo "# still mounted under $dir; not removing it" >&2
    return 1
  fi
  rm -rf -- "$dir"
}

# --- results -------------------------------------------------------------------------------------

pass() {
  NT_PASSED=$((NT_PASSED + 1))
  echo "ok - $NT_NAME: $1"
}

# fail DESC [DIAGNOSTIC...]
fail() {
  NT_FAILED=$((NT_FAILED + 1))
  echo "not ok - $NT_NAME: $1"
  shift
  local l
  for l in "$@"; do
    printf '%s\n' "$l" | head -n 12 | sed 's/^/#   /'
  done
}

# --- running things ------------------------------------------------------------------------------

# _run CMD...: run, keep exit status in RC, stdout in OUT, stderr in ERR (stdin is /dev/null).
_run() {
  LAST_CMD="$*"
  "$@" >"$NT_WORK/.out" 2>"$NT_WORK/.err" </dev/null
  RC=$?
  OUT="$(cat "$NT_WORK/.out")"
  ERR="$(cat "$NT_WORK/.err")"
  return "$RC"
}

# sf ARGS...: the sharefs CLI (as root, outside the session) on this test's SHAREFS_HOME.
sf() {
  "$SHAREFS" "${NT_DB_ARGS[@]}" "$@"
}

# wait_until CMD...: retry CMD every 0.1 s until it succeeds, for at most NT_WAIT_MS (~3 s).
# For live changes only; a test never asserts how long a change took.
wait_until() {
  local deadline=$(($(date +%s%N) + NT_WAIT_MS * 1000000))
  while :; do
    "$@" && return 0
    (($(date +%s%N) >= deadline)) && return 1
    sleep 0.1
  done
}

# session_start: the session's mount namespace, with the view of $MNT as /home/work.
session_start() {
  if [[ -n "$SESSION_PID" ]] && kill -0 "$SESSION_PID" 2>/dev/null; then return 0; fi
  local ready="$NT_WORK/.session.ready"
  rm -f "$ready"
  # Inside: a tmpfs /home, the view bound as /home/work, and every other FUSE mount copied from
  # the host (including the original of the view) detached, so the session holds no reference
  # to mounts it does not use and a host-side unmount is not kept waiting by it.
  unshare --mount --propagation private -- bash -c '
      mount -t tmpfs -o mode=0755 session-home /home &&
      mkdir /home/work &&
      mount --bind "$1" /home/work || exit 1
      while read -r _ _ _ _ mp rest; do
        fstype="${rest#* - }"; fstype="${fstype%% *}"
        printf -v mp "%b" "$mp"
        [[ "$fstype" == fuse* && "$mp" != /home/work ]] && umount -l -- "$mp"
      done < <(cat /proc/self/mountinfo)
      : >"$2" &&
      exec sleep 900' session "$MNT" "$ready" </dev/null >>"$NT_WORK/session.log" 2>&1 &
  SESSION_PID=$!
  echo "$SESSION_PID" >>"$NT_WORK/pids.session"
  local i
  for i in $(seq 100); do
    [[ -e "$ready" ]] && return 0
    kill -0 "$SESSION_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "# session namespace did not start: $(cat "$NT_WORK/session.log" 2>/dev/null)"
  return 1
}

# session_stop: leave the session (its namespace holds a reference to the mount; stop it
# before unmounting so the daemon can exit).
session_stop() {
  [[ -n "$SESSION_PID" ]] || return 0
  kill "$SESSION_PID" 2>/dev/null
  wait "$SESSION_PID" 2>/dev/null
  SESSION_PID=
}

# session 'SHELL COMMAND': run it in the session as uid 1000, HOME=/home/work, cwd ~.
session() {
  session_as "$SESSION_UID" "$@"
}

# session_as UID 'SHELL COMMAND'
session_as() {
  local uid="$1"
  shift
  session_start || return 1
  nsenter --mount --target "$SESSION_PID" -- \
    setpriv --reuid "$uid" --regid "$uid" --clear-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/work LC_ALL=C LANG=C USER=session \
    bash -c 'cd ~ 2>/dev/null || cd /; '"$1"
}

# mount_view EMAIL: mount EMAIL's view on $MNT for the session uid (the daemon is found again
# by nt_daemon_pids at clean-up).
# With NT_ENGINE (native-test/run --engine), the mount is made on that engine and checked to be.
mount_view() {
  mkdir -p "$MNT"
  _run sf mount --user "$1" "$MNT" --uid "$SESSION_UID" --gid "$SESSION_GID" ${NT_ENGINE:+--engine "$NT_ENGINE"} || return
  [[ -n "${NT_ENGINE:-}" ]] || return 0
  local mounted="$OUT"
  if ! _run sf node status || ! grep -q "^$MNT .* $NT_ENGINE " <<<"$OUT"; then
    ERR="node status does not show $MNT on the $NT_ENGINE engine: $OUT"
    return 1
  fi
  OUT="$mounted"
}

# mount_engine: sets ENGINE to the engine node status shows serving $MNT (kernel or libfuse2).
mount_engine() {
  ENGINE=
  _run sf node status || return
  local e
  for e in kernel libfuse2; do
    if grep -q "^$MNT .* $e " <<<"$OUT"; then ENGINE=$e; return 0; fi
  done
  ERR="node status shows no engine for $MNT: $OUT"
  return 1
}

# umount_view: leave the session, then `sharefs umount $MNT`.
umount_view() {
  session_stop
  sf umount "$MNT"
}

# is_mounted PATH
is_mounted() {
  [[ -n "$(nt_mounts_under "$1" | grep -xF -- "$1")" ]]
}

# created_id: the folder id printed by `folder create` ("created folder NAME (ID)") in $OUT.
created_id() {
  sed -n 's/^created folder .* (\([0-9a-f-]*\))$/\1/p' <<<"$OUT" | head -n1
}

# a_tests_folder EMAIL: EMAIL creates the folder tests holding hello.txt and myfolder/notes.txt
# (written into its backing directory, as the owner's own session would); sets tests_id and
# tests_dir, and bails when there is no folder or no backing directory.
a_tests_folder() {
  expect_ok "A creates the folder tests" sf --as "$1" folder create tests || nt_bail "no folder"
  tests_id="$(created_id)"
  tests_dir="$SHAREFS_HOME/storage/$tests_id"
  [[ -n "$tests_id" && -d "$tests_dir" ]] || nt_bail "no backing directory for tests ($tests_id)"
  echo "hello from A" >"$tests_dir/hello.txt"
  mkdir "$tests_dir/myfolder"
  echo "notes" >"$tests_dir/myfolder/notes.txt"
}

# invited_id: the invitation id printed by `share invite` ("... (invitation N)") in $OUT.
invited_id() {
  sed -n 's/.*(invitation \([0-9][0-9]*\))$/\1/p' <<<"$OUT" | head -n1
}

# --- expectations --------------------------------------------------------------------------------
# Every expect_* takes an optional leading --live: the expectation is retried (wait_until) for
# changes made with the CLI that a live mount picks up; the check still reports once.

_holds_ok() {
  _run "$@"
}

_holds_fail() {
  local msg="$1"
  shift
  _run "$@"
  [[ $RC -ne 0 && "$ERR" == *"$msg"* ]]
}

# Every line of WANT (newline-separated) is a whole line of stdout.
_has_lines() {
  local want="$1" w
  while IFS= read -r w; do
    [[ -z "$w" ]] && continue
    grep -qxF -- "$w" <<<"$OUT" || return 1
  done <<<"$want"
}

_holds_out() {
  local want="$1"
  shift
  _run "$@" && _has_lines "$want"
}

_holds_contains() {
  local text="$1"
  shift
  _run "$@" && [[ "$OUT" == *"$text"* ]]
}

_holds_no_line() {
  local unwanted="$1"
  shift
  _run "$@" && ! grep -qxF -- "$unwanted" <<<"$OUT"
}

# _check DESC LIVE EXPECTATION PREDICATE ARGS...
_check() {
  local desc="$1" live="$2" expectation="$3"
  shift 3
  LAST_CMD="$*" RC='' OUT='' ERR=''
  if ((live)); then wait_until "$@"; else "$@"; fi
  if (($? == 0)); then
    pass "$desc"
  else
    fail "$desc" "expected: $expectation" "command:  $LAST_CMD" "exit:     $RC" \
      "stdout:   ${OUT:-(empty)}" "stderr:   ${ERR:-(empty)}"
    return 1
  fi
}

# _expect KIND [--live] DESC [ARG] CMD...: the one place the optional --live is read; each KIND
# names what is expected (for the failure report) and the _holds_* check that decides it.
_expect() {
  local kind="$1" live=0
  shift
  if [[ "${1:-}" == --live ]]; then live=1; shift; fi
  local desc="$1"
  shift
  case "$kind" in
    that) _check "$desc" "$live" "$1" "${@:2}" ;;
    ok) _check "$desc" "$live" "success" _holds_ok "$@" ;;
    fail) _check "$desc" "$live" "failure with \"$1\"" _holds_fail "$@" ;;
    out) _check "$desc" "$live" "success with the line(s): $(tr '\n' '|' <<<"$1" | sed 's/|$//')" _holds_out "$@" ;;
    contains) _check "$desc" "$live" "success with stdout containing: $1" _holds_contains "$@" ;;
    no_line) _check "$desc" "$live" "success without the line: $1" _holds_no_line "$@" ;;
    *) fail "$desc" "lib.sh: unknown expectation kind '$kind'"; return 1 ;;
  esac
}

# expect_that [--live] DESC EXPECTATION PREDICATE...  (PREDICATE succeeds; it should use _run)
expect_that() { _expect that "$@"; }
# expect_ok [--live] DESC CMD...
expect_ok() { _expect ok "$@"; }
# expect_fail [--live] DESC MESSAGE CMD...  (non-zero exit and MESSAGE in stderr)
expect_fail() { _expect fail "$@"; }
# expect_out [--live] DESC LINES CMD...  (success, and each line of LINES is a line of stdout)
expect_out() { _expect out "$@"; }
# expect_contains [--live] DESC TEXT CMD...  (success, and TEXT occurs somewhere in stdout)
expect_contains() { _expect contains "$@"; }
# expect_no_line [--live] DESC LINE CMD...  (success, and LINE is not a line of stdout)
expect_no_line() { _expect no_line "$@"; }
