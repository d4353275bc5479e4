#!/bin/bash
# Runs INSIDE the QEMU guest (tier 4 of ../shared/notes/testing.md), as root, in a chroot onto
# the host's / (read-only), with the lab directory writable at /tmp/lab. The guest kernel's
# st, sg and ch drivers see the tgt LUNs: /dev/nst0 (drive element 500), /dev/nst1 (501) and
# the changer. `.ci/guest-stage.sh` copies this file to LAB/guest-run.sh and writes
# LAB/guest.env (BIN: our release binary, VMROOT: the VM's unpacked .debs for mt-st and mtx).
#
# Output contract, read by the host: one `RESULT name=NAME ok=0|1` line per check, then
# `GUEST RESULT ok=N failed=M`. The host compares the names with its own list, so a check
# that never ran is a failure there, not a silent pass. Details of every command go to
# /tmp/lab/guest.log (kept by the host).
set -u
. /tmp/lab/guest.env
# mt-st and mtx come from the VM's unpacked .debs; appended, so that the host's own tools
# (tar, dd, zstd, python3) win.
export PATH=$PATH:$VMROOT/usr/bin:$VMROOT/usr/sbin:$VMROOT/bin:$VMROOT/sbin
LOG=/tmp/lab/guest.log
W=/tmp/work                      # guest tmpfs: SQLite's WAL needs shared mmap, which 9p lacks
export TAPEBACKARR_HOME=$W/home
mkdir -p "$W"
: >"$LOG"
# The binary into guest RAM: run from the 9p lab share, every start pages it in over 9p.
cp "$BIN" "$W/tapebackarr" && BIN=$W/tapebackarr
# The drive locks live in /run/lock/tapebackarr (root), read-only in this chroot.
mount -t tmpfs tmpfs /run/lock
OK=0
FAILED=0
BS=262144

