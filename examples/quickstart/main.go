// Command quickstart is gask's first program: the seed examples of every collection,
// computed on the default scheduler. Run it with
//
//	go run ./examples/quickstart
//
// and again with GASK_SCHEDULER=sync to see the same results from one goroutine, or
// with GASK_SCHEDULER=procs to run every task in worker processes.
// Pass -dot FILE to write the graph of the delayed example (FILE.svg needs Graphviz).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/dataframe"
)

func inc(x int) int         { return x + 1 }
func add(a, b int) int      { return a + b }
func multiply(a, b int) int { return a * b }
func square(x int) int      { return x * x }
func pow(x, y int) int      { return int(math.Pow(float64(x), float64(y))) }

func init() {
	// Registered functions can also run on worker processes (the same binary).
	gask.Register("quickstart.inc", inc)
	gask.Register("quickstart.add", add)
	gask.Register("quickstart.multiply", multiply)
	gask.Register("quickstart.square", square)
	gask.Register("quickstart.pow", pow)
	gask.Register("quickstart.fields", strings.Fields)
	gask.Register("quickstart.count", count)
}

// count is a word frequency's count, what the bag example ranks by.
func count(kv bag.KV[string, int]) int { return kv.Value }

func main() {
	gask.Main() // first: with GASK_SCHEDULER=procs, workers are this binary
	dot := flag.String("dot", "", "write the delayed example's task graph to this file (.dot, .svg, .png)")
	progress := flag.Bool("progress", false, "show a progress bar on a terminal")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dot, *progress); err != nil {
		slog.Error("quickstart failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, dot string, progress bool) error {
	s, err := gask.DefaultScheduler()
	if err != nil {
		return err
	}
	var opts []gask.Option
	if progress {
		opts = append(opts, gask.WithProgress())
	}
	fmt.Fprintf(w, "scheduler: %s (set GASK_SCHEDULER=sync|threads|threads:N|procs|procs:N to change it)\n\n", s)

	// Delayed: lazy calls of ordinary functions, computed when asked.
	fmt.Fprintln(w, "== delayed")
	mul := gask.Delay2(multiply)
	x := mul(gask.Value(2), gask.Value(3))
	y := mul(gask.Value(3), gask.Value(4))
	z := mul(x, y)
	v, err := z.Compute(ctx, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "multiply(multiply(2, 3), multiply(3, 4)) = %d\n", v)

	a := gask.Delay1(inc)(gask.Value(1))
	b := gask.Delay1(inc)(gask.Value(2))
	c := gask.Delay2(add)(a, b)
	v, err = c.Compute(ctx, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "add(inc(1), inc(2)) = %d\n", v)

	// Several results at once share the work they have in common.
	var va, vb int
	if err := gask.ComputeAll(ctx, []gask.Target{gask.Into(&va, a), gask.Into(&vb, c)}, opts...); err != nil {
		return err
	}
	fmt.Fprintf(w, "inc(1) and add(inc(1), inc(2)) together = %d, %d\n", va, vb)
	if dot != "" {
		if err := gask.Visualize(ctx, dot, z); err != nil {
			return err
		}
		fmt.Fprintf(w, "task graph of the first example written to %s\n", dot)
	}

	// Futures: work submitted to a client runs in the background.
	fmt.Fprintln(w, "\n== futures")
	client, err := gask.NewClient(ctx, opts...)
	if err != nil {
		return err
	}
	defer client.Close()
	pairs := [][2]int{{1, 2}, {3, 4}, {5, 6}, {9, 10}, {11, 12}}
	var xs, ys []int
	for _, p := range pairs {
		xs, ys = append(xs, p[0]), append(ys, p[1])
	}
	powers, err := gask.Map2(client, pow, xs, ys)
	if err != nil {
		return err
	}
	got, err := gask.Gather(ctx, powers)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "map(pow, %v) = %v\n", pairs, got)

	squares, err := gask.Map(client, square, []int{1, 2, 3, 4, 5})
	if err != nil {
		return err
	}
	sq, err := gask.Gather(ctx, squares)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "map(square, 1..5) = %v\n", sq)

	total, err := gask.Submit(client, gask.Delay2(add)(squares[3], squares[4]))
	if err != nil {
		return err
	}
	t, err := total.Result(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "submit(add, square(4), square(5)) = %d\n", t)
	if err := dataframes(ctx, w, opts); err != nil {
		return err
	}
	if err := bags(ctx, w, opts); err != nil {
		return err
	}
	return arrays(ctx, w, opts)
}

// tripsCSV is a small embedded data set; real data comes from ReadCSV of big files
// (cut into blocks read in parallel) or from Arrow.
const tripsCSV = `city,fare,tip,riders
paris,10.5,1,1
lyon,20,,2
paris,30,3,3
nice,5,0,1
lyon,15,2,4
paris,25,,2
nice,40,4,1
"lille, nord",12,1,2
`

// dataframes shows a lazy dataframe pipeline: read, filter, derive, group, aggregate.
func dataframes(ctx context.Context, w io.Writer, opts []gask.Option) error {
	fmt.Fprintln(w, "\n== dataframe")
	dir, err := os.MkdirTemp("", "gask-quickstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trips.csv")
	if err := os.WriteFile(path, []byte(tripsCSV), 0o644); err != nil {
		return err
	}
	col, lit := dataframe.Col, dataframe.Lit
	df := dataframe.ReadCSV(path, dataframe.Blocksize(64)). // tiny blocks: several partitions
								Filter(col("fare").Ge(lit(10))).
								WithColumn("total", col("fare").Add(col("tip").FillNull(lit(0)))).
								GroupBy("city").
								Agg(dataframe.Sum("total"), dataframe.Mean("riders"), dataframe.Size().As("trips"))
	fmt.Fprint(w, df.Explain())
	type row struct {
		City   string  `gask:"city"`
		Total  float64 `gask:"total"`
		Riders float64 `gask:"riders"`
		Trips  int     `gask:"trips"`
	}
	rows, err := dataframe.ToRecords[row](ctx, df, opts...)
	if err != nil {
		return err
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%-12s total=%6.2f riders=%.2f trips=%d\n", r.City, r.Total, r.Riders, r.Trips)
	}
	return nil
}

// bags shows a bag pipeline: lines to words to the most frequent words.
func bags(ctx context.Context, w io.Writer, opts []gask.Option) error {
	fmt.Fprintln(w, "\n== bag")
	lines := bag.FromSlice(strings.Split(poem, "\n"), 3)
	words := bag.FlatMap(lines, strings.Fields)
	top, err := bag.TopK(bag.Frequencies(words, false), 3, count).Compute(ctx, opts...)
	if err != nil {
		return err
	}
	for _, kv := range top {
		fmt.Fprintf(w, "%-6s %d\n", kv.Key, kv.Value)
	}
	return nil
}

const poem = `the cat sat
the cat ran
the dog sat
the cat`

// arrays shows a chunked array pipeline: the elementwise steps and the sum fuse into
// one task per block.
func arrays(ctx context.Context, w io.Writer, opts []gask.Option) error {
	fmt.Fprintln(w, "\n== array")
	x := array.Arange(0, 12, 1, array.Chunks(5)) // 0..11 in blocks of 5, 5 and 2
	s, err := x.Add(1).Mul(2).Sum().Compute(ctx, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sum((arange(12) + 1) * 2) = %g\n", s.Data[0])
	return nil
}
