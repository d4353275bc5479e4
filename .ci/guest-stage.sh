#!/usr/bin/env bash
# The kernel-path stage (issue 8): our release binary against the Linux st, sg and ch drivers.
#
# Starts the tgt lab (../shared/vtl/start-vtl.sh), builds the QEMU guest (../shared/vtl/
# setup-vm.sh) or takes it from the cache, boots it (../shared/vtl/run-guest.sh) and has it run
# .ci/guest/guest-run.sh, which drives /dev/nst0, /dev/sgN and the changer with tapebackarr,
# mt-st, mtx, dd, GNU tar and zstd. The guest prints `RESULT name=… ok=…` lines; this script
# fails unless every expected check reported ok=1 and the guest's total says failed=0.
#
# Usage: .ci/guest-stage.sh            (needs root, tgt, apt; builds the release binary if
#                                       target/release/tapebackarr is missing)
# Env:   BIN                           the binary to test (default target/release/tapebackarr)
#        TAPEBACKARR_VM_CACHE          where the VM is kept (default /var/cache/tapebackarr-vm,
#                                       else ~/.cache/tapebackarr-vm), one dir per kernel
#        GUEST_TIMEOUT                 seconds QEMU may run (default 900)
#        GUEST_LOGS                    where the logs are kept (default target/guest-stage)
#        ACCEL                         tcg (default; KVM hangs on nested hosts) or kvm
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# CI runs from a clean clone with the shared lab beside it.
SHARED=${TAPEBACKARR_SHARED:-$(dirname "$REPO")/shared}
VTL=$SHARED/vtl
BIN=${BIN:-$REPO/target/release/tapebackarr}
LOGS=${GUEST_LOGS:-$REPO/target/guest-stage}
T0=$(date +%s)
say() { printf '[guest-stage +%ss] %s\n' "$(($(date +%s) - T0))" "$*"; }

