#!/usr/bin/env bash
# A folder's storage hangs (a network filesystem whose server went away, played here by a bindfs
# mount of the folder's backing directory, stopped with SIGSTOP): a session's read blocks in the
# kernel on a request the agent's worker cannot answer. `sharefs umount --force` detaches the view
# and aborts its FUSE connection, so the blocked reader returns with an error; the agent and its
# other mounts go on serving.
. "$(dirname "$0")/lib.sh"
nt_begin

B=b@x.io
command -v bindfs >/dev/null || nt_bail "bindfs is missing (scripts/install-deps --test installs it)"
expect_ok "add user B" sf user add "$B"
expect_ok "B creates slow" sf --as "$B" folder create slow || nt_bail "no folder"
slow="$SHAREFS_HOME/storage/$(created_id)"
expect_ok "B creates fine" sf --as "$B" folder create fine || nt_bail "no folder"
fine="$SHAREFS_HOME/storage/$(created_id)"
echo "data" >"$slow/f"
echo "fine" >"$fine/f"

# The stand-in for a hung network filesystem, in the foreground so its pid is known.
bindfs -f "$slow" "$slow" </dev/null >/dev/null 2>&1 &
BINDFS_PID=$!
# Whatever happens, the stand-in is let go again, or nothing beneath it could be cleaned up.
trap 'nt_rc=$?; kill -CONT "$BINDFS_PID" 2>/dev/null; (exit "$nt_rc"); nt_on_exit' EXIT
wait_until is_mounted "$slow" || nt_bail "bindfs did not mount over $slow"

expect_ok "mount B's view" mount_view "$B"
expect_out "the session reads slow/f while its storage answers" "data" session 'cat ~/slow/f'
kill -STOP "$BINDFS_PID"

# The reader, in the background: it blocks on the view, whose worker blocks on the storage.
session 'cat ~/slow/f' >"$NT_WORK/reader.out" 2>"$NT_WORK/reader.err" &
READER=$!
# Blocked on a FUSE request the daemon has not answered (the kernel's request_wait_answer).
reader_blocked() { ps -eo wchan:32=,args= | grep -qE '^request_wait_answer +cat /home/work/slow/f$'; }
expect_that "the session's read of slow/f hangs (the storage does not answer)" "cat waiting in request_wait_answer" \
  wait_until reader_blocked
expect_out "another sharefs mount of the agent still answers" "$(cat "$fine/f")" cat "$SHAREFS_HOME/storage/$(basename "$fine")/f"

expect_ok "umount --force detaches the view and aborts its connection" sf umount --force "$MNT"
reader_done() { ! kill -0 "$READER" 2>/dev/null; }
expect_that "the blocked reader returns" "the cat process ends" wait_until reader_done
wait "$READER"
rc=$?
if ((rc != 0)) && grep -qE "Software caused connection abort|Transport endpoint is not connected" "$NT_WORK/reader.err"; then
  pass "the blocked read failed with the aborted connection's error (exit $rc: $(head -c 200 "$NT_WORK/reader.err"))"
else
  fail "the blocked read failed with the aborted connection's error" "exit $rc" "$(cat "$NT_WORK/reader.err")"
fi
expect_that "the view is no longer mounted" "not in mountinfo" eval '! is_mounted "$MNT"'
expect_contains "the agent still serves" "database reachable" sf node status

kill -CONT "$BINDFS_PID"
expect_ok "the storage answers again" cat "$slow/f"
mkdir -p "$NT_WORK/again"
expect_ok "the agent mounts B's view again" sf mount --user "$B" "$NT_WORK/again" --uid "$SESSION_UID" --gid "$SESSION_GID"
expect_out "and it reads slow/f" "data" cat "$NT_WORK/again/slow/f"
expect_ok "umount it" sf umount "$NT_WORK/again"
fusermount -u "$slow" 2>/dev/null || fusermount -u -z "$slow"
nt_end
