# shellcheck shell=bash
# shellcheck disable=SC2154  # script, peers, peersdir and cmd are the calling script's
# Shared by run_groupby.sh, run_join.sh and run_sort.sh: building and installing the
# runners, running the peers one at a time, and the final verdict. Each script sets
# `script` (its name, for log lines), `peersdir` and `peers`, and defines
# `peer_cmd PEER`, which sets the array `cmd` to the command that runs PEER.

abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

log() { echo "$script: $*" >&2; }

need() { printf '%s\n' "${peers[@]}" | grep -qx "$1"; }

# check_recorded ARGC FILE [ARG...]: a script's --check mode, given its argument
# count and its results file: check_results FILE ARG... with the peers FILE's peer=
# lines name, then exit with its status.
check_recorded() {
  local argc=$1 file=$2 filepeers
  shift 2
  [ "$argc" -eq 2 ] || { log "usage: $0 --check RESULTS_FILE"; exit 2; }
  [ -r "$file" ] || { log "cannot read $file"; exit 2; }
  mapfile -t filepeers < <(awk '/^peer=/ { sub(/^peer=/, "", $1); if (!seen[$1]++) print $1 }' "$file")
  [ ${#filepeers[@]} -gt 0 ] || { log "no peer= lines in $file"; exit 1; }
  check_results "$file" "$@" "${filepeers[@]}"
  exit
}

# ensure_runners WORKLOAD DUCKDB_PKG: installs and builds what the chosen peers need
# for WORKLOAD (groupby, join, sort): nodejs-polars, bench/cmd/gask-WORKLOAD, the
# DuckDB runner package DUCKDB_PKG of bench/peers/duckdb as duckdb-WORKLOAD, and
# checks Debian's Dask.
ensure_runners() {
  local workload=$1 pkg=$2
  if need polars; then
    command -v node >/dev/null || { log "polars needs node (apt-get install -y nodejs npm)"; exit 1; }
    if [ ! -d "$peersdir/polars/node_modules/nodejs-polars" ] ||
      [ ! -d "$peersdir/polars/node_modules/nodejs-polars-linux-x64-gnu" ]; then
      log "npm install in bench/peers/polars"
      # npm install, not npm ci: on Node 20 the native package needs to be a
      # direct dependency, and npm ci may skip it.
      (cd "$peersdir/polars" && npm install --no-audit --no-fund) >&2
    fi
  fi
  if need gask; then
    log "building bench/cmd/gask-$workload"
    go build -o "$peersdir/gask-$workload" "./bench/cmd/gask-$workload" >&2
  fi
  if need duckdb; then
    local bin=$peersdir/duckdb/duckdb-$workload
    if [ ! -x "$bin" ] || [ "$peersdir/duckdb/$pkg/main.go" -nt "$bin" ] || [ "$peersdir/duckdb/go.mod" -nt "$bin" ]; then
      log "building bench/peers/duckdb/duckdb-$workload (cgo; the first build takes about a minute)"
      (cd "$peersdir/duckdb" && CGO_ENABLED=1 go build -o "duckdb-$workload" "./$pkg") >&2
    fi
  fi
  if need dask; then
    if ! /usr/bin/python3 -c 'import dask.dataframe, pandas' 2>/dev/null; then
      log "/usr/bin/python3 cannot import dask.dataframe and pandas; install them with:"
      log "  apt-get install -y python3-dask python3-pandas"
      exit 1
    fi
  fi
}

# new_results NAME HEADER: creates bench/peers/results/NAME_STAMP.txt (or under
# GASK_PEERS_RESULTS) with the header line and the machine's state, and sets
# `results` to its path.
new_results() {
  local resdir=${GASK_PEERS_RESULTS:-$peersdir/results}
  mkdir -p "$resdir"
  results=$resdir/${1}_$(date +%Y%m%d-%H%M%S).txt
  echo "# $2 date=$(date -Is) host_cores=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg)" >"$results"
}

# run_peers: runs every peer in turn (peer_cmd gives its command), appends its
# lines and a "# process" line (whole-process peak memory from /usr/bin/time -v,
# wall time, exit status) to $results, and collects the failed ones in `failed`.
run_peers() {
  local timer=() p status t0 t1 wall rss timefile=$results.time wrap
  if [ -x /usr/bin/time ]; then
    timer=(/usr/bin/time -v)
  else
    log "no /usr/bin/time (apt-get install -y time): no whole-process peak memory"
  fi
  failed=()
  for p in "${peers[@]}"; do
    log "running $p"
    peer_cmd "$p"
    rm -f "$timefile"
    wrap=()
    if [ ${#timer[@]} -gt 0 ]; then wrap=("${timer[@]}" -o "$timefile"); fi
    t0=$(date +%s.%N)
    status=0
    # The lines stream to stderr as they come; pipefail gives the peer's status
    # (which /usr/bin/time passes on).
    "${wrap[@]}" "${cmd[@]}" | tee "$results.part" >&2 || status=$?
    t1=$(date +%s.%N)
    grep '^peer=' "$results.part" >>"$results" || true
    rm -f "$results.part"
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    rss=""
    if [ -s "$timefile" ]; then
      rss=$(awk -F': *' '/Maximum resident set size \(kbytes\)/ { printf "%.0f", $2 / 1024 }' "$timefile")
    fi
    rm -f "$timefile"
    echo "# process peer=$p peak_rss_mib=$rss wall_seconds=$wall exit=$status" >>"$results"
    log "$p finished in $wall s (exit $status${rss:+, peak RSS $rss MiB})"
    if [ "$status" -ne 0 ]; then
      failed+=("$p")
    fi
  done
  log "results in $results"
}

# verdict CHECK_STATUS: exits non-zero if a peer failed or the peers disagreed.
verdict() {
  if [ ${#failed[@]} -gt 0 ]; then
    log "FAILED: ${failed[*]}"
    exit 1
  fi
  if [ "$1" -ne 0 ]; then
    log "MISMATCH between peers (see above)"
    exit 1
  fi
}
