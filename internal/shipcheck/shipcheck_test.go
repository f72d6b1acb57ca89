package shipcheck_test

import (
	"context"
	"encoding/gob"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/shipcheck"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

// param is a kernel parameter with a field gob does not carry.
type param struct {
	N    int
	hint string
}

// whole is one that travels whole.
type whole struct {
	N    int
	Keys []string
	F    float64
	At   time.Time
}

func init() {
	gob.Register(param{})
	gob.Register(whole{})
	graph.Register("shipcheck_test.echo", func(_ context.Context, args []any) (any, error) { return args[0], nil })
	graph.Register("shipcheck_test.lossy", func(context.Context, []any) (any, error) { return param{N: 1, hint: "h"}, nil })
}

func TestRoundTrip(t *testing.T) {
	for _, v := range []any{
		nil, 3, "x", []int{1, 2},
		whole{N: 1, Keys: []string{"a"}, F: math.NaN(), At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)},
	} {
		if err := shipcheck.RoundTrip(v); err != nil {
			t.Errorf("%#v: %v", v, err)
		}
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{param{N: 1, hint: "h"}, `.hint: h became `},
		{whole{Keys: []string{}}, "a empty []string became nil"},
		{struct{ X int }{1}, "type not registered"},
	} {
		err := shipcheck.RoundTrip(tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%#v: got %v, want it to say %q", tc.v, err, tc.want)
		}
	}
}

func TestRecords(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1, math.NaN(), 3}, nil)
	b.Field(0).AppendNull()
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := shipcheck.RoundTrip(rec); err != nil {
		t.Fatal(err)
	}
	b.Field(0).(*array.Float64Builder).Append(2)
	other := b.NewRecordBatch()
	defer other.Release()
	if d := shipcheck.Diff(rec, other); !strings.Contains(d, "record") {
		t.Fatalf("different records: %q", d)
	}
}

// TestWrap runs graphs on a wrapped scheduler: a literal argument that loses a field
// fails the Submit, a result that does fails the task, and whole values run.
func TestWrap(t *testing.T) {
	ctx := context.Background()
	run := func(arg any, fn string) error {
		sess, err := shipcheck.Wrap(schedsync.New()).Open(ctx, sched.Config{FailFast: true})
		if err != nil {
			return err
		}
		defer sess.Close()
		g := graph.New(2)
		g.Add(graph.Task{Key: "a", Func: graph.Registered(fn), Args: []any{arg}})
		g.Add(graph.Task{Key: "b", Func: graph.Registered("shipcheck_test.echo"), Args: []any{graph.Input(0)}, Deps: []graph.Key{"a"}})
		if err := sess.Submit(g, []graph.Key{"b"}); err != nil {
			return err
		}
		if _, err := sess.Wait(ctx, []graph.Key{"b"}, 1); err != nil {
			return err
		}
		_, err = sess.Result("b")
		return err
	}
	if err := run(whole{N: 2}, "shipcheck_test.echo"); err != nil {
		t.Fatal(err)
	}
	if err := run(3, "shipcheck_test.lossy"); err == nil || !strings.Contains(err.Error(), "result of task a (shipcheck_test.lossy)") || !strings.Contains(err.Error(), ".hint") {
		t.Fatalf("lossy result: %v", err)
	}
	if err := run(param{N: 1, hint: "h"}, "shipcheck_test.echo"); err == nil || !strings.Contains(err.Error(), "task a (shipcheck_test.echo) argument 0") || !strings.Contains(err.Error(), ".hint") {
		t.Fatalf("lossy argument: %v", err)
	}
	// A closure's task is not checked: it never leaves the process.
	sess, err := shipcheck.Wrap(schedsync.New()).Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	g := graph.New(1)
	g.Add(graph.Task{Key: "c", Func: graph.Closure("local", func(context.Context, []any) (any, error) { return param{hint: "h"}, nil }), Args: []any{param{hint: "h"}}})
	if err := sess.Submit(g, []graph.Key{"c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Wait(ctx, []graph.Key{"c"}, 1); err != nil {
		t.Fatal(err)
	}
}