for f in start-vtl.sh setup-vm.sh run-guest.sh; do
    [ -f "$VTL/$f" ] || { echo "missing $VTL/$f (the shared lab must sit beside the repository)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "the guest stage needs root (tgtd, QEMU's 9p export of /)" >&2; exit 1; }
command -v tgtd >/dev/null || { echo "tgt is not installed (apt-get install tgt)" >&2; exit 1; }

if [ ! -x "$BIN" ]; then
    say "building the release binary"
    (cd "$REPO" && cargo build --release --locked)
fi

# ---- the VM, cached per kernel version -------------------------------------------------------
kernel_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
KPKG=$(kernel_pkg || true)
if [ -z "$KPKG" ]; then
    say "apt-get update (no package lists to find the kernel in)"
    apt-get update -qq
    KPKG=$(kernel_pkg)
fi
KVER=${KPKG#linux-image-}
[ -n "$KVER" ] || { echo "cannot tell the Debian kernel version (apt-cache depends linux-image-amd64)" >&2; exit 1; }
CACHE=${TAPEBACKARR_VM_CACHE:-/var/cache/tapebackarr-vm}
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then CACHE=$HOME/.cache/tapebackarr-vm; fi
case $CACHE in
    /tmp/*) echo "TAPEBACKARR_VM_CACHE must not be under /tmp: the guest mounts a tmpfs there" >&2; exit 1 ;;
esac
VM=$CACHE/$KVER
if [ -f "$VM/initrd.gz" ] && [ -e "$VM/root/boot/vmlinuz" ] && [ -x "$VM/root/bin/mt-st" ]; then
    say "VM cached in $VM"
else
    say "building the VM in $VM (kernel $KVER)"
    rm -rf "$VM"
    if ! bash "$VTL/setup-vm.sh" "$VM" >"$CACHE/setup-$KVER.log" 2>&1; then
        # Stale package lists: the .debs they name are gone from the mirror.
        say "setup-vm.sh failed; apt-get update and once more"
        apt-get update -qq
        rm -rf "$VM"
        bash "$VTL/setup-vm.sh" "$VM" >"$CACHE/setup-$KVER.log" 2>&1 || { cat "$CACHE/setup-$KVER.log"; exit 1; }
    fi
fi

# ---- the lab: tgt, the guest script, the binary ---------------------------------------------
# The guest sees the host's / read-only but its /tmp is a tmpfs: everything it needs from
# /tmp goes into LAB (mounted at /tmp/lab). Short path: tgt's media paths must stay < 128.
LAB=$(mktemp -d /tmp/tbguest.XXXXXX)
rm -rf "$LOGS"
mkdir -p "$LOGS"
QPID=
cleanup() {
    # run-guest.sh execs `timeout`, which puts QEMU in a process group of its own: stop it by
    # pid (QEMU blocked on a vanished iSCSI target ignores TERM, hence KILL after a grace).
    if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
        pkill -TERM -P "$QPID" 2>/dev/null || true
        kill -TERM "$QPID" 2>/dev/null || true
        sleep 2
        pkill -KILL -P "$QPID" 2>/dev/null || true
        kill -KILL "$QPID" 2>/dev/null || true
    fi
    bash "$VTL/start-vtl.sh" stop "$LAB/vtl" >/dev/null 2>&1 || true
    cp "$LAB"/vtl/tgtd.log "$LOGS/" 2>/dev/null || true
    rm -rf "$LAB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$REPO/.ci/guest/guest-run.sh" "$LAB/guest-run.sh"
cp "$BIN" "$LAB/tapebackarr"
{
    echo "BIN=/tmp/lab/tapebackarr"
    echo "VMROOT=$VM/root"
    # Debugging: one pass only, and the backends' traces (on the guest log).
    [ -n "${GUEST_ONLY:-}" ] && echo "GUEST_ONLY=$GUEST_ONLY"
    [ -n "${TAPEBACKARR_ST_TRACE:-}" ] && echo "export TAPEBACKARR_ST_TRACE=$TAPEBACKARR_ST_TRACE"
    [ -n "${TAPEBACKARR_SCSI_TRACE:-}" ] && echo "export TAPEBACKARR_SCSI_TRACE=$TAPEBACKARR_SCSI_TRACE"
    true
} >"$LAB/guest.env"

PORT=
for _ in $(seq 20); do
    p=$((20000 + RANDOM % 20000))
    # 32 MiB cartridges: the sets are small, and `drive selftest` then meets the early
    # warning through st (ENOSPC) and SG_IO (EOM sense) within its 64M bound.
    if TAPE_MB=32 bash "$VTL/start-vtl.sh" "$LAB/vtl" "$p" >"$LOGS/start-vtl.log" 2>&1; then PORT=$p; break; fi
    rm -rf "$LAB/vtl"
done
[ -n "$PORT" ] || { cat "$LOGS/start-vtl.log"; echo "could not start tgt" >&2; exit 1; }
say "tgt on 127.0.0.1:$PORT; booting the guest (ACCEL=${ACCEL:-tcg})"

set +e
TMO=${GUEST_TIMEOUT:-900} bash "$VTL/run-guest.sh" "$VM" "$LAB" "$PORT" </dev/null >"$LOGS/console.log" 2>&1 &
QPID=$!
wait "$QPID"
QRC=$?
QPID=
set -e
cp "$LAB/guest.log" "$LOGS/" 2>/dev/null || true
say "guest finished (qemu rc=$QRC)"

# ---- the verdict -----------------------------------------------------------------------------
EXPECTED="devices nst0_is_lun1 init pool pool2 source jobs library_add library_inventory mtx_agrees
st_empty_drive_add st_empty_status st_empty_remove"
for n in st sg; do
    for c in drive_add drive_identity attach library_load status degraded_positioning tape_label label_barcode \
        tape_identify backup_raw backup_zstd layout restore_raw restore_zstd restore_one_raw restore_one_zstd \
        verify_raw verify_zstd mt_label tar_list_raw tar_extract_raw tar_off_the_drive zstd_cli no_stray_filemarks mt_rewind \
        verify_after_mt; do
        EXPECTED="$EXPECTED ${n}_$c"
    done
done
EXPECTED="$EXPECTED selftest_load_st st_selftest selftest_load_sg sg_selftest"
EXPECTED="$EXPECTED unload_st unload_sg library_inventory_end mtx_agrees_end"

RESULTS=$(tr -d '\r' <"$LOGS/console.log" | grep -E '^RESULT name=|^GUEST RESULT ' || true)
printf '%s\n' "$RESULTS" >"$LOGS/results.txt"
bad=0
for name in $EXPECTED; do
    if printf '%s\n' "$RESULTS" | grep -Eq "^RESULT name=$name ok=1( |\$)"; then
        :
    elif printf '%s\n' "$RESULTS" | grep -q "^RESULT name=$name "; then
        echo "FAILED: $name"; bad=$((bad + 1))
    else
        echo "MISSING: $name (the guest never reported it)"; bad=$((bad + 1))
    fi
done
total=$(printf '%s\n' "$RESULTS" | grep '^GUEST RESULT ' | tail -1)
if ! printf '%s\n' "$total" | grep -q 'failed=0$'; then
    echo "guest total: ${total:-missing}"; bad=$((bad + 1))
fi
if [ "$bad" != 0 ]; then
    echo "=== guest log ($LOGS/guest.log)"; cat "$LOGS/guest.log" 2>/dev/null || true
    echo "=== console (last 60 lines; all in $LOGS/console.log)"; tail -60 "$LOGS/console.log"
    say "FAILED: $bad problem(s)"
    exit 1
fi
say "passed: $(printf '%s\n' "$EXPECTED" | wc -w) checks ($total); logs in $LOGS"
