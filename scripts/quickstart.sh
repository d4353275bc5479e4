#!/usr/bin/env bash
# The README's quick start: builds tapebackarr and, in a throwaway home, creates a virtual
# tape library with barcoded cartridges, labels two tapes, and defines a pool, a source (a
# small sample tree) and a scheduled job. Needs no hardware and touches nothing outside a
# temporary directory (kept, and printed, at the end).
#
# Backup and restore arrive with the backup and restore issues; this script will grow into
# that full backup → search → restore demo.
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
run vlib create "$demo/vtl" --slots 8 --drives 1 --tapes 4 --capacity 256M
run drive add vd0 --device "vtape:$demo/vtl/drives/0"
run drive load --tape VT0001L8
run tape label WEEK01 --pool weekly
run tape identify
run drive eject
run drive load --tape VT0002L8
run tape label WEEK02 --pool weekly
run tape list
run drive status
run source add sample "$demo/data" --exclude '**/.cache/**'
run job create nightly --source sample --pool weekly --schedule '0 2 * * *' --compression zstd
run job list
run pool show weekly
run audit list
printf '\nDemo home: %s (remove it when done)\n' "$demo"
