#!/usr/bin/env bash
# Runs the db-benchmark (H2O) group-by questions q1..q10 on gask and its peers
# (DuckDB, Polars, Dask), one at a time, prints question x peer seconds, how many
# times faster gask is than each peer, gask's peak memory against the size of the
# loaded data, and checks that everyone agrees on every answer's row count and
# column sums.
#
#   bench/peers/run_groupby.sh [SIZE] [PEER...]
#
#   SIZE  rows of the G1_SIZE_1e2_0_0.csv file: 1e5, 1e6, 1e7 (default 1e7)
#   PEER  gask, duckdb, polars, dask (default all four; also "gask,duckdb")
#
#   bench/peers/run_groupby.sh --check RESULTS_FILE
#
#   only prints the table and the agreement check of an existing results file
#   (any peer= lines, e.g. with gask's own appended; peers in file order)
#
# Environment:
#   RUNS=N               repetitions per question, the minimum is kept (default 1)
#   GASK_GROUPBY_CSV     use this CSV instead of obtaining one for SIZE
#   GASK_BENCH_DATA      the data cache (bench/cmd/h2o-datagen's, or the
#                        shared generator's: default ~/.cache/gask/h2o)
#   GASK_PEERS_RESULTS   where the results files go (default bench/peers/results)
#
# Exits non-zero if a peer fails or the peers disagree.
set -euo pipefail
shopt -s inherit_errexit
script=run_groupby
# shellcheck source=bench/peers/lib.sh
source "$(dirname "$0")/lib.sh"
# Paths given relative to the caller's directory, before moving to the root.
if [ -n "${GASK_GROUPBY_CSV:-}" ]; then GASK_GROUPBY_CSV=$(abspath "$GASK_GROUPBY_CSV"); fi
if [ -n "${GASK_PEERS_RESULTS:-}" ]; then GASK_PEERS_RESULTS=$(abspath "$GASK_PEERS_RESULTS"); fi
if [ "${1:-}" = "--check" ] && [ $# -ge 2 ]; then set -- "$1" "$(abspath "$2")" "${@:3}"; fi
cd "$(dirname "$0")/../.."
root=$(pwd)
peersdir=$root/bench/peers

# check_results FILE PEER...: the seconds table and the agreement check; fails
# if the peers disagree.
check_results() {
  local file=$1
  shift
  # Rows must be equal; each sum equal within a relative 1e-6, or 1e-3 for q6
  # (median, sd) and q9 (corr), whose algorithms differ between the peers. The
  # first peer that answered a question is the reference for it.
  awk -v peerlist="$*" -f "$peersdir/tables.awk" -f /dev/stdin "$file" <<'AWK'
function tolerance(q) { return (q == "q6" || q == "q9") ? 1e-3 : 1e-6 }
END {
  np = split(peerlist, P, " ")
  nq = split("load q1 q2 q3 q4 q5 q6 q7 q8 q9 q10", Q, " ")
  seconds_table("q1..q10")
  ratio_table("q1..q10")
  memory_table()
  if (arrow["gask"] > 0) {
    printf "\ngask peak resident memory / loaded Arrow data (%d MiB):\n", arrow["gask"]
    for (i = 1; i <= nq; i++) if (peak[Q[i], "gask"] > 0) printf "%-10s %6d MiB %5.2fx\n", Q[i], peak[Q[i], "gask"], peak[Q[i], "gask"] / arrow["gask"]
  }
  exit agreement("agreement (rows equal; sums within 1e-6 relative, 1e-3 for q6 and q9):")
}
AWK
}

if [ "${1:-}" = "--check" ]; then check_recorded $# "${2:-}"; fi

size=${1:-1e7}
shift || true
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
    *) echo "run_groupby: unknown peer '$p' (gask, duckdb, polars, dask)" >&2; exit 2 ;;
  esac
done
runs=${RUNS:-1}

# --- the data file -----------------------------------------------------------
obtain_csv() {
  if [ -n "${GASK_GROUPBY_CSV:-}" ]; then
    echo "$GASK_GROUPBY_CSV"
    return
  fi
  if [ -d "$root/bench/cmd/h2o-datagen" ]; then
    # The repo's own generator: prints the cached CSV's path (last line),
    # generating the file first if needed.
    local out
    out=$(go run ./bench/cmd/h2o-datagen ensure-groupby "$size" 1e2 0 0)
    printf '%s\n' "$out" | awk 'NF { last = $0 } END { print last }'
    return
  fi
  # Fallback: the shared generator beside the repo, into the data cache.
  local gen=$root/../shared/tools/h2o-datagen
  if [ ! -d "$gen" ]; then
    log "no bench/cmd/h2o-datagen and no $gen: cannot make the data"
    exit 1
  fi
  local dir=${GASK_BENCH_DATA:-$HOME/.cache/gask/h2o}
  local f=$dir/G1_${size}_1e2_0_0.csv
  if [ ! -s "$f" ]; then
    # The generator does not create its output directory and writes in place:
    # write into a fresh directory and move the finished file in.
    mkdir -p "$dir"
    local tmp
    tmp=$(mktemp -d "$dir/.gen.XXXXXX")
    log "generating $f"
    (cd "$gen" && go run . groupby "$size" 1e2 0 0 "$tmp") >&2
    mv "$tmp/G1_${size}_1e2_0_0.csv" "$f"
    rmdir "$tmp"
  fi
  echo "$f"
}
csv=$(obtain_csv)
if [ ! -s "$csv" ]; then
  log "no data file: '$csv'"
  exit 1
fi
log "data $csv ($(wc -c <"$csv") bytes)"

# --- install / build what is missing ---------------------------------------------
ensure_runners groupby .

# --- run, one peer at a time -------------------------------------------------------
peer_cmd() {
  case $1 in
    gask) cmd=("$peersdir/gask-groupby" -runs "$runs" "$csv") ;;
    duckdb) cmd=("$peersdir/duckdb/duckdb-groupby" --runs "$runs" "$csv") ;;
    polars) cmd=(node "$peersdir/polars/groupby.mjs" --runs "$runs" "$csv") ;;
    dask) cmd=(/usr/bin/python3 "$peersdir/dask_groupby.py" --runs "$runs" "$csv") ;;
  esac
}
new_results "groupby_$size" "groupby $(basename "$csv") runs=$runs"
run_peers

# --- tables and agreement check ----------------------------------------------------
status=0
check_results "$results" "${peers[@]}" || status=1
verdict "$status"
