#!/usr/bin/env bash
# End-to-end restore benchmark: the real `tapebackarr restore` command (LOCATE, frames, tar
# headers checked against the catalog, BLAKE3 per file, safe extraction) against GNU tar
# extracting the same data, in one run, all on tmpfs so neither a disk nor the page cache is
# what gets measured.
#
# It builds the same tree as benches/backup.sh (about BENCH_MB MB, default 1000: 40% one
# random file, 40% one text file of words, 20% in small files of 100 B-20 KB, 20,000 files
# in 200 directories at the default size), backs it up once raw (--compression none) and
# once with zstd:1, both sets on one labelled tape of a virtual library, and measures:
#
#   1. Single-file restore: `restore --set N small/dMID/fMID50` of one small file from the
#      middle of the small files, reporting tape_bytes_read, tape_blocks_read and locates
#      from the JSON summary. Target for the raw set: the file plus at most two blocks
#      (tape_bytes_read <= size + 2 x 256 KiB) -- GNU tar (and the Go TapeBackarr) read the
#      whole set for one file. For the zstd set the numbers are reported with what one
#      should expect: the block-rounded compressed size of the frame(s) holding the file
#      (from the part's index; at most one 8 MiB frame's unless the file crosses a frame
#      boundary); no target.
#   2. Full restore throughput, best of BENCH_RUNS:
#      - gnu-tar:      tail -c +262145 raw.bin | tar -xf - -C DIR   (raw.bin: `tape dump` of
#                      the raw set's data file, taken once, untimed; the tail skips its
#                      header block and leaves the plain pax archive)
#      - raw:          tapebackarr restore --set RAW --to DIR -q
#      - gnu-tar+zstd: tail -c +262145 zstd.bin | zstd -dc | tar -xf - -C DIR
#      - zstd:         tapebackarr restore --set ZSTD --to DIR -q
#      DIR is on tmpfs and removed between runs (untimed); the variants run in rounds so a
#      slow phase of the machine hits all of them alike (see backup.sh for why best-of-N).
#      MB/s is MB (10^6 bytes) of source (`du -sb`) per second; X_TAR is our throughput
#      over GNU tar's for the same data (raw vs gnu-tar, zstd vs gnu-tar+zstd); RSS_MIB is
#      the highest peak RSS of the runs (/usr/bin/time %M), for a GNU tar pipeline the sum
#      over its processes (tail, zstd, tar); CPU_S is user + system seconds of the best run
#      (for a pipeline, summed). The first round's restores are compared with the tree
#      (`diff -r`, untimed).
#
# Environment:
#   BENCH_MB=1000          size of the tree in MB
#   BENCH_RUNS=3           timed runs per variant; the best (shortest) counts
#   BENCH_DIR=/dev/shm     where the work directory goes (use tmpfs); removed on exit
#   BENCH_TB=PATH          measure this tapebackarr binary (default: a release build of this tree)
#
# Lines starting with RESULT at the end are meant for scripts:
#   RESULT single_file set=raw bytes=… tape_bytes_read=… tape_blocks_read=… locates=… pass=…
#   RESULT variant=raw seconds=… mbps=… ratio=… rss_mib=…
set -euo pipefail
export LC_ALL=C # a '.' decimal point in EPOCHREALTIME, awk and printf

BENCH_MB=${BENCH_MB:-1000}
BENCH_RUNS=${BENCH_RUNS:-3}
base=${BENCH_DIR:-/dev/shm}
BLOCK=262144 # the data block size the sets are written with (checked below)

die() {
    printf 'benches/restore.sh: %s\n' "$*" >&2
    exit 1
}
for v in BENCH_MB BENCH_RUNS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
((BENCH_MB >= 10)) || die "BENCH_MB must be at least 10"
((BENCH_RUNS >= 1 && BENCH_RUNS <= 300)) || die "BENCH_RUNS must be 1 to 300"
for cmd in python3 tar zstd tail awk du df diff cmp; do
    command -v "$cmd" >/dev/null || die "needs $cmd"
