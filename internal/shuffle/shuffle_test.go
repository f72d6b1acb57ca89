package shuffle_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/shuffle"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

// TestLayout shuffles numbers by their remainder through the layout and checks the
// task count and every output partition.
func TestLayout(t *testing.T) {
	g := graph.New(0)
	var in []graph.Key
	for i, p := range [][]int{{1, 2, 3}, {4, 5}, {6}, {}} {
		k := graph.K("in", i)
		in = append(in, k)
		if err := g.Add(graph.Literal(k, p)); err != nil {
			t.Fatal(err)
		}
	}
	l := shuffle.Layout{
		Name: "mod", N: 3, SplitArgs: []any{3},
		Split: graph.Closure("split", func(_ context.Context, args []any) (any, error) {
			n := args[0].(int)
			out := make([][]int, n)
			for _, x := range args[1].([]int) {
				out[x%n] = append(out[x%n], x)
			}
			return out, nil
		}),
		Concat: graph.Closure("concat", func(_ context.Context, args []any) (any, error) {
			shards, err := shuffle.Shards[[][]int](args[0].(int), args[1:])
			if err != nil {
				return nil, err
			}
			var out []int
			for _, s := range shards {
				out = append(out, s...)
			}
			return out, nil
		}),
	}
	out, err := l.Add(g, in)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 4+4+3 {
		t.Errorf("%d tasks, want P inputs + P splits + n concats = 11", g.Len())
	}
	ctx := context.Background()
	sess, err := schedsync.New().Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Submit(g, out); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Wait(ctx, out, len(out)); err != nil {
		t.Fatal(err)
	}
	want := [][]int{{3, 6}, {1, 4}, {2, 5}}
	for j, k := range out {
		got, err := sess.Result(k)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[j]) {
			t.Errorf("partition %d: got %v, want %v", j, got, want[j])
		}
	}
	if _, err := shuffle.Shards[[][]int](5, []any{[][]int{{1}}}); err == nil {
		t.Error("missing shard not reported")
	}
	if _, err := (shuffle.Layout{Name: "x"}).Add(graph.New(0), in); err == nil {
		t.Error("0 outputs accepted")
	}
}
