#!/usr/bin/env bash
# Names that are not UTF-8, with ordinary tools in a session: refused with EILSEQ, never taken
# for another name; entries written natively with such names are not listed. Then `folder purge`
# through the node agent of a tree deeper than PATH_MAX, with symlinks pointing out of it.
. "$(dirname "$0")/lib.sh"
nt_begin

A=a@x.io
EILSEQ_TEXT="Invalid or incomplete multibyte or wide character"

expect_ok "add user A" sf user add "$A"
expect_ok "A creates tests" sf --as "$A" folder create tests || nt_bail "no folder"
id="$(created_id)"
back="$SHAREFS_HOME/storage/$id"
# Written natively into the backing directory, as a tool on the host would.
printf ff >"$back/bad"$'\xff'
printf fe >"$back/bad"$'\xfe'
echo good >"$back/good"

mount_view "$A" || nt_bail "mount failed: $ERR"
pass "A's view is mounted"

only_good() { _run session 'ls -A ~/tests' && [[ "$OUT" == good ]]; }
expect_that "session: ls lists neither natively written name that is not UTF-8" "ls -A prints only: good" only_good
expect_fail "session: touch of a new name that is not UTF-8" "$EILSEQ_TEXT" \
  session 'touch "$HOME/tests/$(printf "new\377")"'
expect_fail "session: cat of a natively written one" "$EILSEQ_TEXT" session 'cat "$HOME/tests/$(printf "bad\376")"'
expect_fail "session: mv onto such a name" "$EILSEQ_TEXT" session 'mv ~/tests/good "$HOME/tests/$(printf "x\377")"'
expect_fail "session: mkdir of such a name" "$EILSEQ_TEXT" session 'mkdir "$HOME/tests/$(printf "d\300\257")"'
expect_out "session: ... good is still where it was" "good" session 'cat ~/tests/good'
natively_unchanged() {
  _run ls -A "$back" && [[ "$(wc -l <<<"$OUT")" == 3 ]] &&
    [[ "$(cat "$back/bad"$'\xff')" == ff && "$(cat "$back/bad"$'\xfe')" == fe && "$(cat "$back/good")" == good ]]
}
expect_that "the backing directory holds the same three entries, contents unchanged" "bad\\xff=ff, bad\\xfe=fe, good" \
  natively_unchanged
target_bytes() {
  _run session 'ln -s "$(printf "../\377x")" ~/tests/lnk && readlink ~/tests/lnk | od -An -tx1' &&
    [[ "$(tr -s ' ' <<<"$OUT")" == " 2e 2e 2f ff 78 0a" ]]
}
expect_that "session: a symlink's target that is not UTF-8 is stored and read back as its bytes" \
  "readlink gives 2e 2e 2f ff 78" target_bytes
expect_ok "umount" umount_view

# A tree whose paths join to over 6,000 bytes, with symlinks out of it at every level.
mkdir -p "$NT_WORK/outside" && echo keep >"$NT_WORK/outside/file"
deep_tree() {
  (cd "$back" || exit 1
   for _ in $(seq 300); do
     ln -s "$NT_WORK/outside/file" abs-link && ln -s / root-link && ln -s "$NT_WORK/outside" dir-link &&
       mkdir level-abcdefghijklmn && cd level-abcdefghijklmn || exit 1
   done
   echo "$PWD" | wc -c)
}
_run deep_tree && ((OUT > 6000)) && pass "a 300-level tree is made ($OUT-byte path)" || nt_bail "no deep tree: $ERR"
expect_ok "A deletes tests" sf --as "$A" folder delete tests
expect_ok "A purges tests" sf --as "$A" folder purge tests
expect_that "the bytes are gone from the trash" "no $SHAREFS_HOME/storage/.trash/$id" \
  eval '[[ ! -e "$SHAREFS_HOME/storage/.trash/$id" && ! -L "$SHAREFS_HOME/storage/.trash/$id" ]]'
outside_intact() { _run ls -A "$NT_WORK/outside" && [[ "$OUT" == file && "$(cat "$NT_WORK/outside/file")" == keep ]]; }
expect_that "nothing the symlinks point at was touched" "outside/ holds file with keep" outside_intact
expect_fail "the folder is purged: no longer in the trash" "no trashed folder" sf --as "$A" folder restore tests

nt_end
