#!/usr/bin/env bash
# The everyday tools that replace or delete files, in an `edit` folder (write, no deleting) and
# in an `edit-delete` folder: git, sqlite3, an atomic save (temp file renamed over the
# original), tar -x, cp -r and rsync -a. In `edit` each check states which command fails, with
# which message and exit code, what it leaves behind, and that the owner's data is intact; in
# `edit-delete` the same work completes. The README's table of everyday tools rests on this test.
#   ed    A's folder, B has edit          full  A's folder, B has edit-delete
# The owner's content is written straight into the backing directories, as A would have left it.
. "$(dirname "$0")/lib.sh"
nt_begin

A=a@x.io
B=b@x.io
GIT_B='git -c user.name=B -c user.email=b@x.io'

expect_ok "add user A" sf user add "$A"
expect_ok "add user B" sf user add "$B"

declare -A dir
for spec in "ed edit" "full edit-delete"; do
  read -r name perm <<<"$spec"
  expect_ok "A creates $name" sf --as "$A" folder create "$name" || nt_bail "no folder $name"
  dir[$name]="$SHAREFS_HOME/storage/$(created_id)"
  [[ -d "${dir[$name]}" ]] || nt_bail "no backing directory for $name"
  expect_ok "A invites B to $name with $perm" sf --as "$A" share invite "$name" --to "$B" --perm "$perm" ||
    nt_bail "invite refused"
  expect_ok "B accepts $name" sf --as "$B" invitation accept "$(invited_id)"
done

# old_tree DIR: the owner's tree that the tools below overwrite. Old mtimes, so rsync's quick
# check (size and mtime) cannot skip a file whose new content has the same size.
old_tree() {
  mkdir -p "$1/sub"
  echo oldtop >"$1/top"
  echo oldleaf >"$1/sub/leaf"
  touch -d 2000-01-01 "$1/top" "$1/sub/leaf"
}
for name in ed full; do
  d="${dir[$name]}"
  # A git repository with one commit. Its index records uid 0; through the view the files are
  # uid 1000, so a `git status` there always finds stat data to refresh and rewrites the index.
  for repo in repo repo2; do
    git init -q "$d/$repo" && echo one >"$d/$repo/f" && git -C "$d/$repo" add f &&
      git -C "$d/$repo" -c user.name=A -c user.email="$A" commit -q -m f1 || nt_bail "no owner's git repo"
  done
  sqlite3 "$d/data.db" 'CREATE TABLE t(x); INSERT INTO t VALUES(1);' || nt_bail "no owner's database"
  sqlite3 "$d/wal.db" 'PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(1);' >/dev/null ||
    nt_bail "no owner's WAL database"
  echo old >"$d/notes.txt"
  old_tree "$d/tree"     # the tarball below holds tree/
  old_tree "$d/cptree"
  old_tree "$d/rstree"
done
# The new tree, outside the view: the source of cp -r and rsync -a, and the tarball for tar -x.
SRC="$NT_WORK/src/tree"
mkdir -p "$SRC/sub"
echo newtop >"$SRC/top"
echo newleaf >"$SRC/sub/leaf"
echo extra >"$SRC/sub/extra"
tar cf "$NT_WORK/tree.tar" -C "$NT_WORK/src" tree
chmod -R a+rX "$NT_WORK/src" "$NT_WORK/tree.tar"
# An atomic save, the way editors and most libraries do it: write PATH.tmp, os.replace over PATH.
cat >"$NT_WORK/atomic_save.py" <<'EOF'
import os, sys
path, text = sys.argv[1], sys.argv[2]
with open(path + ".tmp", "w") as f:
    f.write(text + "\n")
os.replace(path + ".tmp", path)
EOF
chmod 644 "$NT_WORK/atomic_save.py"
SAVE="python3 '$NT_WORK/atomic_save.py'"

mount_view "$B" || nt_bail "mount of B's view failed: $ERR"
pass "B's view is mounted"
expect_out --live "session: ls ~ lists both folders" $'ed\nfull' session 'ls ~'

# exits_with RC PATTERNS 'SESSION COMMAND': the command exits with exactly RC, and each line of
# PATTERNS (a bash glob; brackets escaped) matches a whole line of its stderr.
exits_with() {
  local rc="$1" patterns="$2" p l found
  _run session "$3"
  ((RC == rc)) || return 1
  while IFS= read -r p; do
    [[ -z "$p" ]] && continue
    found=0
    while IFS= read -r l; do
      # shellcheck disable=SC2053 # p is a glob on purpose
      [[ "$l" == $p ]] && found=1 && break
    done <<<"$ERR"
    ((found)) || return 1
  done <<<"$patterns"
}
# prints_exactly TEXT 'SESSION COMMAND': success, and stdout is exactly TEXT.
prints_exactly() {
  _run session "$2" && [[ "$OUT" == "$1" ]]
}

