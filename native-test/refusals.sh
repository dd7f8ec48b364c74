#!/usr/bin/env bash
# `sharefs mount` refusals, each one clear line and a non-zero exit: unknown user, missing and
# non-empty mountpoints, an already-mounted path, and a machine without /dev/fuse or fusermount
# (simulated in a private mount namespace, where the node agent that mount starts refuses to start).
. "$(dirname "$0")/lib.sh"
nt_begin "view"

expect_ok "add user A" sf user add a@x.io
expect_ok "A creates tests" sf --as a@x.io folder create tests || nt_bail "no folder"
mkdir -p "$MNT"

expect_fail "mount for an unknown user" "no such user: ghost@x.io" sf mount --user ghost@x.io "$MNT"
expect_fail "mount on a missing mountpoint" "does not exist" sf mount --user a@x.io "$MNT/missing"
touch "$MNT/occupied"
expect_fail "mount on a non-empty mountpoint" "is not empty" sf mount --user a@x.io "$MNT"
rm -f "$MNT/occupied"

# A machine without /dev/fuse or fusermount: the node agent that mount starts there refuses to
# start, and mount says why. The agent of the mounts above is stopped first, so the calls below
# start their own in the crippled namespace.
expect_ok "stop the node agent" sf node stop
# No /dev/fuse: a tmpfs over /dev in a private namespace hides it from the command alone.
nodev() { unshare --mount --propagation private sh -c 'mount -t tmpfs none /dev && exec "$@"' sh "$@"; }
expect_fail "mount without /dev/fuse" "/dev/fuse is missing" nodev "$SHAREFS" mount --user a@x.io "$MNT"

# No fusermount: bind a non-executable file over it in a private namespace.
nofm() {
  local fm
  fm=$(command -v fusermount)
  : >"$NT_WORK/not-fusermount"
  unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && PATH=/usr/bin:/bin exec "$@"' \
    sh "$NT_WORK/not-fusermount" "$(readlink -f "$fm")" "$@"
}
expect_fail "mount without fusermount" "fusermount not found" nofm "$SHAREFS" mount --user a@x.io "$MNT"

mount_view a@x.io || nt_bail "mount failed: $ERR"
pass "a valid mount works after the refusals"
expect_fail "a second mount on the same path" "is already mounted" sf mount --user a@x.io "$MNT"
expect_fail "umount of a path that is not mounted" "is not mounted" sf umount "$MNT/tests"
expect_ok "umount" umount_view

nt_end
