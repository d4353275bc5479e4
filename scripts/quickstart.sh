#!/usr/bin/env bash
# The README's quick start, and the whole cycle on one command: builds tapebackarr and, in a
# throwaway home, creates a virtual tape library with barcoded cartridges, labels two tapes,
# backs up a small sample tree (full, then incremental), searches the catalog, restores one
# file and the whole set, and verifies the set. Needs no hardware and touches nothing
# outside a temporary directory (kept, and printed, at the end). Fails on the first error.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tb=$PWD/target/release/tapebackarr

demo=$(mktemp -d "${TMPDIR:-/tmp}/tapebackarr-demo.XXXXXX")
export TAPEBACKARR_HOME=$demo/home
mkdir -p "$demo/data/docs" "$demo/data/photos" "$demo/data/.cache"
printf 'hello tape\n' > "$demo/data/docs/readme.txt"
printf 'remember the milk\n' > "$demo/data/docs/notes.txt"
head -c 300000 /dev/urandom > "$demo/data/photos/cat.jpg"
printf 'scratch\n' > "$demo/data/.cache/tmp"

run() { printf '\n$ tapebackarr %s\n' "$*"; "$tb" "$@"; }
run init
run pool create weekly --retention-days 28 --description "weekly rotation"
run vlib create "$demo/vtl" --slots 8 --drives 1 --tapes 4 --capacity 256M
run drive add vd0 --device "vtape:$demo/vtl/drives/0"
run drive load --tape VT0002L8
run tape label WEEK02 --pool weekly
run drive eject
run drive load --tape VT0001L8
run tape label WEEK01 --pool weekly
run tape identify
run source add sample "$demo/data" --exclude '**/.cache/**'
run job create nightly --source sample --pool weekly --schedule '0 2 * * *' --compression zstd
run backup run nightly
printf 'remember the milk and the bread\n' > "$demo/data/docs/notes.txt"
rm "$demo/data/docs/readme.txt"
run backup run nightly --incremental
run backup list
run catalog find notes
run restore --set 1 docs/readme.txt --to "$demo/restore-one"
cmp "$demo/restore-one/docs/readme.txt" <(printf 'hello tape\n')
run restore --job nightly --to "$demo/restore-all" --verify
diff -r --exclude=.cache "$demo/data" "$demo/restore-all"
run verify 1
run tape list
run audit list --limit 5
printf '\nEverything restored byte for byte and verified. Demo home: %s (remove it when done)\n' "$demo"
