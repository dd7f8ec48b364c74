#!/usr/bin/env bash
# Names that are not UTF-8, with ordinary tools in a session. On the kernel engine names are
# bytes: each such name round-trips exactly. On libfuse2 (Java strings) they are refused with
# EILSEQ, never taken for another name, and entries written natively with such names are not
# listed. Then `folder purge` through the node agent of a tree deeper than PATH_MAX, with
# symlinks pointing out of it.
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

mount_engine || nt_bail "$ERR"
if [[ "$ENGINE" == kernel ]]; then
  # The session's LC_ALL=C sorts by bytes: bad\xfe, bad\xff, good.
  listed_as_bytes() {
    _run session 'ls -A ~/tests | od -An -tx1 | tr -d " \n"' && [[ "$OUT" == 626164fe0a626164ff0a676f6f640a ]]
  }
  expect_that "session: ls lists both natively written names that are not UTF-8, as their bytes" \
    "bad\\xfe, bad\\xff, good" listed_as_bytes
  expect_ok "session: touch of a new name that is not UTF-8" session 'touch "$HOME/tests/$(printf "new\377")"'
  expect_out "session: cat of a natively written one" "fe" session 'cat "$HOME/tests/$(printf "bad\376")"'
  expect_ok "session: mv onto such a name, and back" \
    session 'mv ~/tests/good "$HOME/tests/$(printf "x\377")" && mv "$HOME/tests/$(printf "x\377")" ~/tests/good'
  expect_ok "session: mkdir of such a name" session 'mkdir "$HOME/tests/$(printf "d\300\257")"'
  expect_out "session: ... good is still where it was" "good" session 'cat ~/tests/good'
  natively_the_same_bytes() {
    _run ls -A "$back" && [[ "$(wc -l <<<"$OUT")" == 5 ]] && [[ -f "$back/new"$'\xff' && -d "$back/d"$'\xc0\xaf' ]] &&
      [[ "$(cat "$back/bad"$'\xff')" == ff && "$(cat "$back/bad"$'\xfe')" == fe && "$(cat "$back/good")" == good ]]
  }
  expect_that "the backing directory holds the new names with the same bytes, contents unchanged" \
    "bad\\xff=ff, bad\\xfe=fe, good, new\\xff, d\\xc0\\xaf/" natively_the_same_bytes
else
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
fi
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
