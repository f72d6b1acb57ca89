// Command gask-sort sorts the db-benchmark (H2O) group-by data on gask, by one
// integer column (s1: id6) and by one string column (s2: id3), sets id6 as the index
// (s3: SetIndex, its quantile pass included), and prints one line
// per step in the format of bench/peers (see its README, section Sort), so
// bench/peers/run_sort.sh can put gask beside DuckDB, Polars and Dask.
//
//	go run ./bench/cmd/gask-sort [-runs N] [-q s1,s2] [-cpuprofile FILE] G1_1e7_1e2_0_0.csv
//
// The load reads id1..id3 as plain strings (not categories), so s2 compares
// strings. Each step materialises the whole sorted table
// (x.SortValues([]string{col}).Compute); its sums are the first and the last value
// of the sort column and the sum over the sorted rows of v1[i] * (i mod 7), which
// fixes the order of the rows, ties included (gask's sort is stable).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gask-dev/gask/bench/h2oq"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/sched"
)

// The steps: name and sort column.
var steps = []struct{ name, by string }{
	{"s1", "id6"}, // an integer column, 1e5 distinct values at 1e7 rows
	{"s2", "id3"}, // a string column ("id0000012345"), 1e5 distinct values
	{"s3", "id6"}, // SetIndex: divisions from a pass over id6, then the sort
}

func main() {
	runs := flag.Int("runs", 1, "repetitions per step; the fastest is reported")
	schedName := flag.String("scheduler", "", "scheduler (default: GASK_SCHEDULER or threads)")
	blocksize := flag.Int64("blocksize", 32<<20, "CSV block size in bytes")
	parts := flag.Int("partitions", 0, "output partitions of the sort (0: as many as the input)")
	only := flag.String("q", "", "comma-separated steps to run (default all; \"none\" loads only)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the sorts (not the load) to this file")
	flag.Parse()
	if flag.NArg() != 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: gask-sort [-runs N] [-q s1,s2] [-scheduler S] [-partitions N] [-cpuprofile FILE] G1_*.csv")
		os.Exit(2)
	}
	for _, q := range strings.Split(*only, ",") {
		if q != "" && q != "none" && !slices.ContainsFunc(steps, func(s struct{ name, by string }) bool { return s.name == q }) {
			fmt.Fprintf(os.Stderr, "gask-sort: unknown step %q (s1, s2, s3)\n", q)
			os.Exit(2)
		}
	}
	if err := run(context.Background(), flag.Arg(0), *runs, *schedName, *blocksize, *parts, *only, *cpuprofile); err != nil {
		slog.Error("gask-sort", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string, runs int, schedName string, blocksize int64, parts int, only, cpuprofile string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	opts, err := h2oq.SchedulerOptions(schedName)
	if err != nil {
		return err
	}

	// Load: id1..id3 as plain strings (no dictionary), so the string sort compares
	// the strings themselves, as the peers' VARCHAR / String / object columns do.
	var x *dataframe.DataFrame
	best := math.Inf(1)
	h2oq.ResetPeak()
	for r := 0; r < runs; r++ {
		x = nil
		runtime.GC()
		t0 := time.Now()
		var err error
		x, err = dataframe.ReadCSV(path, dataframe.Blocksize(blocksize)).Persist(ctx, opts...)
		if err != nil {
			return err
		}
		best = min(best, time.Since(t0).Seconds())
	}
	peak := h2oq.PeakField()
	all, err := x.Compute(ctx, opts...) // holds no copy: the table shares the persisted buffers
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gask-sort: %s, %d rows in %d partitions, runs %d, GOMAXPROCS %d\n",
		path, all.NumRows(), x.NPartitions(), runs, runtime.GOMAXPROCS(0))
	fmt.Printf("%s arrow_mib=%.0f%s\n", h2oq.Line("gask", "load", best, all.NumRows(), h2oq.Sums(all, []string{"id1", "id2", "id3", "id4", "id5", "id6"})),
		float64(sched.SizeOf(all))/(1<<20), peak)
	all.Release()

	stop, err := h2oq.StartProfile(cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	var sortOpts []dataframe.SortOption
	if parts > 0 {
		sortOpts = append(sortOpts, dataframe.SortPartitions(parts))
	}
	for _, s := range steps {
		if only != "" && !slices.Contains(strings.Split(only, ","), s.name) {
			continue
		}
		runtime.GC()
		debug.FreeOSMemory()
		h2oq.ResetPeak()
		best := math.Inf(1)
		var rows int64
		var check string
		for r := 0; r < runs; r++ {
			t0 := time.Now()
			sorted := x.SortValues([]string{s.by}, sortOpts...)
			if s.name == "s3" {
				ixOpts := []dataframe.IndexOption{dataframe.IndexCompute(opts...)}
				if parts > 0 {
					ixOpts = append(ixOpts, dataframe.IndexPartitions(parts))
				}
				if sorted, err = x.SetIndex(ctx, s.by, ixOpts...); err != nil {
					return fmt.Errorf("%s: %w", s.name, err)
				}
			}
			tbl, err := sorted.Compute(ctx, opts...)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			best = min(best, time.Since(t0).Seconds())
			peak = h2oq.PeakField() // before the checksum's own work
			rows = tbl.NumRows()
			check, err = orderSums(tbl, s.by)
			tbl.Release()
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			runtime.GC()
		}
		fmt.Println(h2oq.LineFields("gask", s.name, best, rows, []string{check}) + peak)
	}
	return nil
}

// orderSums is the sort steps' checksum: the first and the last value of column by,
// then the sum over the rows i (in order, from 0) of v1[i] * (i mod 7).
func orderSums(tbl arrow.Table, by string) (string, error) {
	col, err := column(tbl, by)
	if err != nil {
		return "", err
	}
	v1, err := column(tbl, "v1")
	if err != nil {
		return "", err
	}
	var first, last string
	for _, ch := range col.Chunks() {
		if ch.Len() == 0 {
			continue
		}
		if first == "" {
			first = valueStr(ch, 0)
		}
		last = valueStr(ch, ch.Len()-1)
	}
	var sum, i int64
	for _, ch := range v1.Chunks() {
		for j := 0; j < ch.Len(); j, i = j+1, i+1 {
			if ch.IsNull(j) {
				continue
			}
			var v int64
			switch a := ch.(type) {
			case *array.Int64:
				v = a.Value(j)
			case *array.Int32:
				v = int64(a.Value(j))
			default:
				return "", fmt.Errorf("v1 is %s, not an integer", ch.DataType())
			}
			sum += v * (i % 7)
		}
	}
	return first + "," + last + "," + strconv.FormatInt(sum, 10), nil
}

func column(tbl arrow.Table, name string) (*arrow.Chunked, error) {
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("no column %q", name)
	}
	return tbl.Column(idx[0]).Data(), nil
}

// valueStr is element i of a column as text ("NA" for null).
func valueStr(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NA"
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	}
	return a.ValueStr(i)
}