log() { printf '%s\n' "$*" >>"$LOG"; }
# check NAME CMD...: runs CMD (its output to the log), prints the RESULT line.
check() {
    local name=$1
    shift
    log "---- check $name: $*"
    local t0=$SECONDS
    if "$@" >>"$LOG" 2>&1; then
        echo "RESULT name=$name ok=1 secs=$((SECONDS - t0))"
        OK=$((OK + 1))
    else
        echo "RESULT name=$name ok=0 secs=$((SECONDS - t0))"
        log "---- FAILED $name"
        FAILED=$((FAILED + 1))
    fi
}
# tb ARGS...: our binary, bounded in time (a hung SCSI command must not hang the stage).
tb() { timeout 300 "$BIN" --no-progress "$@"; }
# tbj OUT ARGS...: `tb --json ARGS`, stdout to OUT, the exit status kept.
tbj() {
    local out=$1
    shift
    tb --json "$@" >"$out"
    local rc=$?
    cat "$out"
    return $rc
}
py() { /usr/bin/python3 "$@"; }
# jget FILE EXPR: a value from the last JSON line of FILE (EXPR in Python, `d` the document).
jget() { py -c 'import json,sys; d=json.loads([l for l in open(sys.argv[1]) if l.strip()][-1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# ---- the devices, as the guest kernel names them -------------------------------------------
for g in /sys/class/scsi_generic/sg*; do
    log "$(basename "$g") type=$(cat "$g/device/type") $(cat "$g/device/vendor") $(cat "$g/device/model")"
done
CHG=
for g in /sys/class/scsi_generic/sg*; do
    [ "$(cat "$g/device/type")" = 8 ] && CHG=/dev/$(basename "$g")
done
# The sg node of a tape drive is the scsi_generic child of the st node's SCSI device.
sg_of() { ls "/sys/class/scsi_tape/$1/device/scsi_generic/" 2>/dev/null | head -1; }
SG0=$(sg_of nst0)
SG1=$(sg_of nst1)
found_devices() { [ -n "$CHG" ] && [ -c "$CHG" ] && [ -c /dev/nst0 ] && [ -c /dev/nst1 ] && [ -n "$SG1" ] && [ -c "/dev/$SG1" ]; }
check devices found_devices
log "changer=$CHG nst0=$SG0 nst1=$SG1"
# Element 500 is LUN 1 (serial VTLDRV0001); make sure that is nst0.
serial_of() { tr -dc 'A-Z0-9' <"/sys/class/scsi_tape/$1/device/vpd_pg80"; }
check nst0_is_lun1 sh -c "[ \"\$(tr -dc 'A-Z0-9' </sys/class/scsi_tape/nst0/device/vpd_pg80)\" = VTLDRV0001 ]"

# ---- a small source tree: a 3 MiB file first, so the last file is well into the set ----------
SRC=$W/src
mkdir -p "$SRC/docs" "$SRC/deep/er"
head -c $((3 * 1024 * 1024)) /dev/urandom >"$SRC/a-big.bin"
printf 'notes for the guest test\n' >"$SRC/docs/notes 2024.txt"
seq 1 20000 >"$SRC/deep/er/numbers.txt"
head -c 700000 /dev/urandom >"$SRC/deep/er/z-last.bin"
ln -s ../docs "$SRC/deep/link"

same_tree() { diff -r --no-dereference "$SRC" "$1"; }

# ---- the changer through sg ------------------------------------------------------------------
check init tb init
check pool tb pool create p1
check pool2 tb pool create p2
check source tb source add s "$SRC"
check jobs sh -c "$BIN --no-progress job create raw1 --source s --pool p1 && $BIN --no-progress job create zst1 --source s --pool p1 --compression zstd \
    && $BIN --no-progress job create raw2 --source s --pool p2 && $BIN --no-progress job create zst2 --source s --pool p2 --compression zstd"
check library_add tb library add lib --device "sg:$CHG"
check library_inventory tbj $W/inv.json library inventory lib

# mtx status and our inventory must name the same barcode in every storage slot, mail slot
# and drive, in element order (mtx numbers slots from 1 in that order).
inventory_matches_mtx() {
    local m=$1 inv=$2
    mtx -f "$CHG" status >"$m" || return 1
    cat "$m"
    py - "$m" "$inv" <<'PY'
import json, re, sys
mtx = open(sys.argv[1]).read()
inv = json.loads(open(sys.argv[2]).read())
def ours(kind):
    return [s["barcode"] if s["full"] else None for s in sorted(inv["slots"], key=lambda s: s["element"]) if s["type"] == kind]
theirs = {"storage": [], "import_export": [], "drive": []}
for line in mtx.splitlines():
    m = re.match(r"\s*(Storage Element \d+( IMPORT/EXPORT)?|Data Transfer Element \d+):(Full|Empty)(.*)", line)
    if not m:
        continue
    kind = "drive" if m.group(1).startswith("Data") else "import_export" if m.group(2) else "storage"
    tag = re.search(r"VolumeTag\s*=\s*(\S+)", m.group(4))
    theirs[kind].append((tag.group(1) if tag else "?") if m.group(3) == "Full" else None)
ok = True
for kind in theirs:
    print(kind, "ours", ours(kind), "mtx", theirs[kind])
    ok &= ours(kind) == theirs[kind]
ok &= len(theirs["storage"]) == 8 and sum(1 for b in theirs["storage"] if b) >= 2
sys.exit(0 if ok else 1)
PY
}
check mtx_agrees inventory_matches_mtx $W/mtx1.txt $W/inv.json

# ---- st: an empty drive opens (O_NONBLOCK) and says so --------------------------------------
check st_empty_drive_add tbj $W/empty-add.json drive add empty --device /dev/nst1
check st_empty_status sh -c "$BIN --json --drive empty drive status >$W/empty.json && cat $W/empty.json \
    && [ \"\$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"status\"][\"loaded\"])' $W/empty.json)\" = False ]"
check st_empty_remove tb drive remove empty --yes

# ---- pass 1: the drive through st (/dev/nst0, element 500) ----------------------------------
# pass NAME DEVICE ELEMENT BARCODE LABEL POOL RAWJOB ZJOB NST
pass() {
    local n=$1 dev=$2 el=$3 bc=$4 label=$5 pool=$6 rawjob=$7 zjob=$8 nst=$9
    local d="--drive $n"
    check "${n}_drive_add" tbj $W/$n-add.json drive add "$n" --device "$dev"
    check "${n}_drive_identity" sh -c "grep -q '\"vendor\": \"TGT\"' $W/$n-add.json && grep -q '\"status\": \"ready\"' $W/$n-add.json"
    check "${n}_attach" tb library attach-drive lib --drive "$n" --element "$el"
    check "${n}_library_load" tb $d library load "$bc"
    check "${n}_status" tbj $W/$n-status.json $d drive status
    # tgt has no READ POSITION or LOCATE: the backend must say it counts and spaces.
    check "${n}_degraded_positioning" sh -c "[ \"\$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[\"status\"][\"loaded\"], d[\"capabilities\"][\"read_position\"], d[\"capabilities\"][\"locate\"], d[\"status\"][\"position\"][\"block\"])' $W/$n-status.json)\" = 'True False False 0' ]"
    check "${n}_tape_label" tbj $W/$n-label.json $d tape label "$label" --pool "$pool"
    check "${n}_label_barcode" sh -c "grep -q '\"barcode\": \"$bc\"' $W/$n-label.json"
    check "${n}_tape_identify" sh -c "$BIN --json $d tape identify >$W/$n-ident.json && grep -q '\"state\": \"labeled\"' $W/$n-ident.json"

    check "${n}_backup_raw" tbj $W/$n-raw.json $d backup run "$rawjob"
    check "${n}_backup_zstd" tbj $W/$n-zst.json $d backup run "$zjob"
    local rs zs rf zf
    rs=$(jget $W/$n-raw.json 'd["set"]') rf=$(jget $W/$n-raw.json 'd["file"]')
    zs=$(jget $W/$n-zst.json 'd["set"]') zf=$(jget $W/$n-zst.json 'd["file"]')
    log "$n: raw set $rs in file $rf, zstd set $zs in file $zf"
    # Label in file 0, then data + index per set: no empty tape files from st's close.
    check "${n}_layout" test "$rf:$zf" = "1:3"

    check "${n}_restore_raw" sh -c "$BIN --no-progress $d restore --set $rs --to $W/$n-r1 && diff -r --no-dereference $SRC $W/$n-r1"
    check "${n}_restore_zstd" sh -c "$BIN --no-progress $d restore --set $zs --to $W/$n-r2 && diff -r --no-dereference $SRC $W/$n-r2"
    # One file deep in the set: the drive cannot LOCATE, so the backend spaces there. The bytes
    # must be that file's (BLAKE3 checked by restore, and cmp here).
    check "${n}_restore_one_raw" sh -c "$BIN --json $d restore --set $rs deep/er/z-last.bin --to $W/$n-r3 >$W/$n-one.json; rc=\$?; cat $W/$n-one.json; [ \$rc = 0 ] \
        && cmp $SRC/deep/er/z-last.bin $W/$n-r3/deep/er/z-last.bin && [ ! -e $W/$n-r3/a-big.bin ] \
        && /usr/bin/python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]; sys.exit(0 if d[\"restored\"]==1 and d[\"locates\"]>=1 and d[\"tape_blocks_read\"]<=4 else 1)' $W/$n-one.json"
    check "${n}_restore_one_zstd" sh -c "$BIN --no-progress $d restore --set $zs 'docs/notes 2024.txt' --to $W/$n-r4 && cmp '$SRC/docs/notes 2024.txt' '$W/$n-r4/docs/notes 2024.txt'"
    check "${n}_verify_raw" tb $d verify "$rs"
    check "${n}_verify_zstd" tb $d verify "$zs"

    # ---- interop: mt-st, dd and GNU tar as docs/RECOVERY.md says --------------------------
    local t=/dev/$nst
    check "${n}_mt_label" sh -c "mt-st -f $t rewind && [ \"\$(dd if=$t bs=256k count=1 2>/dev/null | head -1)\" = 'TAPEBACKARR-LABEL v1' ]"
    # dd's skip=1 cannot skip a block on a tape (st accepts lseek and ignores it); the log
    # shows what it yields, the checks use docs/RECOVERY.md's `dd | tail -c +262145`.
    mt-st -f $t rewind && mt-st -f $t fsf $rf && log "$n: dd skip=1 on $t starts with: $(dd if=$t bs=256k skip=1 count=1 2>/dev/null | head -c 19)"
    check "${n}_tar_list_raw" sh -c "mt-st -f $t rewind && mt-st -f $t fsf $rf && dd if=$t bs=256k 2>/dev/null | tail -c +262145 | tar tf - | sort >$W/$n-tar.txt \
        && grep -qx 'deep/er/z-last.bin' $W/$n-tar.txt && grep -qx 'a-big.bin' $W/$n-tar.txt && grep -qx 'docs/notes 2024.txt' $W/$n-tar.txt"
    check "${n}_tar_extract_raw" sh -c "mkdir -p $W/$n-t && mt-st -f $t rewind && mt-st -f $t fsf $rf && dd if=$t bs=256k 2>/dev/null | tail -c +262145 | tar xf - -C $W/$n-t \
        && diff -r --no-dereference $SRC $W/$n-t"
    # GNU tar straight off the drive, the header block skipped by mt (RECOVERY.md's other way).
    check "${n}_tar_off_the_drive" sh -c "mkdir -p $W/$n-d && mt-st -f $t rewind && mt-st -f $t fsf $rf && mt-st -f $t fsr 1 \
        && tar -b 512 -xf $t -C $W/$n-d && diff -r --no-dereference $SRC $W/$n-d"
    check "${n}_zstd_cli" sh -c "mkdir -p $W/$n-z && mt-st -f $t rewind && mt-st -f $t fsf $zf && dd if=$t bs=256k 2>/dev/null | tail -c +262145 | zstd -dc | tar xf - -C $W/$n-z \
        && diff -r --no-dereference $SRC $W/$n-z"
    # Five tape files, then end of data: fsf 5 works, fsf 6 runs into end of data. (A read
    # there is no test through st on tgt: see data_read_outcome in src/tape/st.rs.)
    check "${n}_no_stray_filemarks" sh -c "mt-st -f $t rewind && mt-st -f $t fsf 5 && mt-st -f $t rewind && ! mt-st -f $t fsf 6"
    check "${n}_mt_rewind" mt-st -f "$t" rewind
    # Our binary again after the other tools moved the tape.
    check "${n}_verify_after_mt" tb $d verify "$rs" --quick
}

# GUEST_ONLY=st|sg (debugging; the host then reports the other pass's checks as missing).
if [ "${GUEST_ONLY:-st}" = st ]; then
    pass st /dev/nst0 500 TB0001L8 W1 p1 raw1 zst1 nst0
fi
if [ "${GUEST_ONLY:-sg}" = sg ]; then
    pass sg "sg:/dev/$SG1" 501 TB0002L8 W2 p2 raw2 zst2 nst1
fi

# ---- drive selftest through both kernel paths (overwrites the test tapes: last) --------------
# The test tapes hold sets (never a selftest tape): two blank cartridges of the changer.
reload() { tb --drive "$1" library unload && tb --drive "$1" library load "$2"; }
check selftest_load_st reload st TB0003L8
# Every step must pass, and the early warning must come within the bound (32 MiB tapes).
selftest() {
    tb --drive "$1" --json drive selftest --max-size 64M --yes >"$W/selftest-$1.json" || return 1
    grep -q 'early warning after' "$W/selftest-$1.json"
}
check st_selftest selftest st
check selftest_load_sg reload sg TB0004L8
check sg_selftest selftest sg

# ---- the changer again ----------------------------------------------------------------------
check unload_st tb --drive st library unload
check unload_sg tb --drive sg library unload
check library_inventory_end tbj $W/inv2.json library inventory lib
check mtx_agrees_end inventory_matches_mtx $W/mtx2.txt $W/inv2.json

echo "GUEST RESULT ok=$OK failed=$FAILED"
