package sync_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

// The sync scheduler runs tasks one at a time, in the caller's goroutine, in the same
// order every time: depth-first, a branch finished before the next starts.
func Example() {
	ctx := context.Background()
	leaf := graph.Closure("leaf", func(context.Context, []any) (any, error) { return 1, nil })
	sum := graph.Closure("sum", func(_ context.Context, a []any) (any, error) { return len(a), nil })
	g := graph.New(7)
	for b := range 2 {
		_ = g.Add(graph.Task{Key: graph.K("leaf", 2*b), Func: leaf})
		_ = g.Add(graph.Task{Key: graph.K("leaf", 2*b+1), Func: leaf})
		_ = g.Add(graph.Task{Key: graph.K("sum", b), Func: sum, Deps: []graph.Key{graph.K("leaf", 2*b), graph.K("leaf", 2*b+1)}})
	}
	_ = g.Add(graph.Task{Key: "total", Func: sum, Deps: []graph.Key{graph.K("sum", 0), graph.K("sum", 1)}})

	cb := sched.Callbacks{Start: func(i sched.TaskInfo) { fmt.Println(i.Key) }}
	sess, _ := schedsync.New().Open(ctx, sched.Config{FailFast: true, Callbacks: cb})
	defer sess.Close()
	_ = sess.Submit(g, []graph.Key{"total"})
	_, _ = sess.Wait(ctx, []graph.Key{"total"}, 1)
	// Output:
	// ('leaf', 0)
	// ('leaf', 1)
	// ('sum', 0)
	// ('leaf', 2)
	// ('leaf', 3)
	// ('sum', 1)
	// total
}