# --- git ----------------------------------------------------------------------------------------
# Git replaces config, index and refs by renaming a lock file over them: no setting avoids it.
expect_that "edit: git init fails: config.lock cannot be renamed over config" \
  "exit 128, could not write config file" exits_with 128 \
  "error: could not write config file /home/work/ed/new/.git/config: Permission denied
fatal: could not set 'core.filemode' to 'true'" 'cd ~/ed && git init -q new'
expect_out "edit: ... and leaves .git/config.lock, which B cannot remove" "config.lock" session 'ls ~/ed/new/.git'
expect_that "edit: git clone fails the same way" "exit 128, could not write config file" exits_with 128 \
  "error: could not write config file /home/work/ed/clone/.git/config: Permission denied
fatal: could not set 'core.filemode' to 'true'" 'cd ~/ed && git clone -q repo2 clone'
expect_ok "edit: git log in the owner's repository reads" session 'cd ~/ed/repo && git log --oneline'
expect_ok "edit: B edits a tracked file (a write, allowed)" session 'echo two >>~/ed/repo/f'
expect_that "edit: git add fails: index.lock cannot be renamed over the index" \
  "exit 128, Unable to write new index file" exits_with 128 \
  "warning: unable to unlink '.git/objects/81/tmp_obj_*': Permission denied
warning: unable to unlink '/home/work/ed/repo/.git/index.lock': Permission denied
fatal: Unable to write new index file" 'cd ~/ed/repo && git add f'
expect_that "edit: ... the index.lock it left makes git commit fail" "exit 128, index.lock: File exists" \
  exits_with 128 "fatal: Unable to create '/home/work/ed/repo/.git/index.lock': File exists." \
  "cd ~/ed/repo && $GIT_B commit -q -am f2"
expect_that "edit: ... the owner's history is intact: HEAD is still f1" "git log prints f1" \
  prints_exactly f1 'cd ~/ed/repo && git log --format=%s'
expect_that "edit: ... and git fsck finds no error (one dangling blob from git add)" "fsck prints one dangling blob" \
  prints_exactly "dangling blob 814f4a422927b82f5f8a43f8fab6d3839e3983f2" 'cd ~/ed/repo && git fsck 2>&1'
expect_that "edit: ... and the committed f is the owner's" "git show HEAD:f prints one" \
  prints_exactly one 'cd ~/ed/repo && git show HEAD:f'
expect_ok "edit: git --no-optional-locks status reads without taking a lock" \
  session 'cd ~/ed/repo2 && git --no-optional-locks status --short && ! test -e .git/index.lock'
expect_that "edit: plain git status refreshes the index and cannot remove its lock" \
  "exit 0, unable to unlink index.lock" exits_with 0 \
  "warning: unable to unlink '/home/work/ed/repo2/.git/index.lock': Permission denied" 'cd ~/ed/repo2 && git status --short'
expect_ok "edit: ... and leaves .git/index.lock behind" session 'test -f ~/ed/repo2/.git/index.lock'

expect_ok "edit-delete: git init, add, commit" \
  session "cd ~/full && git init -q new && cd new && echo hello >g && git add g && $GIT_B commit -q -m first"
expect_that "edit-delete: ... git log shows the commit" "git log prints first" \
  prints_exactly first 'cd ~/full/new && git log --format=%s'
expect_ok "edit-delete: commit in the owner's repository" \
  session "cd ~/full/repo && echo two >>f && git add f && $GIT_B commit -q -m f2"
expect_that "edit-delete: ... git log shows both commits" "git log prints f2, f1" \
  prints_exactly $'f2\nf1' 'cd ~/full/repo && git log --format=%s'
expect_that "edit-delete: ... the tree is clean and no lock is left" "status and ls of locks print nothing" \
  prints_exactly "" 'cd ~/full/repo && git status --short && ! ls .git | grep lock'

# --- sqlite3 ------------------------------------------------------------------------------------
# The default journal mode (DELETE) commits by deleting DB-journal. Exit 10 is SQLITE_IOERR.
expect_that "edit: sqlite3 insert in default journal mode fails" "exit 10, disk I/O error" \
  exits_with 10 "Error: stepping, disk I/O error (10)" "cd ~/ed && sqlite3 data.db 'INSERT INTO t VALUES(2)'"
