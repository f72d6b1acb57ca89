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
  awk -v peerlist="$*" '
function rel(a, b,   d, m) {
  if (a == b) return 0
  if (a != a || b != b) return 1          # NaN on one side
  d = a - b; if (d < 0) d = -d
  m = (a < 0 ? -a : a); if ((b < 0 ? -b : b) > m) m = (b < 0 ? -b : b)
  return m == 0 ? d : d / m
}
/^peer=/ {
  delete kv
  for (i = 1; i <= NF; i++) { eq = index($i, "="); kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
  p = kv["peer"]; q = kv["q"]
  sec[q, p] = kv["seconds"]; rows[q, p] = kv["rows"]; sums[q, p] = kv["sums"]; have[q, p] = 1
  if (p == "gask") { if ("arrow_mib" in kv) arrow = kv["arrow_mib"]; if ("peak_rss_mib" in kv) peak[q] = kv["peak_rss_mib"] }
}
END {
  np = split(peerlist, P, " ")
  nq = split("load q1 q2 q3 q4 q5 q6 q7 q8 q9 q10", Q, " ")
  printf "\n%-10s", "seconds"
  for (j = 1; j <= np; j++) printf " %10s", P[j]
  printf "\n"
  for (i = 1; i <= nq; i++) {
    q = Q[i]; printf "%-10s", q
    for (j = 1; j <= np; j++) {
      if (have[q, P[j]]) { printf " %10.3f", sec[q, P[j]]; if (q != "load") { tot[P[j]] += sec[q, P[j]]; nans[P[j]]++ } }
      else { printf " %10s", "-"; miss[P[j]] = 1 }
    }
    printf "\n"
  }
  printf "%-10s", "q1..q10"
  # In parentheses when some questions have no answer.
  for (j = 1; j <= np; j++) printf " %10s", (!nans[P[j]] ? "-" : miss[P[j]] ? sprintf("(%.3f)", tot[P[j]]) : sprintf("%.3f", tot[P[j]]))
  printf "\n"
  # How many times faster gask is than each peer (peer seconds / gask seconds).
  hasGask = 0
  for (j = 1; j <= np; j++) if (P[j] == "gask") hasGask = 1
  if (hasGask && np > 1) {
    printf "\n%-10s", "gask x"
    for (j = 1; j <= np; j++) if (P[j] != "gask") printf " %10s", P[j]
    printf "\n"
    for (i = 1; i <= nq + 1; i++) {
      q = (i <= nq) ? Q[i] : "q1..q10"
      printf "%-10s", q
      for (j = 1; j <= np; j++) {
        p = P[j]
        if (p == "gask") continue
        if (q == "q1..q10") { a = miss[p] || miss["gask"] ? 0 : tot[p]; b = tot["gask"] }
        else { a = have[q, p] ? sec[q, p] : 0; b = have[q, "gask"] ? sec[q, "gask"] : 0 }
        if (a > 0 && b > 0) printf " %9.2fx", a / b; else printf " %10s", "-"
      }
      printf "\n"
    }
    if (arrow > 0) {
      printf "\ngask peak resident memory / loaded Arrow data (%d MiB):\n", arrow
      for (i = 1; i <= nq; i++) if (peak[Q[i]] > 0) printf "%-10s %6d MiB %5.2fx\n", Q[i], peak[Q[i]], peak[Q[i]] / arrow
    }
  }
  printf "\n\nagreement (rows equal; sums within 1e-6 relative, 1e-3 for q6 and q9):\n"
  bad = 0
  for (i = 1; i <= nq; i++) {
    q = Q[i]; ref = ""
    for (j = 1; j <= np; j++) if (have[q, P[j]]) { ref = P[j]; break }
    if (ref == "") { printf "%-5s no answers\n", q; bad = 1; continue }
    tol = (q == "q6" || q == "q9") ? 1e-3 : 1e-6
    line = sprintf("%-5s rows=%s sums=%s", q, rows[q, ref], sums[q, ref])
    ok = 1; msg = ""; none = ""; worst = 0; n = 0
    for (j = 1; j <= np; j++) {
      p = P[j]
      if (!have[q, p]) { none = none " " p; continue }
      if (p == ref) continue
      n++
      if (rows[q, p] != rows[q, ref]) { msg = msg sprintf("  [%s rows=%s vs %s rows=%s]", p, rows[q, p], ref, rows[q, ref]); ok = 0; continue }
      na = split(sums[q, ref], A, ","); nb = split(sums[q, p], B, ",")
      if (na != nb) { msg = msg sprintf("  [%s has %d sums, %s %d]", p, nb, ref, na); ok = 0; continue }
      for (k = 1; k <= na; k++) {
        r = rel(A[k] + 0, B[k] + 0)
        if (A[k] ~ /NaN/ || B[k] ~ /NaN/) r = (A[k] == B[k]) ? 0 : 1
        if (r > worst) worst = r
        if (r > tol) { msg = msg sprintf("  [%s sum%d=%s vs %s %s, rel %.2g]", p, k, B[k], ref, A[k], r); ok = 0 }
      }
    }
    if (none != "") none = "  (no answer:" none ")"
    if (ok) printf "ok        %s  (%d peers, max rel diff %.2g)%s\n", line, n + 1, worst, none
    else { printf "MISMATCH  %s %s%s\n", line, msg, none; bad = 1 }
  }
  exit bad
}' "$file"
}

if [ "${1:-}" = "--check" ]; then
  [ $# -eq 2 ] || { log "usage: $0 --check RESULTS_FILE"; exit 2; }
  check_results "$2" $(awk '/^peer=/ { sub(/^peer=/, "", $1); if (!seen[$1]++) print $1 }' "$2")
  exit
fi

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
