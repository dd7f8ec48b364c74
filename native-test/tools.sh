#!/usr/bin/env bash
# Ordinary tools in a compute session on B's view: mv/cp -r/tar/ln/chmod inside and between
# folders, and what the home root (the list of folders) allows.
#   team-edit  A's folder, B has edit          team-full  A's folder, B has edit-delete
#   mine       B's own folder                  scratch    B's own folder (renamed at the root)
. "$(dirname "$0")/lib.sh"
nt_begin

A=a@x.io
B=b@x.io

expect_ok "add user A" sf user add "$A"
expect_ok "add user B" sf user add "$B"

declare -A dir
for spec in "$A team-edit" "$A team-full" "$B mine" "$B scratch"; do
  read -r who name <<<"$spec"
  expect_ok "$who creates $name" sf --as "$who" folder create "$name" || nt_bail "no folder $name"
  dir[$name]="$SHAREFS_HOME/storage/$(created_id)"
  [[ -d "${dir[$name]}" ]] || nt_bail "no backing directory for $name"
done
# Contents, written into the backing directories.
echo "a from A" >"${dir[team-edit]}/a.txt"
echo "b from A" >"${dir[team-full]}/b.txt"
mkdir -p "${dir[team-full]}/tree/sub"
echo "leaf" >"${dir[team-full]}/tree/sub/leaf.txt"
echo "c from B" >"${dir[mine]}/c.txt"
mkdir "${dir[mine]}/dir"
echo "inner" >"${dir[mine]}/dir/inner.txt"
echo "s" >"${dir[scratch]}/s.txt"
# A tarball outside the view for `tar x`: a file, an executable in a subdirectory, a symlink.
mkdir -p "$NT_WORK/tarsrc/pkg/bin"
echo "readme" >"$NT_WORK/tarsrc/pkg/README"
printf '#!/bin/sh\necho run\n' >"$NT_WORK/tarsrc/pkg/bin/run.sh"
chmod 755 "$NT_WORK/tarsrc/pkg/bin/run.sh"
ln -s README "$NT_WORK/tarsrc/pkg/link"
tar cf "$NT_WORK/fixture.tar" -C "$NT_WORK/tarsrc" pkg
chmod 644 "$NT_WORK/fixture.tar"

for spec in "team-edit edit" "team-full edit-delete"; do
  read -r name perm <<<"$spec"
  expect_ok "A invites B to $name with $perm" sf --as "$A" share invite "$name" --to "$B" --perm "$perm" ||
    nt_bail "invite refused"
  expect_ok "B accepts $name" sf --as "$B" invitation accept "$(invited_id)"
done

mount_view "$B" || nt_bail "mount of B's view failed: $ERR"
pass "B's view is mounted"
expect_out --live "session: ls ~ lists all four folders" $'mine\nscratch\nteam-edit\nteam-full' session 'ls ~'

# mv between folders: rename gives EXDEV, so mv copies and then removes the source.
removal_refused() {
  ! _run session 'mv ~/team-edit/a.txt ~/mine/' &&
    [[ "$ERR" == *"cannot remove"*"a.txt"*"Permission denied"* ]]
}
expect_that "session: mv out of an edit folder: the source removal is refused and reported" \
  "mv fails with: cannot remove '.../a.txt': Permission denied" removal_refused
expect_out "session: ... the copy arrived" "a from A" session 'cat ~/mine/a.txt'
expect_out "session: ... and the source is still there" "a.txt" session 'ls ~/team-edit'
expect_ok "session: mv out of an edit-delete folder completes" session 'mv ~/team-full/b.txt ~/mine/'
expect_out "session: ... the file arrived" "b from A" session 'cat ~/mine/b.txt'
expect_no_line "session: ... and left the source folder" "b.txt" session 'ls ~/team-full'
expect_ok "session: mv of a directory out of an owned folder completes" session 'mv ~/mine/dir ~/team-full/'
expect_out "session: ... its file arrived" "inner" session 'cat ~/team-full/dir/inner.txt'
expect_no_line "session: ... and left the owned folder" "dir" session 'ls ~/mine'

# cp -r and tar x.
expect_ok "session: cp -r a tree between folders" session 'cp -r ~/team-full/tree ~/mine/tree-copy'
expect_out "session: ... the copy reads back" "leaf" session 'cat ~/mine/tree-copy/sub/leaf.txt'
expect_ok "session: tar x into an edit folder" session "tar xf '$NT_WORK/fixture.tar' -C ~/team-edit"
expect_out "session: ... files, subdirectories and symlinks came out" $'readme\nreadme' \
  session 'cat ~/team-edit/pkg/README ~/team-edit/pkg/link'
is_executable() { _run session 'ls -l ~/team-edit/pkg/bin/run.sh' && [[ "$OUT" == -rwx* ]]; }
expect_that "session: ... the executable bit survived" "ls -l shows -rwx" is_executable

# Symlinks and hard links.
expect_ok "session: ln -s to a path outside the folder" session 'ln -s /etc/hostname ~/mine/host'
expect_out "session: ... reads resolve in the session (/etc/hostname)" "$(cat /etc/hostname)" \
  session 'cat ~/mine/host'
expect_contains "session: ... ls -l shows the target" "-> /etc/hostname" session 'ls -l ~/mine/host'
expect_ok "session: hard link within a folder" session 'ln ~/mine/c.txt ~/mine/c-hard.txt'
expect_out "session: ... reads the same bytes" "c from B" session 'cat ~/mine/c-hard.txt'
expect_fail "session: hard link across folders is refused" "Invalid cross-device link" \
  session 'ln ~/mine/c.txt ~/team-full/c.txt'

# chmod: permission bits yes, setuid no.
expect_ok "session: chmod of permission bits" session 'chmod 600 ~/mine/c.txt'
expect_fail "session: chmod u+s is refused" "Operation not permitted" session 'chmod u+s ~/mine/c.txt'

# The home root.
expect_ok "session: mv at the root renames an owned folder" session 'mv ~/scratch ~/scratch2'
expect_out --live "session: ... ls ~ shows the new name" "scratch2" session 'ls ~'
expect_fail "session: mv at the root of a shared folder is refused" "Operation not permitted" \
  session 'mv ~/team-edit ~/renamed'
kept_name() { _run session 'ls ~' && grep -qx team-edit <<<"$OUT" && ! grep -qx renamed <<<"$OUT"; }
expect_that "session: ... the shared folder kept its name" "team-edit listed, no renamed" kept_name
expect_fail "session: touch ~/newthing at the root is refused" "Permission denied" session 'touch ~/newthing'
expect_fail "session: rm -r ~/scratch2 does not remove the folder" "Operation not permitted" \
  session 'rm -r ~/scratch2'
expect_out "session: ... scratch2 is still in ~" "scratch2" session 'ls ~'
renamed_and_kept() {
  _run sf --as "$B" folder list --json &&
    [[ "$OUT" == *'"name":"scratch2"'* && "$OUT" != *'"name":"scratch"'* ]]
}
expect_that "sharefs folder list: B owns scratch2 (renamed, not deleted), no scratch" \
  '"name":"scratch2" and no "name":"scratch"' renamed_and_kept

# Only the session's uid may enter.
expect_fail "session as uid 1001: refused entry" "Permission denied" session_as 1001 'ls ~'
expect_fail "session as uid 1001: cannot read a file either" "Permission denied" session_as 1001 'cat ~/mine/c.txt'

expect_ok "umount the view" umount_view

nt_end