expect_ok "edit: ... and leaves data.db-journal behind" session 'test -s ~/ed/data.db-journal'
expect_that "edit: ... after which even a read fails (the journal is hot and cannot be removed)" \
  "exit 10, disk I/O error" exits_with 10 "Error: in prepare, disk I/O error (10)" \
  "cd ~/ed && sqlite3 data.db 'SELECT x FROM t'"
expect_that "edit: sqlite3 create table in a new database fails the same way" "exit 10, disk I/O error" \
  exits_with 10 "Error: stepping, disk I/O error (10)" "cd ~/ed && sqlite3 new.db 'CREATE TABLE t(x)'"
expect_that "edit: switching a database to WAL fails the same way" "exit 10, disk I/O error" \
  exits_with 10 "Error: stepping, disk I/O error (10)" \
  "cd ~/ed && sqlite3 w.db 'PRAGMA journal_mode=WAL; CREATE TABLE t(x)'"
TRUNC="sqlite3 -cmd 'PRAGMA journal_mode=TRUNCATE'"
expect_that "edit: with journal_mode=TRUNCATE on each connection: create, insert and read work" \
  "prints truncate, truncate, 7" prints_exactly $'truncate\ntruncate\n7' \
  "cd ~/ed && $TRUNC t.db 'CREATE TABLE t(x); INSERT INTO t VALUES(7)' && $TRUNC t.db 'SELECT x FROM t'"
MEM="sqlite3 -cmd 'PRAGMA journal_mode=MEMORY'"
expect_that "edit: with journal_mode=MEMORY on each connection: create, insert and read work" \
  "prints memory, memory, 8" prints_exactly $'memory\nmemory\n8' \
  "cd ~/ed && $MEM m.db 'CREATE TABLE t(x); INSERT INTO t VALUES(8)' && $MEM m.db 'SELECT x FROM t'"
expect_that "edit: a database that is already in WAL mode takes an insert" "prints 1, 2" \
  prints_exactly $'1\n2' "cd ~/ed && sqlite3 wal.db 'INSERT INTO t VALUES(2)' && sqlite3 wal.db 'SELECT x FROM t'"

expect_that "edit-delete: sqlite3 create table, insert, read in default journal mode" "prints 42" \
  prints_exactly 42 "cd ~/full && sqlite3 new.db 'CREATE TABLE t(x); INSERT INTO t VALUES(42)' && sqlite3 new.db 'SELECT x FROM t'"
expect_that "edit-delete: insert into the owner's database" "prints 1, 2" \
  prints_exactly $'1\n2' "cd ~/full && sqlite3 data.db 'INSERT INTO t VALUES(2)' && sqlite3 data.db 'SELECT x FROM t'"
expect_that "edit-delete: ... no journal is left" "ls prints data.db, new.db" \
  prints_exactly $'data.db\nnew.db' 'cd ~/full && ls data.db* new.db*'

# --- an atomic save -----------------------------------------------------------------------------
expect_that "edit: atomic save: os.replace over the original is refused" "exit 1, PermissionError" \
  exits_with 1 "PermissionError: \[Errno 13\] Permission denied: '/home/work/ed/notes.txt.tmp' -> '/home/work/ed/notes.txt'" \
  "$SAVE ~/ed/notes.txt new"
expect_that "edit: ... the original keeps its content" "cat prints old" prints_exactly old 'cat ~/ed/notes.txt'
expect_that "edit: ... and the temp file stays, with the new content" "cat prints new" \
  prints_exactly new 'cat ~/ed/notes.txt.tmp'
expect_ok "edit: saving in place instead works" session 'echo new >~/ed/notes.txt'
expect_that "edit: ... the file has the new content" "cat prints new" prints_exactly new 'cat ~/ed/notes.txt'

expect_ok "edit-delete: atomic save" session "$SAVE ~/full/notes.txt new"
expect_that "edit-delete: ... the file has the new content and no temp file is left" "prints new, notes.txt" \
  prints_exactly $'new\nnotes.txt' 'cat ~/full/notes.txt && ls ~/full | grep notes'

# --- tar -x over existing files -----------------------------------------------------------------
# GNU tar creates each file with O_EXCL and, when it exists, unlinks it and tries again.
expect_that "edit: tar -x over existing files fails on each of them" "exit 2, Cannot open: File exists" \
  exits_with 2 "tar: tree/top: Cannot open: File exists
tar: tree/sub/leaf: Cannot open: File exists
tar: Exiting with failure status due to previous errors" \
  "cd ~/ed && tar -xf '$NT_WORK/tree.tar'"
