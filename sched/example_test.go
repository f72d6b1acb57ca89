package sched_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/threads"
)

// A session used directly: submit a graph, wait for its output, read the result. This
// is what gask.Compute does for every collection.
func Example() {
	ctx := context.Background()
	double := graph.Closure("double", func(_ context.Context, a []any) (any, error) { return 2 * a[0].(int), nil })
	g := graph.New(2)
	_ = g.Add(graph.Literal("x", 21))
	_ = g.Add(graph.Task{Key: "y", Func: double, Deps: []graph.Key{"x"}})

	sess, err := threads.New().Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		panic(err)
	}
	defer sess.Close()
	if err := sess.Submit(g, []graph.Key{"y"}); err != nil {
		panic(err)
	}
	if _, err := sess.Wait(ctx, []graph.Key{"y"}, 1); err != nil {
		panic(err)
	}
	v, err := sess.Result("y")
	st := sess.Stats()
	fmt.Println(v, err, st.Run, st.Held)
	// Output: 42 <nil> 2 1
}

func ExampleSizeOf() {
	fmt.Println(sched.SizeOf(make([]float64, 1000)), sched.SizeOf("hello"), sched.SizeOf(7))
	// Output: 8000 5 8
}
