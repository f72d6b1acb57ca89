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
#   GASK_SORT_Q          steps to run, e.g. s1 (default s1,s2)
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
  awk -v peerlist="$*" -v steps="$steps" '
function rel(a, b,   d, m) {
  if (a == b) return 0
  if (a != a || b != b) return 1          # NaN on one side
  d = a - b; if (d < 0) d = -d
  m = (a < 0 ? -a : a); if ((b < 0 ? -b : b) > m) m = (b < 0 ? -b : b)
  return m == 0 ? d : d / m
}
function isint(s) { return s ~ /^-?[0-9]+$/ }
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
  # load, then the steps asked for (or, given none, those the file has).
  nq = 0
  for (i = 1; i <= split("load s1 s2", S, " "); i++) {
    q = S[i]
    if (steps == "") { for (j = 1; j <= split(peerlist, PP, " "); j++) if (have[q, PP[j]]) { Q[++nq] = q; break } }
    else if (q == "load" || index("," steps ",", "," q ",")) Q[++nq] = q
  }
  total = "sorts"
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
  # In parentheses when some steps have no answer.
  for (j = 1; j <= np; j++) printf " %10s", (!nans[P[j]] ? "-" : miss[P[j]] ? sprintf("(%.3f)", tot[P[j]]) : sprintf("%.3f", tot[P[j]]))
  printf "\n"

  # How many times faster gask is than each peer (peer seconds / gask seconds).
  hasGask = 0; hasDuck = 0
  for (j = 1; j <= np; j++) { if (P[j] == "gask") hasGask = 1; if (P[j] == "duckdb") hasDuck = 1 }
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
  # The issue'"'"'s target: gask'"'"'s sort within 1.5x of DuckDB'"'"'s ORDER BY.
  if (hasGask && hasDuck) {
    printf "\ntarget: gask seconds / DuckDB seconds <= 1.5 (not part of the exit status)\n"
    for (i = 2; i <= nq; i++) {
      q = Q[i]
      if (!have[q, "gask"] || !have[q, "duckdb"] || sec[q, "duckdb"] <= 0) continue
      r = sec[q, "gask"] / sec[q, "duckdb"]
      printf "%-10s %.2f  %s\n", q, r, (r <= 1.5 ? "met" : "missed")
    }
  }

  # Peak resident memory: per step where the runner measured it in-process
  # (the peak during that step, the loaded table included), and for the whole
  # process.
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

  printf "\n\nagreement (rows equal; load: sums of v1, v2, v3 within 1e-6 relative;\n"
  printf "s1, s2: first and last key and sum of v1[i]*(i mod 7) equal exactly):\n"
  bad = 0
  for (i = 1; i <= nq; i++) {
    q = Q[i]; ref = ""
    # The reference: the first peer that answered, preferring one whose order
    # checksum is not "unstable".
    for (j = 1; j <= np; j++) if (have[q, P[j]] && sums[q, P[j]] !~ /unstable/) { ref = P[j]; break }
    if (ref == "") for (j = 1; j <= np; j++) if (have[q, P[j]]) { ref = P[j]; break }
    if (ref == "") { printf "%-5s no answers\n", q; bad = 1; continue }
    line = sprintf("%-5s rows=%s sums=%s", q, rows[q, ref], sums[q, ref])
    ok = 1; msg = ""; none = ""; loose = ""; worst = 0; n = 0
    for (j = 1; j <= np; j++) {
      p = P[j]
      if (!have[q, p]) { none = none " " p; continue }
      if (sums[q, p] ~ /unstable/) loose = loose " " p
      if (p == ref) continue
      n++
      if (rows[q, p] != rows[q, ref]) { msg = msg sprintf("  [%s rows=%s vs %s rows=%s]", p, rows[q, p], ref, rows[q, ref]); ok = 0; continue }
      na = split(sums[q, ref], A, ","); nb = split(sums[q, p], B, ",")
      if (na != nb) { msg = msg sprintf("  [%s has %d sums, %s %d]", p, nb, ref, na); ok = 0; continue }
      for (k = 1; k <= na; k++) {
        if (q == "load") {
          r = rel(A[k] + 0, B[k] + 0)
          if (A[k] ~ /NaN/ || B[k] ~ /NaN/) r = (A[k] == B[k]) ? 0 : 1
          if (r > worst) worst = r
          if (r > 1e-6) { msg = msg sprintf("  [%s sum%d=%s vs %s %s, rel %.2g]", p, k, B[k], ref, A[k], r); ok = 0 }
          continue
        }
        if (A[k] == "unstable" || B[k] == "unstable") continue
        same = (isint(A[k]) && isint(B[k])) ? (A[k] + 0 == B[k] + 0) : (A[k] == B[k])
        if (!same) { msg = msg sprintf("  [%s field%d=%s vs %s %s]", p, k, B[k], ref, A[k]); ok = 0 }
      }
    }
    if (none != "") none = "  (no answer:" none ")"
    if (loose != "") none = none "  (order not checked, unstable sort:" loose ")"
    extra = q == "load" ? sprintf(", max rel diff %.2g", worst) : ""
    if (ok) printf "ok        %s  (%d peers%s)%s\n", line, n + 1, extra, none
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
  check_results "$2" "" "${filepeers[@]}"
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
steps=${GASK_SORT_Q:-s1,s2}
if ! [[ $steps =~ ^(s1|s2)(,(s1|s2))*$ ]]; then
  log "GASK_SORT_Q must list s1 and/or s2, not '$steps'"
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
new_results sort "sort $(basename "$csv") runs=$runs steps=$steps dask_shuffle=$shuffle unstable=${GASK_SORT_UNSTABLE:-0}"
run_peers

# --- tables and agreement check ----------------------------------------------------
status=0
check_results "$results" "$steps" "${peers[@]}" || status=1
verdict "$status"
