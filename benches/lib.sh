# shellcheck shell=bash disable=SC2154  # $work comes from the sourcing script
# Shared by benches/backup.sh and benches/restore.sh (sourced after `cd` to the repository,
# with $work set): the binary under test and the timing helpers.

# A release build, copied into $work so that a rebuild elsewhere during the run cannot swap
# the binary under us; a home of its own in $work; `tbq` runs it quietly. BENCH_TB=PATH
# measures that binary instead (another commit's build, to compare two in one sitting).
if [ -n "${BENCH_TB:-}" ]; then
    cp "$BENCH_TB" "$work/tapebackarr"
else
    cargo build --release --quiet
    cp target/release/tapebackarr "$work/tapebackarr"
fi
tb=$work/tapebackarr
export TAPEBACKARR_HOME=$work/home
unset TAPEBACKARR_DRIVE TAPEBACKARR_PASSWORD_FILE TAPEBACKARR_VTAPE_FAULTS
tbq() { "$tb" -q "$@"; }

# elapsed T0 T1: seconds between two EPOCHREALTIME stamps
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# busy_cpu_s: CPU seconds the whole machine has spent busy since boot (all cores)
busy_cpu_s() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
