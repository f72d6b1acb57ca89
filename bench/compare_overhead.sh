#!/usr/bin/env bash
# Compare gask's scheduler overhead with Dask's on the same graph: N trivial
# inc tasks followed by a tree sum with fan-in 100 (incTreeSum in
# bench/overhead_test.go, inc_tree_sum in bench/dask_overhead.py).
#
# Usage: bench/compare_overhead.sh [N ...]
#   Sizes default to "10000 100000"; GASK_BENCH_FULL=1 adds 1000000 to the
#   default. The Go benchmark only has N = 10000, 100000 and 1000000.
#   Needs Go and Debian's Dask: apt-get install -y python3-dask python3-pandas
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=/usr/bin/python3

die() {
	echo "compare_overhead: $*" >&2
	exit 1
}

if [ "$#" -gt 0 ]; then
	sizes=("$@")
else
	sizes=(10000 100000)
	if [ -n "${GASK_BENCH_FULL:-}" ]; then
		sizes+=(1000000)
	fi
fi

full=0
largest=0
for n in "${sizes[@]}"; do
	case "$n" in
	10000 | 100000 | 1000000) ;;
	*) die "unsupported size '$n': the Go benchmark only runs N = 10000, 100000, 1000000" ;;
	esac
	if [ "$n" -gt 10000 ]; then full=1; fi
	if [ "$n" -gt "$largest" ]; then largest=$n; fi
done

if ! "$PY" -c 'import dask' 2>/dev/null; then
	echo "compare_overhead: $PY cannot import dask." >&2
	echo "Install Debian's Dask with: apt-get install -y python3-dask python3-pandas" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== gask: go test -bench SchedulerOverhead (GASK_BENCH_FULL=$full)"
if [ "$full" = 1 ]; then
	goenv=(env GASK_BENCH_FULL=1)
else
	goenv=(env -u GASK_BENCH_FULL)
fi
# Only the requested sizes run (GASK_BENCH_FULL enables all of them in Go).
pattern="^BenchmarkSchedulerOverhead\$/^(sync|threads)\$/^N=($(IFS='|'; echo "${sizes[*]}"))\$"
if ! "${goenv[@]}" go test -run '^$' -bench "$pattern" -benchtime 3x ./bench/ \
	>"$tmp/go.txt" 2>&1; then
	cat "$tmp/go.txt" >&2
	die "Go benchmark failed"
fi
grep '^Benchmark' "$tmp/go.txt" || die "no benchmark lines in Go output"

echo "== dask: $PY bench/dask_overhead.py ${sizes[*]}"
"$PY" bench/dask_overhead.py "${sizes[@]}" >"$tmp/dask.txt" ||
	die "bench/dask_overhead.py failed"
cat "$tmp/dask.txt"

# Normalise both outputs to "<side> <scheduler> <N> <ns/task> <build-ns/task>".
awk '/^BenchmarkSchedulerOverhead\// {
	split($1, p, "/")             # BenchmarkSchedulerOverhead, sync, N=10000-2
	n = p[3]; sub(/^N=/, "", n); sub(/-[0-9]+$/, "", n)
	run = build = ""
	for (i = 2; i <= NF; i++) {
		if ($i == "ns/task") run = $(i - 1)
		if ($i == "build-ns/task") build = $(i - 1)
	}
	if (run != "" && build != "") print "gask", p[2], n, run, build
}' "$tmp/go.txt" >"$tmp/rows.txt"
awk '$1 == "dask" {
	n = run = build = tasks = ""
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "N") n = kv[2]
		if (kv[1] == "ns/task") run = kv[2]
		if (kv[1] == "tasks") tasks = kv[2]
		if (kv[1] == "build_s") build = kv[2]
	}
	print "dask", $2, n, run, build * 1e9 / tasks, tasks
}' "$tmp/dask.txt" >>"$tmp/rows.txt"

# field SIDE SCHED N COL prints column COL of that row, or fails.
field() {
	local v
	v=$(awk -v s="$1" -v c="$2" -v n="$3" -v f="$4" \
		'$1 == s && $2 == c && $3 == n { print $f; exit }' "$tmp/rows.txt")
	[ -n "$v" ] || die "missing $1 row for scheduler=$2 N=$3"
	echo "$v"
}

# tasks N: number of tasks in incTreeSum(N).
tasks() {
	awk -v n="$1" 'BEGIN {
		t = n; l = n
		while (l > 1) { l = int((l + 99) / 100); t += l }
		print t
	}'
}

echo
printf '%-8s %9s %14s %14s %18s\n' scheduler N 'gask ns/task' 'dask ns/task' 'ratio (dask/gask)'
for s in sync threads; do
	for n in "${sizes[@]}"; do
		g=$(field gask "$s" "$n" 4)
		d=$(field dask "$s" "$n" 4)
		t=$(tasks "$n")
		dt=$(field dask "$s" "$n" 6)
		[ "$t" = "$dt" ] || die "task count mismatch for N=$n: expected $t, dask graph has $dt"
		awk -v s="$s" -v n="$n" -v g="$g" -v d="$d" \
			'BEGIN { printf "%-8s %9d %14.1f %14.1f %17.1fx\n", s, n, g, d, d / g }'
	done
done

run=$(field gask threads "$largest" 4)
build=$(field gask threads "$largest" 5)
t=$(tasks "$largest")
echo
awk -v n="$largest" -v t="$t" -v r="$run" -v b="$build" 'BEGIN {
	printf "gask threads N=%d total (build + run): %.1f ms (build %.1f ms + run %.1f ms, %d tasks)\n",
		n, (b + r) * t / 1e6, b * t / 1e6, r * t / 1e6, t
}'
