package dataframe_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/internal/schedtest"
	"github.com/gask-dev/gask/internal/shipcheck"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
	"github.com/gask-dev/gask/sched/threads"
)

func TestMain(m *testing.M) { schedtest.Main(m) }

// checked returns a context whose Arrow allocations go through a checked allocator
// that must be empty when the test ends.
func checked(t *testing.T) context.Context {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return compute.WithAllocator(context.Background(), mem)
}

// schedulers is the scheduler matrix, whose sync scheduler also checks that every
// shippable task's arguments and result survive the trip to a worker process
// unchanged (shipcheck): a parameter that gob cannot carry whole, such as a struct
// with an unexported field, fails there instead of reaching a worker as a zero. The
// check is of data, which the plain run covers: the race detector's run skips it (it
// would double that run's time).
var schedulers = func() []sched.Scheduler {
	all := schedtest.All()
	if !raceEnabled {
		all[0] = shipcheck.Wrap(all[0])
	}
	return all
}()

// Tests without a scheduler of their own run on threads, with the same check, unless
// GASK_SCHEDULER names another.
func init() {
	if !raceEnabled && os.Getenv("GASK_SCHEDULER") == "" {
		gask.SetDefaultScheduler(shipcheck.Wrap(threads.New()))
	}
}

func eachScheduler(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	eachSchedulerOf(t, schedulers, f)
}

func eachSchedulerOf(t *testing.T, scheds []sched.Scheduler, f func(t *testing.T, opt gask.Option)) {
	for _, s := range scheds {
		t.Run(s.String(), func(t *testing.T) { f(t, gask.WithScheduler(s)) })
	}
}

// eachLocal runs f on the in-process schedulers only: for what runs Go closures
// (MapPartitions, GroupBy.Apply, custom aggregations, ... of unregistered functions),
// which cannot leave the process by design. refused checks procs on them.
func eachLocal(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	eachSchedulerOf(t, schedtest.Local(), f)
}

// refused checks that the procs scheduler refuses df, which runs a closure, before
// running anything: a *procs.UnshippableError naming a task of df and the closure
// (by a part of its label).
func refused(t *testing.T, df *dataframe.DataFrame, closure string) {
	t.Helper()
	_, err := df.Compute(context.Background(), gask.WithScheduler(schedtest.Procs))
	var ue *procs.UnshippableError
	if !errors.As(err, &ue) {
		t.Fatalf("procs ran a closure: got %v, want a *procs.UnshippableError", err)
	}
	if ue.Key == "" || !strings.Contains(ue.Func, closure) || !strings.Contains(err.Error(), string(ue.Key)) || !strings.Contains(err.Error(), "cannot leave the process") {
		t.Fatalf("procs refused %q (task %q runs %q), want a task running %q named", err, ue.Key, ue.Func, closure)
	}
}

type trip struct {
	ID     int64    `gask:"id"`
	City   string   `gask:"city"`
	Fare   float64  `gask:"fare"`
	Tip    *float64 `gask:"tip"`
	Riders int32    `gask:"riders"`
}

func f64(v float64) *float64 { return &v }

var trips = []trip{
	{1, "paris", 10, f64(1), 1}, {2, "lyon", 20, nil, 2}, {3, "paris", 30, f64(3), 3},
	{4, "nice", 5, f64(0), 1}, {5, "lyon", 15, f64(2), 4}, {6, "paris", 25, nil, 2},
	{7, "nice", 40, f64(4), 1},
}

// tableString renders a table row by row for comparisons.
func tableString(t *testing.T, tbl arrow.Table) string {
	t.Helper()
	var b strings.Builder
	r := make([][]string, tbl.NumRows())
	for c := 0; c < int(tbl.NumCols()); c++ {
		row := 0
		for _, ch := range tbl.Column(c).Data().Chunks() {
			for i := 0; i < ch.Len(); i++ {
				r[row] = append(r[row], ch.ValueStr(i))
				row++
			}
		}
	}
	b.WriteString(strings.Join(fieldNames(tbl.Schema()), ",") + "\n")
	for _, row := range r {
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.String()
}

func fieldNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func TestRowWisePipeline(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		df := dataframe.FromRecords(trips, 3).
			Filter(dataframe.Col("fare").Gt(dataframe.Lit(12))).
			WithColumn("total", dataframe.Col("fare").Add(dataframe.Col("tip").FillNull(dataframe.Lit(0)))).
			Select("id", "city", "total")
		if err := df.Err(); err != nil {
			t.Fatal(err)
		}
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		want := "id,city,total\n2,lyon,20\n3,paris,33\n5,lyon,17\n6,paris,25\n7,nice,44\n"
		if got := tableString(t, tbl); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		head, err := df.Head(ctx, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer head.Release()
		if got := tableString(t, head); got != "id,city,total\n2,lyon,20\n3,paris,33\n" {
			t.Fatalf("head\n%s", got)
		}
		n, err := df.Len(ctx, opt)
		if err != nil || n != 5 {
			t.Fatalf("len %d, %v", n, err)
		}
		fmt.Print(df.Explain())
	})
}

func TestPlanTypeErrors(t *testing.T) {
	df := dataframe.FromRecords(trips, 2)
	tests := []struct {
		df   *dataframe.DataFrame
		want string
	}{
		{df.Select("nope"), `dataframe: nope: unknown column "nope" (columns: id, city, fare, tip, riders)`},
		{df.Filter(dataframe.Col("city").Add(dataframe.Lit(1))), `dataframe: (city + 1): add needs numbers, but city is utf8`},
		{df.Filter(dataframe.Col("fare")), `dataframe: fare: a filter needs a boolean expression, not float64`},
		{df.Filter(dataframe.Col("city").Gt(dataframe.Lit(3))), `dataframe: (city > 3): cannot compare city (utf8) with 3 (int64)`},
		{df.Drop("zzz"), `dataframe: drop: unknown column "zzz"`},
	}
	for _, tt := range tests {
		err := tt.df.Err()
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
		if _, cerr := tt.df.Compute(context.Background()); !errors.Is(cerr, err) && (cerr == nil || !strings.Contains(cerr.Error(), tt.want)) {
			t.Errorf("Compute returned %v, want the plan error", cerr)
		}
	}
}

func TestTemporalTypeErrors(t *testing.T) {
	df := dataframe.FromRecords(trips, 1)
	for _, tt := range []struct {
		e    dataframe.Expr
		want string
	}{
		{dataframe.Col("city").Year(), `year needs a date or timestamp, but city is utf8`},
		{dataframe.Col("city").Upper().Len().Truncate("day"), `truncate needs a date or timestamp`},
		{dataframe.Col("fare").Upper(), `upper needs strings, but fare is float64`},
		{dataframe.When(dataframe.Col("fare")).Then(dataframe.Lit(1)).Otherwise(dataframe.Lit(2)), `a When condition needs a boolean`},
		{dataframe.When(dataframe.Col("fare").Gt(dataframe.Lit(1))).Then(dataframe.Lit("x")).Otherwise(dataframe.Lit(2)), `When branches have incompatible types`},
	} {
		if err := df.WithColumn("x", tt.e).Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.e, err, tt.want)
		}
	}
}
