#!/usr/bin/env bash
# The seed's story ("Sharing Storage Folders and Access Control") end to end, on a real mount:
# user B's compute session has B's view as its home while user A (the CLI, as root, outside the
# session) invites, changes the permission and kicks B out. The session never remounts.
. "$(dirname "$0")/lib.sh"
nt_begin

A=a@x.io
B=b@x.io

expect_ok "add user A" sf user add "$A"
expect_ok "add user B" sf user add "$B"

a_tests_folder "$A"

# If a folder named tests already exists in B's account, A's tests cannot be shared with B.
expect_ok "B creates a folder of their own named tests" sf --as "$B" folder create tests
expect_fail "A's invite is refused: B already has a folder named tests" "already" \
  sf --as "$A" share invite tests --to "$B" --perm view
expect_ok "B renames their own tests to b-tests" sf --as "$B" folder rename tests b-tests

# B's compute session: B's view as the home.
mount_view "$B" || nt_bail "mount of B's view failed: $ERR"
pass "B's view is mounted (mount returned once live)"
expect_out "session: ls ~ shows B's own b-tests" "b-tests" session 'ls ~'
expect_no_line "session: B sees no tests" "tests" session 'ls ~'

expect_ok "A invites B to tests with view" sf --as "$A" share invite tests --to "$B" --perm view

# B sees the invitation arrive and accepts it.
expect_ok "B lists invitations" sf --as "$B" invitation list --json
inv="$(tr '{' '\n' <<<"$OUT" | grep '"folder":"tests"' | grep '"state":"pending"' |
  sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p' | head -n1)"
[[ -n "$inv" ]] && pass "B's pending invitation to tests is listed (id $inv)" ||
  nt_bail "no pending invitation to tests in: $OUT"
expect_ok "B accepts the invitation" sf --as "$B" invitation accept "$inv"

# view: read only.
expect_out --live "session: ls ~/tests shows hello.txt and myfolder (live, no remount)" \
  $'hello.txt\nmyfolder' session 'ls ~/tests'
expect_out "session: cat ~/tests/hello.txt" "hello from A" session 'cat ~/tests/hello.txt'
expect_out "session: ls ~/tests/myfolder" "notes.txt" session 'ls ~/tests/myfolder'
no_write_bits() {
  _run session 'ls -ld ~/tests ~/tests/hello.txt ~/tests/myfolder' &&
    [[ $(grep -c '^.r-.r-.r-.' <<<"$OUT") -eq 3 ]]
}
expect_that "session: ls -l shows no write bits in a view folder" "three r-x/r-- entries" no_write_bits
expect_fail "session: touch in a view folder fails" "Read-only file system" session 'touch ~/tests/new'
expect_fail "session: rm in a view folder fails" "Read-only file system" session 'rm ~/tests/hello.txt'
expect_fail "session: mkdir in a view folder fails" "Read-only file system" session 'mkdir ~/tests/dir'

# edit: write, but no delete — in the same live session.
expect_ok "A switches B to edit" sf --as "$A" share set tests "$B" --perm edit
expect_ok --live "session: touch now works (edit)" session 'touch ~/tests/new'
expect_ok "session: echo > a new file works (edit)" session 'echo "from B" > ~/tests/from-b.txt'
expect_out "A sees B's file in the folder" "from B" cat "$tests_dir/from-b.txt"
expect_fail "session: rm still fails (edit)" "Permission denied" session 'rm ~/tests/new'

# edit-delete: full access inside the folder.
expect_ok "A switches B to edit-delete" sf --as "$A" share set tests "$B" --perm edit-delete
expect_ok --live "session: rm now works (edit-delete)" session 'rm ~/tests/new'
expect_no_line "session: the removed file is gone" "new" session 'ls ~/tests'

# Kick out: the folder leaves the live session.
expect_ok "A kicks B out of tests" sf --as "$A" share revoke tests "$B"
expect_no_line --live "session: tests is gone from ls ~" "tests" session 'ls ~'
expect_fail "session: ls ~/tests fails" "No such file or directory" session 'ls ~/tests'
expect_out "session: B's own b-tests is still there" "b-tests" session 'ls ~'
expect_out "A's files are untouched" "hello from A" cat "$tests_dir/hello.txt"

expect_ok "umount the view" umount_view
expect_that "the mountpoint is no longer mounted" "not in /proc/self/mountinfo" eval '! is_mounted "$MNT"'

nt_end