done
[[ -x /usr/bin/time ]] || die "needs GNU time as /usr/bin/time (apt-get install time)"
[[ -d $base && -w $base ]] || die "BENCH_DIR '$base' is not a writable directory"

# Space, at its peak: the tree, the tape holding both sets (raw ~1x, zstd ~0.6x), the two
# dumps of the sets' data files (the same again), one restored tree at a time, the catalog,
# and headroom.
need_mb=$((BENCH_MB * 6))
avail_mb=$(($(df -Pk "$base" | awk 'NR == 2 { print $4 }') / 1024))
if ((avail_mb < need_mb)); then
    die "needs about ${need_mb} MB free in $base, but only ${avail_mb} MB are available:" \
        "free some, lower BENCH_MB, or point BENCH_DIR at another tmpfs"
fi
if [[ $(stat -f -c %T "$base") != tmpfs ]]; then
    printf 'warning: %s is not tmpfs: the disk will be part of what is measured\n' "$base" >&2
fi

cd "$(dirname "$0")/.."
work=$(mktemp -d "$base/tapebackarr-restore-bench.XXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=benches/lib.sh
. benches/lib.sh
# jget FILE EXPR: evaluates the Python expression EXPR over `j`, the JSON document in FILE
# (or, for NDJSON, its last line), and prints the result
jget() {
    python3 - "$1" "$2" <<'PY'
import json, sys

text = open(sys.argv[1]).read().strip()
try:
    j = json.loads(text)
except ValueError:
    j = json.loads(text.splitlines()[-1])
print(eval(sys.argv[2], {}, {"j": j}))
PY
}

### The tree (as in benches/backup.sh) ####################################################

tree=$work/tree
mkdir -p "$tree/src/small"
printf 'Building a %d MB tree in %s …\n' "$BENCH_MB" "$tree"
t0=$EPOCHREALTIME
big_bytes=$((BENCH_MB * 400000)) # 40% each for the random and the text file
head -c "$big_bytes" /dev/urandom >"$tree/src/big.random"
python3 benches/make_tree.py "$tree/src" "$big_bytes" "$BENCH_MB"
gen_s=$(elapsed "$t0" "$EPOCHREALTIME")
tree_bytes=$(du -sb "$tree/src" | awk '{ print $1 }')
small_files=$(find "$tree/src/small" -type f | wc -l)
small_dirs=$(find "$tree/src/small" -mindepth 1 -type d | wc -l)
# The file to restore alone: file 50 of the middle directory (small/d100/f10050 at 1000 MB).
mid=$((small_dirs / 2))
one=$(printf 'small/d%03d/f%05d' "$mid" "$((mid * 100 + 50))")
one_bytes=$(stat -c %s "$tree/src/$one")

### Catalog, library, tape, the two sets ##################################################

vtl=$work/vtl
tbq init
tbq pool create bench --description "benches/restore.sh"
tbq vlib create "$vtl" --slots 4 --drives 1 --tapes 1 --capacity 20G
tbq drive add d0 --device "vtape:$vtl/drives/0"
tbq drive load --tape VT0001L8
tbq tape label R0001 --pool bench
tbq source add tree "$tree/src"
tbq job create raw --source tree --pool bench --compression none
tbq job create zstd --source tree --pool bench --compression zstd:1

# backup JOB: one run of the job (both append to the tape in the drive); sets set_id
backup() {
    local rc=0
    printf 'Backing up the tree (%s) …\n' "$1"
    "$tb" --json backup run "$1" >"$work/backup.out" 2>"$work/backup.err" || rc=$?
    if ((rc != 0)); then
        printf 'backup run %s failed (exit %d):\n' "$1" "$rc" >&2
        cat "$work/backup.out" "$work/backup.err" >&2
        exit 1
    fi
    set_id=$(jget "$work/backup.out" 'j["set"]')
}
backup raw
raw_set=$set_id
backup zstd
zstd_set=$set_id

# Each set's place on tape, from `backup show --json`, and a dump of its data file (untimed)
# for GNU tar. GNU tar reads a set's whole data file to find one file in it.
declare -A data_file data_blocks dump_bytes
for v in raw zstd; do
    sid=${v}_set
    "$tb" --json backup show "${!sid}" >"$work/show.json"
    [[ $(jget "$work/show.json" 'len(j["set"]["parts"])') == 1 ]] || die "set ${!sid} spans tapes"
    [[ $(jget "$work/show.json" 'j["set"]["block_size"]') == "$BLOCK" ]] ||
        die "set ${!sid} is not written in $BLOCK-byte blocks"
    data_file[$v]=$(jget "$work/show.json" 'j["set"]["parts"][0]["data_file"]')
    # header block .. last data block; the filemark sits between it and the index
    data_blocks[$v]=$(jget "$work/show.json" \
        'j["set"]["parts"][0]["index_block"] - j["set"]["parts"][0]["header_block"] - 1')
    tbq tape dump --file "${data_file[$v]}" --output "$work/$v.bin"
    dump_bytes[$v]=$(stat -c %s "$work/$v.bin")
done
frame_size=$(jget "$work/show.json" 'j["set"]["frame_size"]')

### 1. One small file #####################################################################

declare -A one_read one_blocks one_locates one_secs one_expect
for v in raw zstd; do
    sid=${v}_set
    rc=0
    "$tb" --json restore --set "${!sid}" "$one" --to "$work/one-$v" \
        >"$work/restore.out" 2>"$work/restore.err" || rc=$?
    if ((rc != 0)); then
        printf 'restore --set %s %s failed (exit %d):\n' "${!sid}" "$one" "$rc" >&2
        cat "$work/restore.out" "$work/restore.err" >&2
        exit 1
    fi
    cmp "$tree/src/$one" "$work/one-$v/$one" || die "the restored $one differs from the original"
    one_read[$v]=$(jget "$work/restore.out" 'j["tape_bytes_read"]')
    one_blocks[$v]=$(jget "$work/restore.out" 'j["tape_blocks_read"]')
    one_locates[$v]=$(jget "$work/restore.out" 'j["locates"]')
    one_secs[$v]=$(jget "$work/restore.out" 'j["duration_secs"]')
    rm -rf "$work/one-$v"
done

# What the zstd restore should read at most: the frames the file's tar entry lies in, each
# rounded up to whole blocks (from the part's index: the frame of the entry's header, its
# offset in it, and every frame's encoded length).
tbq tape dump --file "$((data_file[zstd] + 1))" --output "$work/zstd.index.zst"
zstd -qdc "$work/zstd.index.zst" >"$work/zstd.index"
read -r zstd_frames one_expect_zstd < <(python3 - "$work/zstd.index" "$one" "$BLOCK" <<'PY'
import json, sys

path, name, block = sys.argv[1], sys.argv[2], int(sys.argv[3])
frames, entry, fsize = {}, None, None
for line in open(path):
    r = json.loads(line)
    if r["type"] == "part":
        fsize = r["frame_size"]
    elif r["type"] == "frame":
        frames[r["seq"]] = r["encoded_len"]
    elif r["type"] == "file" and r["path"].get("text") == name:
        entry = r
start = entry["frame"] * fsize + entry["offset"]
end = start + 1536 + entry["size"]  # a pax header, the ustar header, the content (generous)
seqs = range(start // fsize, min((end - 1) // fsize, max(frames)) + 1)
print(len(seqs), sum(-(-frames[s] // block) * block for s in seqs))
PY
)
one_expect[raw]=$((one_bytes + 2 * BLOCK))
one_expect[zstd]=$one_expect_zstd

### 2. Full restores ######################################################################

# run_tar VARIANT DEST: GNU tar extracting the dumped data file of the set (zstd: through
# zstd -dc); sets secs, rss_kb and cpu (summed over the pipeline's processes)
run_tar() {
    local t0 rc=0 f="$work/$1.bin" tm=(/usr/bin/time -f '%e %M %U %S')
    mkdir "$2"
    rm -f "$work"/time.*.out
    t0=$EPOCHREALTIME
    if [[ $1 == raw ]]; then
        "${tm[@]}" -o "$work/time.tail.out" tail -c +$((BLOCK + 1)) "$f" |
            "${tm[@]}" -o "$work/time.tar.out" tar -xf - -C "$2" || rc=$?
    else
        "${tm[@]}" -o "$work/time.tail.out" tail -c +$((BLOCK + 1)) "$f" |
            "${tm[@]}" -o "$work/time.zstd.out" zstd -qdc |
            "${tm[@]}" -o "$work/time.tar.out" tar -xf - -C "$2" || rc=$?
    fi
    secs=$(elapsed "$t0" "$EPOCHREALTIME")
    ((rc == 0)) || die "GNU tar extraction of the $1 set failed (exit $rc)"
    rss_kb=$(awk 'NF == 4 { s += $2 } END { print s }' "$work"/time.*.out)
    cpu=$(awk 'NF == 4 { s += $3 + $4 } END { printf "%.2f", s }' "$work"/time.*.out)
}

# run_ours SET DEST: tapebackarr restore of the whole set; sets secs, rss_kb and cpu
run_ours() {
    local t0 rc=0
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M %U %S' -o "$work/time.out" \
        "$tb" restore --set "$1" --to "$2" -q >"$work/restore.out" 2>"$work/restore.err" || rc=$?
    secs=$(elapsed "$t0" "$EPOCHREALTIME")
    if ((rc != 0)); then
        printf 'restore --set %s failed (exit %d):\n' "$1" "$rc" >&2
        cat "$work/restore.out" "$work/restore.err" >&2
        exit 1
    fi
    rss_kb=$(awk 'END { print $2 }' "$work/time.out")
    cpu=$(awk 'END { printf "%.2f", $3 + $4 }' "$work/time.out")
}

variants=(gnu-tar raw gnu-tar+zstd zstd)
declare -A best bestcpu rss
record() { # VARIANT: keeps the shortest time (and its CPU time) and the highest peak RSS
    timed_cpu=$(awk -v a="$timed_cpu" -v b="$cpu" 'BEGIN { printf "%.1f", a + b }')
    if [[ -z ${best[$1]:-} ]] || awk -v a="$secs" -v b="${best[$1]}" 'BEGIN { exit !(a < b) }'; then
        best[$1]=$secs
        bestcpu[$1]=$cpu
    fi
    if ((rss_kb > ${rss[$1]:-0})); then rss[$1]=$rss_kb; fi
}
# check DEST: the first round's restore must be the tree (untimed)
check() {
    if ((r == 1)); then
        diff -r "$tree/src" "$1" >"$work/diff.out" 2>&1 || {
            head -20 "$work/diff.out" >&2
            die "the restore in $1 differs from the tree"
        }
    fi
    rm -rf "$1"
}

dest=$work/out
busy=0 # CPU-s the whole machine was busy while a timed command ran
timed_cpu=0
for ((r = 1; r <= BENCH_RUNS; r++)); do
    printf 'Round %d/%d:' "$r" "$BENCH_RUNS"
    for v in "${variants[@]}"; do
        b0=$(busy_cpu_s)
        case $v in
            gnu-tar) run_tar raw "$dest" ;;
            gnu-tar+zstd) run_tar zstd "$dest" ;;
            raw) run_ours "$raw_set" "$dest" ;;
            zstd) run_ours "$zstd_set" "$dest" ;;
        esac
        busy=$(awk -v s="$busy" -v a="$b0" -v b="$(busy_cpu_s)" 'BEGIN { printf "%.1f", s + b - a }')
        record "$v"
        printf '%s %s %ss' "$([[ $v == gnu-tar ]] || echo ,)" "$v" "$secs"
        check "$dest"
    done
    printf '\n'
done

### Report ################################################################################

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

printf '\n== tapebackarr restore vs GNU tar (%s) ==\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine: nproc=%s, %s, %s\n' "$(nproc)" "$(uname -sr)" \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')"
printf 'binary:  %s\n' "$("$tb" --version)"
printf 'work:    %s (%s)\n' "$work" "$(stat -f -c %T "$work")"
printf 'tree:    %s MB in %s files (%d small ones in %d dirs), built in %ss\n' \
    "$(mb "$tree_bytes")" "$((small_files + 2))" "$small_files" "$small_dirs" "$gen_s"
printf 'sets:    raw = set %s (tape file %s, %s blocks, %s MB), zstd:1 = set %s (tape file %s, %s blocks, %s MB)\n' \
    "$raw_set" "${data_file[raw]}" "${data_blocks[raw]}" "$(mb "${dump_bytes[raw]}")" \
    "$zstd_set" "${data_file[zstd]}" "${data_blocks[zstd]}" "$(mb "${dump_bytes[zstd]}")"
printf '         block size %d bytes (%s KiB), frame size %s bytes\n' "$BLOCK" "$((BLOCK / 1024))" "$frame_size"

printf '\n-- one file: %s (%d bytes) --\n' "$one" "$one_bytes"
printf '%-8s %14s %8s %8s %9s %14s  %s\n' SET TAPE_BYTES BLOCKS LOCATES SECONDS LIMIT TARGET
results=()
for v in raw zstd; do
    if [[ $v == raw ]]; then
        if ((one_read[raw] <= one_expect[raw])); then pass=PASS; else pass=FAIL; fi
        verdict="$pass (<= file + 2 blocks)"
    else
        pass=-
        verdict="- (expected <= the block-rounded compressed size of the $zstd_frames frame(s) holding it)"
    fi
    printf '%-8s %14s %8s %8s %9s %14s  %s\n' "$v" "${one_read[$v]}" "${one_blocks[$v]}" \
        "${one_locates[$v]}" "${one_secs[$v]}" "${one_expect[$v]}" "$verdict"
    results+=("RESULT single_file set=$v bytes=$one_bytes tape_bytes_read=${one_read[$v]} tape_blocks_read=${one_blocks[$v]} locates=${one_locates[$v]} limit=${one_expect[$v]} pass=$pass")
done
for v in raw zstd; do
    printf '%-8s %14s %8s %8s %9s %14s  %s\n' "gnu-tar" "${dump_bytes[$v]}" "${data_blocks[$v]}" - - - \
        "reads the whole $v set's data file ($(awk -v a="${dump_bytes[$v]}" -v b="${one_read[$v]}" \
            'BEGIN { if (b > 0) printf "%.0f", a / b; else printf "-" }')x ours)"
    results+=("RESULT single_file set=$v reader=gnu-tar tape_bytes_read=${dump_bytes[$v]} tape_blocks_read=${data_blocks[$v]}")
done

printf '\n-- full restore, best of %d --\n' "$BENCH_RUNS"
printf 'cpu:     the machine was busy %s CPU-s while the timed commands ran, %s of them in their processes\n' \
    "$busy" "$timed_cpu"
printf '         (much more means other work shared the machine: noisy numbers)\n\n'
printf '%-13s %9s %7s %9s %8s %9s\n' VARIANT BEST_S CPU_S MB/S X_TAR RSS_MIB
for v in "${variants[@]}"; do
    s=${best[$v]}
    case $v in
        raw) base_s=${best[gnu-tar]} ;;
        zstd) base_s=${best[gnu-tar+zstd]} ;;
        *) base_s=$s ;;
    esac
    mbps=$(awk -v b="$tree_bytes" -v s="$s" 'BEGIN { printf "%.0f", b / 1e6 / s }')
    ratio=$(awk -v t="$base_s" -v s="$s" 'BEGIN { printf "%.2f", t / s }')
    rmib=$(mib "${rss[$v]}")
    printf '%-13s %9s %7s %9s %8s %9s\n' "$v" "$s" "${bestcpu[$v]}" "$mbps" "$ratio" "$rmib"
    results+=("RESULT variant=$v seconds=$s mbps=$mbps ratio=$ratio rss_mib=$rmib")
done

printf '\n'
printf '%s\n' "${results[@]}"
