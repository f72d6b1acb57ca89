// Command gask-groupby runs the db-benchmark (H2O) group-by questions on gask and
// prints one line per step in the format of bench/peers (see its README), so
// bench/peers/run_groupby.sh can put gask beside DuckDB, Polars and Dask.
//
//	go run ./bench/cmd/gask-groupby [-runs N] [-scheduler threads] G1_1e7_1e2_0_0.csv
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

	"github.com/gask-dev/gask/bench/h2oq"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/sched"
)

func main() {
	runs := flag.Int("runs", 1, "repetitions per question; the fastest is reported")
	schedName := flag.String("scheduler", "", "scheduler (default: GASK_SCHEDULER or threads)")
	blocksize := flag.Int64("blocksize", 32<<20, "CSV block size in bytes")
	only := flag.String("q", "", "comma-separated questions to run (default all; \"none\" loads only)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of the run (with -q, of the load and those questions) to this file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gask-groupby [-runs N] [-scheduler S] G1_*.csv")
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Arg(0), *runs, *schedName, *blocksize, *only); err != nil {
		slog.Error("gask-groupby", "err", err)
		os.Exit(1)
	}
}

var cpuprofile *string

func run(ctx context.Context, path string, runs int, schedName string, blocksize int64, only string) error {
	opts, err := h2oq.SchedulerOptions(schedName)
	if err != nil {
		return err
	}
	stop, err := h2oq.StartProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	h2oq.ResetPeak()
	t0 := time.Now()
	// id1..id3 as categories, as the peers load them (Polars Categorical, Dask category).
	x, err := dataframe.ReadCSV(path, dataframe.Blocksize(blocksize), dataframe.Categorical("id1", "id2", "id3")).Persist(ctx, opts...)
	if err != nil {
		return err
	}
	load := time.Since(t0).Seconds()
	all, err := x.Compute(ctx, opts...) // holds no copy: the table shares the persisted buffers
	if err != nil {
		return err
	}
	arrowMiB := float64(sched.SizeOf(all)) / (1 << 20)
	fmt.Printf("%s arrow_mib=%.0f%s\n", h2oq.Line("gask", "load", load, all.NumRows(), h2oq.Sums(all, []string{"id1", "id2", "id3", "id4", "id5", "id6"})), arrowMiB, h2oq.PeakField())
	all.Release()
	for _, q := range h2oq.GroupBy() {
		if only != "" && !slices.Contains(strings.Split(only, ","), q.Name) {
			continue
		}
		if q.Build == nil {
			fmt.Fprintf(os.Stderr, "gask-groupby: %s is not supported yet\n", q.Name)
			continue
		}
		runtime.GC()
		debug.FreeOSMemory()
		h2oq.ResetPeak()
		best := 0.0
		var rows int64
		var sums []float64
		for r := 0; r < runs; r++ {
			t := time.Now()
			tbl, err := q.Build(x).Compute(ctx, opts...)
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			sec := time.Since(t).Seconds()
			if r == 0 || sec < best {
				best = sec
			}
			rows, sums = tbl.NumRows(), h2oq.Sums(tbl, q.Keys)
			tbl.Release()
		}
		fmt.Println(h2oq.Line("gask", q.Name, best, rows, sums) + h2oq.PeakField())
	}
	return nil
}
