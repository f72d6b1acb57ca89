#!/usr/bin/env bash
# Sorts the db-benchmark (H2O) group-by data on gask and its peers (DuckDB,
# Polars, Dask), one at a time: s1 every row by id6 (an integer column), s2 by
# id3 (a string column), materialising the whole sorted table. Prints step x peer
# seconds, how many times faster gask is than each peer, every peer's peak
# resident memory (per step, and for the whole process from /usr/bin/time -v),
# and checks that everyone agrees on the row counts and on the order checksum:
# first and last value of the sort column and sum of v1[i] * (i mod 7) over the
# sorted rows (every runner sorts stably, so ties keep their file order).
#
#   bench/peers/run_sort.sh [SIZE] [PEER...]
#
#   SIZE  rows of the G1_SIZE_1e2_0_0.csv file: 1e5, 1e6, 1e7 (default 1e7)
#   PEER  gask, duckdb, polars, dask (default all four; also "gask,duckdb")
#
#   bench/peers/run_sort.sh --check RESULTS_FILE
#
#   only prints the tables and the agreement check of an existing results file
#   (any peer= lines of the sort runners; peers in file order)
#
# Environment:
#   RUNS=N               repetitions per step, the minimum is kept (default 1)
#   GASK_SORT_Q          steps to run, e.g. s1 (default s1,s2); s3 (set_index
#                        on id6) runs on gask and Dask only, the peers with an index
#   GASK_SORT_CSV        use this CSV instead of obtaining one for SIZE
#   GASK_BENCH_DATA      the data cache of bench/cmd/h2o-datagen (default: the
#                        user cache directory's gask/h2o)
#   GASK_PEERS_RESULTS   where the results files go (default bench/peers/results)
#   GASK_DASK_SHUFFLE    Dask's shuffle: disk (its default without a distributed
#                        Client) or tasks (see dask_sort.py --shuffle)
#   GASK_SORT_UNSTABLE=1 the peers sort without what makes them stable (DuckDB
#                        --tiebreak none, Polars --unstable, Dask --tiebreak
#                        none); their order checksums are then "unstable" and
#                        not compared (gask's sort is always stable)
#
# Exits non-zero if a peer fails or the peers disagree.
set -euo pipefail
shopt -s inherit_errexit
script=run_sort
# shellcheck source=bench/peers/lib.sh
source "$(dirname "$0")/lib.sh"
# Paths given relative to the caller's directory, before moving to the root.
if [ -n "${GASK_SORT_CSV:-}" ]; then GASK_SORT_CSV=$(abspath "$GASK_SORT_CSV"); fi
if [ -n "${GASK_PEERS_RESULTS:-}" ]; then GASK_PEERS_RESULTS=$(abspath "$GASK_PEERS_RESULTS"); fi
if [ "${1:-}" = "--check" ] && [ $# -ge 2 ]; then set -- "$1" "$(abspath "$2")" "${@:3}"; fi
cd "$(dirname "$0")/../.."
root=$(pwd)
peersdir=$root/bench/peers

# check_results FILE STEPS PEER...: the seconds, speed-up and memory tables and
# the agreement check of the steps (e.g. "s1,s2"; "" for those in the file);
# fails if the peers disagree or a step has no answer.
check_results() {
  local file=$1 steps=$2
  shift 2
  # load: rows equal, the sums of v1, v2, v3 within a relative 1e-6 (float
  # sums differ in their last digits with the summation order). s1, s2: rows
  # equal and the three checksum fields equal exactly; a third field
  # "unstable" (a runner made to sort without keeping ties in order) is left
  # out of the comparison. The first peer that answered a step is the
  # reference for it.
  awk -v peerlist="$*" -v steps="$steps" -f "$peersdir/tables.awk" -f /dev/stdin "$file" <<'AWK'
function tolerance(q) { return q == "load" ? 1e-6 : -1 }
END {
  np = split(peerlist, P, " ")
  # load, then the steps asked for (or, given none, those the file has).
  nq = 0
  for (i = 1; i <= split("load s1 s2 s3", S, " "); i++) {
    q = S[i]
    if (steps == "") { for (j = 1; j <= np; j++) if (have[q, P[j]]) { Q[++nq] = q; break } }
    else if (q == "load" || index("," steps ",", "," q ",")) Q[++nq] = q
  }
  seconds_table("sorts")
  ratio_table("sorts")
  # The issue's target: gask's sort within 1.5x of DuckDB's ORDER BY.
  if (has_peer("gask") && has_peer("duckdb")) {
    printf "\ntarget: gask seconds / DuckDB seconds <= 1.5 (not part of the exit status)\n"
    for (i = 2; i <= nq; i++) {
      q = Q[i]
      if (!have[q, "gask"] || !have[q, "duckdb"] || sec[q, "duckdb"] <= 0) continue
      r = sec[q, "gask"] / sec[q, "duckdb"]
      printf "%-10s %.2f  %s\n", q, r, (r <= 1.5 ? "met" : "missed")
    }
  }
  memory_table()
  exit agreement("agreement (rows equal; load: sums of v1, v2, v3 within 1e-6 relative;\ns1, s2, s3: first and last key and sum of v1[i]*(i mod 7) equal exactly; Dask's s3 is unstable):")
}
AWK
}

if [ "${1:-}" = "--check" ]; then check_recorded $# "${2:-}" ""; fi

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
steps=${GASK_SORT_Q:-s1,s2}
if ! [[ $steps =~ ^(s1|s2|s3)(,(s1|s2|s3))*$ ]]; then
  log "GASK_SORT_Q must list s1, s2 and/or s3, not '$steps'"
  exit 2
fi
shuffle=${GASK_DASK_SHUFFLE:-disk}
case $shuffle in
  disk | tasks) ;;
  *) log "GASK_DASK_SHUFFLE must be disk or tasks"; exit 2 ;;
