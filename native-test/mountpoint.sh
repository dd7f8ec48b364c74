#!/usr/bin/env bash
# A mountpoint whose path has spaces: mount, ls (from the host and from a session), umount.
. "$(dirname "$0")/lib.sh"
nt_begin "my view/with spaces"

expect_ok "add user C" sf user add c@x.io
expect_ok "C creates the folder data" sf --as c@x.io folder create data || nt_bail "no folder"
echo "spaced" >"$SHAREFS_HOME/storage/$(created_id)/f.txt"

mount_view c@x.io || nt_bail "mount on '$MNT' failed: $ERR"
pass "mount on a path with spaces returns once live"
expect_that "the kernel lists the mountpoint" "'$MNT' in /proc/self/mountinfo" is_mounted "$MNT"
expect_out "ls on the mountpoint (root, host side)" "data" ls "$MNT"
expect_out "session: ls ~ and cat through the bind of the spaced path" $'data\nspaced' \
  session 'ls ~ && cat ~/data/f.txt'
expect_ok "umount of the spaced path" umount_view
expect_that "the mountpoint is no longer mounted" "not in /proc/self/mountinfo" eval '! is_mounted "$MNT"'
empty_dir() { _run ls -A "$MNT" && [[ -z "$OUT" ]]; }
expect_that "the mountpoint is an empty directory again" "ls -A prints nothing" empty_dir

nt_end
