#!/usr/bin/env bash
# The README's quick start: builds tapebackarr and sets up a throwaway home with a pool, a
# source (a small sample tree) and a scheduled job, then shows them. Needs no hardware and
# touches nothing outside a temporary directory (kept, and printed, at the end).
#
# Backing up to the built-in virtual tape library arrives with the tape-device and backup
# issues; this script will grow into that full backup → restore demo.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tb=$PWD/target/release/tapebackarr

demo=$(mktemp -d "${TMPDIR:-/tmp}/tapebackarr-demo.XXXXXX")
export TAPEBACKARR_HOME=$demo/home
mkdir -p "$demo/data/docs" "$demo/data/.cache"
printf 'hello tape\n' > "$demo/data/docs/readme.txt"
head -c 100000 /dev/urandom > "$demo/data/docs/blob.bin"

run() { printf '\n$ tapebackarr %s\n' "$*"; "$tb" "$@"; }
run init
run pool create weekly --retention-days 28 --description "weekly rotation"
run source add sample "$demo/data" --exclude '**/.cache/**'
run job create nightly --source sample --pool weekly --schedule '0 2 * * *' --compression zstd
run job list
run pool show weekly
run audit list
printf '\nDemo home: %s (remove it when done)\n' "$demo"