expect_that "edit: ... the existing files keep their content; the new file came out" \
  "prints oldtop, oldleaf, extra" prints_exactly $'oldtop\noldleaf\nextra' 'cd ~/ed/tree && cat top sub/leaf sub/extra'
expect_ok "edit: tar --overwrite -x writes into the existing files instead" \
  session "cd ~/ed && tar --overwrite -xf '$NT_WORK/tree.tar' && diff -r '$SRC' tree"

expect_ok "edit-delete: tar -x over existing files, the trees are identical" \
  session "cd ~/full && tar -xf '$NT_WORK/tree.tar' && diff -r '$SRC' tree"

# --- cp -r --------------------------------------------------------------------------------------
# cp opens an existing target with O_TRUNC and writes into it: nothing is removed or replaced.
for spec in "ed edit" "full edit-delete"; do
  read -r name perm <<<"$spec"
  expect_ok "$perm: cp -r of a new tree, the trees are identical" \
    session "cp -r '$SRC' ~/$name/cpnew && diff -r '$SRC' ~/$name/cpnew"
  expect_ok "$perm: cp -r over an existing tree, the trees are identical" \
    session "cp -r '$SRC/.' ~/$name/cptree && diff -r '$SRC' ~/$name/cptree"
done

# --- rsync -a -----------------------------------------------------------------------------------
# rsync writes each file to .NAME.XXXXXX and renames it over NAME.
expect_ok "edit: rsync -a of a new tree, the trees are identical" \
  session "rsync -a '$SRC/' ~/ed/rsnew/ && diff -r '$SRC' ~/ed/rsnew"
expect_that "edit: rsync -a over existing files fails to rename its temp files over them" \
  "exit 23, rename ... Permission denied (13)" exits_with 23 \
  'rsync: \[receiver\] rename "/home/work/ed/rstree/.top.??????" -> "top": Permission denied (13)
rsync: \[receiver\] rename "/home/work/ed/rstree/sub/.leaf.??????" -> "sub/leaf": Permission denied (13)
rsync error: some files/attrs were not transferred (see previous errors) (code 23) at *' \
  "rsync -a '$SRC/' ~/ed/rstree/"
expect_that "edit: ... the existing files keep their content; the new file came in" \
  "prints oldtop, oldleaf, extra" prints_exactly $'oldtop\noldleaf\nextra' 'cd ~/ed/rstree && cat top sub/leaf sub/extra'
leftover_temps() {
  _run session 'cd ~/ed/rstree && ls -A . sub' &&
    [[ "$OUT" == $'.:\n.top.'??????$'\nsub\ntop\n\nsub:\n.leaf.'??????$'\nextra\nleaf' ]]
}
expect_that "edit: ... and its temp files stay beside them" ".top.XXXXXX and sub/.leaf.XXXXXX listed" leftover_temps
expect_ok "edit: rsync -a --inplace writes into the existing files instead" \
  session "rsync -a --inplace '$SRC/' ~/ed/rstree/ && diff -r -x '.*.??????' '$SRC' ~/ed/rstree"

expect_ok "edit-delete: rsync -a of a new tree, the trees are identical" \
  session "rsync -a '$SRC/' ~/full/rsnew/ && diff -r '$SRC' ~/full/rsnew"
expect_ok "edit-delete: rsync -a over existing files, the trees are identical (no temp files left)" \
  session "rsync -a '$SRC/' ~/full/rstree/ && diff -r '$SRC' ~/full/rstree"

# --- what edit-delete repairs -------------------------------------------------------------------
# Once B may delete in ed, opening the database rolls the failed insert back with the hot journal.
expect_ok "A gives B edit-delete on ed" sf --as "$A" share set ed "$B" --perm edit-delete
expect_that --live "edit, now edit-delete: the owner's database reads its one row again" "prints 1" \
  prints_exactly 1 "cd ~/ed && sqlite3 data.db 'SELECT x FROM t'"
expect_ok "edit, now edit-delete: ... and the journal is gone" session '! test -e ~/ed/data.db-journal'
expect_ok "edit, now edit-delete: removing index.lock lets git commit again" \
  session "cd ~/ed/repo && rm .git/index.lock && git add f && $GIT_B commit -q -m f2"
expect_that "edit, now edit-delete: ... git log shows both commits" "git log prints f2, f1" \
  prints_exactly $'f2\nf1' 'cd ~/ed/repo && git log --format=%s'

expect_ok "umount the view" umount_view

nt_end
