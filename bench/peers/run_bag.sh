#!/usr/bin/env bash
# The bag benchmarks of issue 6 on gask, a single-goroutine Go loop and Dask bag
# (processes, its default, and threads), one at a time: wc (ReadText -> split ->
# Frequencies -> TopK(100)) and json (ReadJSON -> Filter -> FoldBy). Prints step x
# peer seconds, how many times faster gask is than each peer, the issue's targets,
# peak memory, and checks that everyone agrees (rows equal, check sums within 1e-9
# relative; see bench/cmd/gask-bag for what they sum).
#
#   bench/peers/run_bag.sh [small|full] [PEER...]
#
#   small  64 MiB of text, 1e6 JSON records (the default, unless GASK_BENCH_FULL=1)
#   full   1 GiB of text, 1e7 JSON records
#   PEER   gask, loop, dask, dask-threads (default all four; also "gask,dask")
#
#   bench/peers/run_bag.sh --check RESULTS_FILE
#
# The data is generated once by bench/cmd/gask-bag -ensure (bench/bagdata) and cached
# in $GASK_BENCH_DATA/bag, else gask/bag in the user cache directory.
#
# Environment:
#   RUNS=N               repetitions per step, the minimum is kept (default 1)
#   GASK_BAG_Q           steps (default wc,json)
#   GASK_BAG_BLOCKSIZE   block size of gask's and Dask's readers (default 16 MiB)
#   GASK_PEERS_RESULTS   where the results files go (default bench/peers/results)
#
# Exits non-zero if a peer fails or the peers disagree.
set -euo pipefail
shopt -s inherit_errexit
script=run_bag
# shellcheck source=bench/peers/lib.sh
source "$(dirname "$0")/lib.sh"
if [ -n "${GASK_PEERS_RESULTS:-}" ]; then GASK_PEERS_RESULTS=$(abspath "$GASK_PEERS_RESULTS"); fi
if [ "${1:-}" = "--check" ] && [ $# -ge 2 ]; then set -- "$1" "$(abspath "$2")" "${@:3}"; fi
cd "$(dirname "$0")/../.."
root=$(pwd)
peersdir=$root/bench/peers

check_results() {
  local file=$1 steps=$2
  shift 2
  awk -v peerlist="$*" -v steps="$steps" -f "$peersdir/tables.awk" -f /dev/stdin "$file" <<'AWK'
function tolerance(q) { return 1e-9 }
function target(q, peer, want,   r) {
  if (!have[q, "gask"] || !have[q, peer] || sec[q, "gask"] <= 0) return
  r = sec[q, peer] / sec[q, "gask"]
  printf "%-5s %-13s %6.2fx  target >= %sx  %s\n", q, peer, r, want, (r >= want ? "met" : "missed")
}
END {
  np = split(peerlist, P, " ")
  nq = 0
  for (i = 1; i <= split("wc json", S, " "); i++) {
    q = S[i]
    if (steps == "") { for (j = 1; j <= np; j++) if (have[q, P[j]]) { Q[++nq] = q; break } }
    else if (index("," steps ",", "," q ",")) Q[++nq] = q
  }
  seconds_table("total")
  ratio_table("total")
  if (has_peer("gask")) {
    printf "\ntargets (peer seconds / gask seconds; not part of the exit status)\n"
    target("wc", "dask", 7); target("wc", "loop", 1.6); target("json", "dask", 5)
  }
  memory_table()
  exit agreement("agreement (rows equal, check sums within 1e-9 relative):")
}
AWK
}

if [ "${1:-}" = "--check" ]; then check_recorded $# "${2:-}" ""; fi

size=small
if [ -n "${GASK_BENCH_FULL:-}" ]; then size=full; fi
case ${1:-} in small | full) size=$1; shift ;; esac
peers=()
for a in "$@"; do
  IFS=, read -r -a more <<<"$a"
  peers+=("${more[@]}")
done
if [ ${#peers[@]} -eq 0 ]; then peers=(gask loop dask dask-threads); fi
for p in "${peers[@]}"; do
  case $p in
    gask | loop | dask | dask-threads) ;;
    *) log "unknown peer '$p' (gask, loop, dask, dask-threads)"; exit 2 ;;
  esac
done
runs=${RUNS:-1}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then log "RUNS must be a positive integer, not '$runs'"; exit 2; fi
steps=${GASK_BAG_Q:-wc,json}
if ! [[ $steps =~ ^(wc|json)(,(wc|json))?$ ]]; then log "GASK_BAG_Q must list wc and/or json, not '$steps'"; exit 2; fi
bs=${GASK_BAG_BLOCKSIZE:-16777216}
if ! [[ $bs =~ ^[1-9][0-9]*$ ]]; then log "GASK_BAG_BLOCKSIZE must be a number of bytes"; exit 2; fi

# --- build, data ------------------------------------------------------------------
log "building bench/cmd/gask-bag"
go build -o "$peersdir/gask-bag" ./bench/cmd/gask-bag >&2
full_env=()
if [ "$size" = full ]; then full_env=(GASK_BENCH_FULL=1); else full_env=(GASK_BENCH_FULL=); fi
log "data ($size; generated on first use, which takes a while at full size)"
globs=$(env "${full_env[@]}" "$peersdir/gask-bag" -ensure)
text=$(printf '%s\n' "$globs" | sed -n 's/^text=//p')
json=$(printf '%s\n' "$globs" | sed -n 's/^json=//p')
log "text $text ($(cat $text | wc -c) bytes), json $json ($(cat $json | wc -c) bytes)"
if need dask || need dask-threads; then
  if ! /usr/bin/python3 -c 'import dask.bag' 2>/dev/null; then
    log "/usr/bin/python3 cannot import dask.bag; install it with: apt-get install -y python3-dask"
    exit 1
  fi
fi

# --- run, one peer at a time -------------------------------------------------------
loop_q=$(printf '%s' "$steps" | sed 's/\([a-z]*\)/loop-\1/g')
peer_cmd() {
  case $1 in
    gask) cmd=(env "${full_env[@]}" "$peersdir/gask-bag" -runs "$runs" -q "$steps" -blocksize "$bs") ;;
    loop) cmd=(env "${full_env[@]}" "$peersdir/gask-bag" -runs "$runs" -q "$loop_q") ;;
    dask) cmd=(/usr/bin/python3 "$peersdir/dask_bag.py" --runs "$runs" --q "$steps" --scheduler processes --blocksize "$bs" "$text" "$json") ;;
    dask-threads) cmd=(/usr/bin/python3 "$peersdir/dask_bag.py" --runs "$runs" --q "$steps" --scheduler threads --blocksize "$bs" "$text" "$json") ;;
  esac
}
new_results bag "bag $size runs=$runs steps=$steps blocksize=$bs"
run_peers

# --- tables and agreement check ----------------------------------------------------
status=0
check_results "$results" "$steps" "${peers[@]}" || status=1
verdict "$status"