esac
duck_tie=rowid polars_stable=() dask_tie=row
case ${GASK_SORT_UNSTABLE:-0} in
  0 | "") ;;
  1) duck_tie=none polars_stable=(--unstable) dask_tie=none ;;
  *) log "GASK_SORT_UNSTABLE must be 0 or 1"; exit 2 ;;
esac

# --- the data file -----------------------------------------------------------
# bench/cmd/h2o-datagen prints the cached CSV's path (last line), generating the
# file first if it is missing (progress on stderr).
obtain_csv() {
  if [ -n "${GASK_SORT_CSV:-}" ]; then
    echo "$GASK_SORT_CSV"
    return
  fi
  local out
  out=$(go run ./bench/cmd/h2o-datagen ensure-groupby "$size" 1e2 0 0)
  printf '%s\n' "$out" | awk 'NF { last = $0 } END { print last }'
}
csv=$(obtain_csv)
if [ ! -s "$csv" ]; then
  log "no data file: '$csv'"
  exit 1
fi
log "data $csv ($(wc -c <"$csv") bytes)"

# --- install / build what is missing ---------------------------------------------
ensure_runners sort sort

# --- run, one peer at a time -------------------------------------------------------
peer_cmd() {
  case $1 in
    gask) cmd=("$peersdir/gask-sort" -runs "$runs" -q "$steps" "$csv") ;;
    duckdb) cmd=("$peersdir/duckdb/duckdb-sort" --runs "$runs" --q "$steps" --tiebreak "$duck_tie" "$csv") ;;
    polars) cmd=(node "$peersdir/polars/sort.mjs" --runs "$runs" --q "$steps" "${polars_stable[@]}" "$csv") ;;
    dask) cmd=(/usr/bin/python3 "$peersdir/dask_sort.py" --runs "$runs" --q "$steps" --shuffle "$shuffle" --tiebreak "$dask_tie" "$csv") ;;
  esac
}
if [[ ,$steps, == *,s3,* ]]; then
  for p in "${peers[@]}"; do
    case $p in gask | dask) ;; *) log "s3 (set_index) runs on gask and dask only, not $p"; exit 2 ;; esac
  done
fi
new_results sort "sort $(basename "$csv") runs=$runs steps=$steps dask_shuffle=$shuffle unstable=${GASK_SORT_UNSTABLE:-0}"
run_peers

# --- tables and agreement check ----------------------------------------------------
status=0
check_results "$results" "$steps" "${peers[@]}" || status=1
verdict "$status"
