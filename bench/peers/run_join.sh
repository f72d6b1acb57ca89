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
  awk -v peerlist="$*" '
function rel(a, b,   d, m) {
  if (a == b) return 0
  if (a != a || b != b) return 1          # NaN on one side
  d = a - b; if (d < 0) d = -d
  m = (a < 0 ? -a : a); if ((b < 0 ? -b : b) > m) m = (b < 0 ? -b : b)
  return m == 0 ? d : d / m
}
function fields(from,   i, eq) {
  delete kv
  for (i = from; i <= NF; i++) { eq = index($i, "="); if (eq > 1) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
}
/^peer=/ {
  fields(1)
  p = kv["peer"]; q = kv["q"]
  sec[q, p] = kv["seconds"]; rows[q, p] = kv["rows"]; sums[q, p] = kv["sums"]; have[q, p] = 1
  if ("peak_rss_mib" in kv) { peak[q, p] = kv["peak_rss_mib"]; anypeak = 1 }
  if ("arrow_mib" in kv) { arrow[p] = kv["arrow_mib"]; anyarrow = 1 }
}
# Written by this script after each peer: its whole-process peak resident
# memory (/usr/bin/time -v) and wall time.
/^# process / {
  fields(3)
  p = kv["peer"]
  if ("peak_rss_mib" in kv && kv["peak_rss_mib"] != "") { proc[p] = kv["peak_rss_mib"]; anyproc = 1 }
}
END {
  np = split(peerlist, P, " ")
  nq = split("load q1 q2 q3 q4 q5", Q, " ")
  total = "q1..q5"
  printf "\n%-10s", "seconds"
  for (j = 1; j <= np; j++) printf " %10s", P[j]
  printf "\n"
  for (i = 1; i <= nq; i++) {
    q = Q[i]; printf "%-10s", q
    for (j = 1; j <= np; j++) {
      if (have[q, P[j]]) { printf " %10.3f", sec[q, P[j]]; if (q != "load") { tot[P[j]] += sec[q, P[j]]; nans[P[j]]++ } }
      else { printf " %10s", "-"; if (q != "load") miss[P[j]] = 1 }
    }
    printf "\n"
  }
  printf "%-10s", total
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
      q = (i <= nq) ? Q[i] : total
      printf "%-10s", q
      for (j = 1; j <= np; j++) {
        p = P[j]
        if (p == "gask") continue
        if (q == total) { a = miss[p] || miss["gask"] ? 0 : tot[p]; b = tot["gask"] }
        else { a = have[q, p] ? sec[q, p] : 0; b = have[q, "gask"] ? sec[q, "gask"] : 0 }
        if (a > 0 && b > 0) printf " %9.2fx", a / b; else printf " %10s", "-"
      }
      printf "\n"
    }
  }

  # Peak resident memory: per step where the runner measured it in-process
  # (the peak during that step, tables loaded), and for the whole process.
  if (anypeak || anyproc || anyarrow) {
    printf "\n%-10s", "peak MiB"
    for (j = 1; j <= np; j++) printf " %10s", P[j]
    printf "\n"
    if (anyarrow) {
      printf "%-10s", "data"
      for (j = 1; j <= np; j++) printf " %10s", (P[j] in arrow) ? arrow[P[j]] : "-"
      printf "   (loaded Arrow data, as the runner reports it)\n"
    }
    if (anypeak) for (i = 1; i <= nq; i++) {
      q = Q[i]; printf "%-10s", q
      for (j = 1; j <= np; j++) printf " %10s", ((q, P[j]) in peak) ? peak[q, P[j]] : "-"
      printf "\n"
    }
    if (anyproc) {
      printf "%-10s", "process"
      for (j = 1; j <= np; j++) printf " %10s", (P[j] in proc) ? proc[P[j]] : "-"
      printf "   (whole process, /usr/bin/time -v)\n"
      if (hasGask && proc["gask"] > 0 && np > 1) {
        printf "%-10s", "x gask"
        for (j = 1; j <= np; j++) printf " %10s", (P[j] in proc && proc[P[j]] > 0) ? sprintf("%.2fx", proc[P[j]] / proc["gask"]) : "-"
        printf "   (peer process peak / gask process peak)\n"
      }
    }
  }

  printf "\n\nagreement (rows equal; sums of v1, v2 within 1e-6 relative):\n"
  bad = 0
  for (i = 1; i <= nq; i++) {
    q = Q[i]; ref = ""
    for (j = 1; j <= np; j++) if (have[q, P[j]]) { ref = P[j]; break }
    if (ref == "") { printf "%-5s no answers\n", q; bad = 1; continue }
    tol = 1e-6
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
  [ -r "$2" ] || { log "cannot read $2"; exit 2; }
  mapfile -t filepeers < <(awk '/^peer=/ { sub(/^peer=/, "", $1); if (!seen[$1]++) print $1 }' "$2")
  [ ${#filepeers[@]} -gt 0 ] || { log "no peer= lines in $2"; exit 1; }
  check_results "$2" "${filepeers[@]}"
  exit
fi

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
