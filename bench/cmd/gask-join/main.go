// Command gask-join runs the db-benchmark (H2O) join questions on gask and prints one
// line per step in the format of bench/peers (see its README), so
// bench/peers/run_join.sh can put gask beside DuckDB, Polars and Dask.
//
//	go run ./bench/cmd/gask-join [-runs N] [-q q1,q5] X.csv SMALL.csv MEDIUM.csv BIG.csv
//
// The four files are J1_1e7_NA_0_0.csv and its 1e1, 1e4 and 1e7 right tables
// (go run ./bench/cmd/h2o-datagen ensure-join 1e7 0 0 prints their paths).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bench/h2oq"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/sched"
)

func main() {
	runs := flag.Int("runs", 1, "repetitions per question; the fastest is reported")
	schedName := flag.String("scheduler", "", "scheduler (default: GASK_SCHEDULER or threads)")
	only := flag.String("q", "", "comma-separated questions to run (default all; \"none\" loads only)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if flag.NArg() != 4 {
		fmt.Fprintln(os.Stderr, "usage: gask-join [-runs N] [-q q1,q5] X.csv SMALL.csv MEDIUM.csv BIG.csv")
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Args(), *runs, *schedName, *only, *cpuprofile); err != nil {
		slog.Error("gask-join", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, paths []string, runs int, schedName, only, cpuprofile string) error {
	opts, err := h2oq.SchedulerOptions(schedName)
	if err != nil {
		return err
	}
	stop, err := h2oq.StartProfile(cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	h2oq.ResetPeak()
	t0 := time.Now()
	// id4 and id5 (10 and 1e4 distinct values) as categories; id6 (1e7 distinct values)
	// as plain strings, which a dictionary would not make smaller, only slower.
	read := func(p string, cats ...string) *dataframe.DataFrame {
		return dataframe.ReadCSV(p, dataframe.Categorical(cats...))
	}
	t := h2oq.JoinTables{X: read(paths[0], "id4", "id5"), Small: read(paths[1], "id4"),
		Medium: read(paths[2], "id4", "id5"), Big: read(paths[3], "id4", "id5")}
	if err := gask.PersistAll(ctx, []gask.PersistTarget{gask.PersistInto(&t.X), gask.PersistInto(&t.Small),
		gask.PersistInto(&t.Medium), gask.PersistInto(&t.Big)}, opts...); err != nil {
		return err
	}
	load := time.Since(t0).Seconds()
	x, err := t.X.Compute(ctx, opts...) // shares the persisted buffers
	if err != nil {
		return err
	}
	var arrowBytes int64
	for _, d := range []*dataframe.DataFrame{t.Small, t.Medium, t.Big} {
		tbl, err := d.Compute(ctx, opts...)
		if err != nil {
			return err
		}
		arrowBytes += sched.SizeOf(tbl)
		tbl.Release()
	}
	arrowBytes += sched.SizeOf(x)
	fmt.Printf("%s arrow_mib=%.0f%s\n", h2oq.Line("gask", "load", load, x.NumRows(), h2oq.JoinSums(x)[:1]), float64(arrowBytes)/(1<<20), h2oq.PeakField())
	x.Release()
	for _, q := range h2oq.Join() {
		if only != "" && !slices.Contains(strings.Split(only, ","), q.Name) {
			continue
		}
		runtime.GC()
		debug.FreeOSMemory()
		h2oq.ResetPeak()
		best := 0.0
		var rows int64
		var sums []float64
		for r := 0; r < runs; r++ {
			start := time.Now()
			tbl, err := q.Build(t).Compute(ctx, opts...)
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			sec := time.Since(start).Seconds()
			if r == 0 || sec < best {
				best = sec
			}
			rows, sums = tbl.NumRows(), h2oq.JoinSums(tbl)
			tbl.Release()
		}
		fmt.Println(h2oq.Line("gask", q.Name, best, rows, sums) + h2oq.PeakField())
	}
	return nil
}
