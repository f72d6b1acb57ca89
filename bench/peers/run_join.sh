#!/usr/bin/env bash
# Runs the db-benchmark (H2O) join questions q1..q5 on gask and its peers
# (DuckDB, Polars, Dask), one at a time, prints question x peer seconds, how many
# times faster gask is than each peer, every peer's peak resident memory (per step
# where the runner reports it, and for the whole process from /usr/bin/time -v),
# and checks that everyone agrees on every answer's row count and sums of v1, v2.
#
#   bench/peers/run_join.sh [SIZE] [PEER...]
#
#   SIZE  rows of x, J1_SIZE_NA_0_0.csv (default 1e7; the generator needs a
#         multiple of 1e6 of at least 1e7)
#   PEER  gask, duckdb, polars, dask (default all four; also "duckdb,polars")
#
#   bench/peers/run_join.sh --check RESULTS_FILE
#
#   only prints the tables and the agreement check of an existing results file
#   (any peer= lines, e.g. with gask's own appended; peers in file order)
#
# Environment:
#   RUNS=N               repetitions per step, the minimum is kept (default 1)
#   GASK_JOIN_DIR        directory of the four J1_SIZE_*_0_0.csv files (made there
#                        by bench/cmd/h2o-datagen if missing); default: its cache,
#                        $GASK_BENCH_DATA or the user cache directory's gask/h2o
#   GASK_PEERS_RESULTS   where the results files go (default bench/peers/results)
#   GASK_DASK_STRINGS    dtype of Dask's id4..id6: category (db-benchmark's, the
#                        default) or object (see dask_join.py --strings)
#
# Exits non-zero if a peer fails or the peers disagree.
set -euo pipefail
shopt -s inherit_errexit
script=run_join
# shellcheck source=bench/peers/lib.sh
source "$(dirname "$0")/lib.sh"
# Paths given relative to the caller's directory, before moving to the root.
if [ -n "${GASK_JOIN_DIR:-}" ]; then GASK_JOIN_DIR=$(abspath "$GASK_JOIN_DIR"); fi
if [ -n "${GASK_PEERS_RESULTS:-}" ]; then GASK_PEERS_RESULTS=$(abspath "$GASK_PEERS_RESULTS"); fi
if [ "${1:-}" = "--check" ] && [ $# -ge 2 ]; then set -- "$1" "$(abspath "$2")" "${@:3}"; fi
cd "$(dirname "$0")/../.."
root=$(pwd)
peersdir=$root/bench/peers

# check_results FILE PEER...: the seconds, speed-up and memory tables and the
# agreement check; fails if the peers disagree.
check_results() {
  local file=$1
  shift
  # Rows must be equal and each sum equal within a relative 1e-6 (float sums
  # differ in their last digits with the summation order). The first peer that
  # answered a step is the reference for it.
  awk -v peerlist="$*" -f "$peersdir/tables.awk" -f /dev/stdin "$file" <<'AWK'
function tolerance(q) { return 1e-6 }
END {
  np = split(peerlist, P, " ")
  nq = split("load q1 q2 q3 q4 q5", Q, " ")
  seconds_table("q1..q5")
  ratio_table("q1..q5")
  memory_table()
  exit agreement("agreement (rows equal; sums of v1, v2 within 1e-6 relative):")
}
AWK
}

if [ "${1:-}" = "--check" ]; then check_recorded $# "${2:-}"; fi

size=1e7
if [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?(e[0-9]+)?$ ]]; then
  size=$1
  shift
fi
peers=()
for a in "$@"; do
  IFS=, read -r -a more <<<"$a"
  peers+=("${more[@]}")
done
if [ ${#peers[@]} -eq 0 ]; then
  peers=(gask duckdb polars dask)
fi
for p in "${peers[@]}"; do
  case $p in
    gask | duckdb | polars | dask) ;;
    *) log "unknown peer '$p' (gask, duckdb, polars, dask)"; exit 2 ;;
  esac
done
runs=${RUNS:-1}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  log "RUNS must be a positive integer, not '$runs'"
  exit 2
fi
case ${GASK_DASK_STRINGS:-category} in
  category | object) ;;
  *) log "GASK_DASK_STRINGS must be category or object"; exit 2 ;;
esac

# --- the data files --------------------------------------------------------------
# bench/cmd/h2o-datagen prints the four paths (x, small, medium, big), one per
# line, generating the files first if they are missing (progress on stderr).
obtain_join() {
  local out
  if [ -n "${GASK_JOIN_DIR:-}" ]; then
    out=$(go run ./bench/cmd/h2o-datagen ensure-join "$size" 0 0 "$GASK_JOIN_DIR")
  else
    out=$(go run ./bench/cmd/h2o-datagen ensure-join "$size" 0 0)
  fi
  printf '%s\n' "$out" | awk 'NF' | tail -n 4
}
data=$(obtain_join)
mapfile -t files <<<"$data"
if [ ${#files[@]} -ne 4 ]; then
  log "expected four paths from h2o-datagen ensure-join, got: ${files[*]}"
  exit 1
fi
for f in "${files[@]}"; do
  if [ ! -s "$f" ]; then
    log "no data file: '$f'"
    exit 1
  fi
  log "data $f ($(wc -c <"$f") bytes)"
done

# --- install / build what is missing ---------------------------------------------
ensure_runners join join

# --- run, one peer at a time -------------------------------------------------------
peer_cmd() {
  case $1 in
    gask) cmd=("$peersdir/gask-join" -runs "$runs" "${files[@]}") ;;
    duckdb) cmd=("$peersdir/duckdb/duckdb-join" --runs "$runs" "${files[@]}") ;;
    polars) cmd=(node "$peersdir/polars/join.mjs" --runs "$runs" "${files[@]}") ;;
    dask) cmd=(/usr/bin/python3 "$peersdir/dask_join.py" --runs "$runs" --strings "${GASK_DASK_STRINGS:-category}" "${files[@]}") ;;
  esac
}
new_results join "join $(for f in "${files[@]}"; do basename "$f"; done | paste -sd' ') runs=$runs dask_strings=${GASK_DASK_STRINGS:-category}"
run_peers

# --- tables and agreement check ----------------------------------------------------
status=0
check_results "$results" "${peers[@]}" || status=1
verdict "$status"
