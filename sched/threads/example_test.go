package threads_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/threads"
)

// A pool of four goroutines squares 100 numbers and sums them.
func Example() {
	ctx := context.Background()
	square := graph.Closure("square", func(_ context.Context, a []any) (any, error) { return a[0].(int) * a[0].(int), nil })
	sum := graph.Closure("sum", func(_ context.Context, a []any) (any, error) {
		s := 0
		for _, v := range a {
			s += v.(int)
		}
		return s, nil
	})
	g := graph.New(101)
	var parts []graph.Key
	for i := range 100 {
		k := graph.K("square", i)
		parts = append(parts, k)
		_ = g.Add(graph.Task{Key: k, Func: square, Args: []any{i + 1}})
	}
	_ = g.Add(graph.Task{Key: "total", Func: sum, Deps: parts})

	sess, _ := threads.New(threads.Workers(4)).Open(ctx, sched.Config{FailFast: true})
	defer sess.Close() // every goroutine of the pool has exited when Close returns
	_ = sess.Submit(g, []graph.Key{"total"})
	_, _ = sess.Wait(ctx, []graph.Key{"total"}, 1)
	fmt.Println(sess.Result("total"))
	// Output: 338350 <nil>
}
