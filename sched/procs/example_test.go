//go:build unix

package procs_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
)

// A graph of registered functions computed in two worker processes. The test binary
// serves as the workers because its TestMain calls gask.MainTest first.
func Example() {
	ctx := context.Background()
	g := graph.New(3)
	g.Add(graph.Task{Key: "one", Func: graph.Registered("procs_test.inc"), Args: []any{0}})
	g.Add(graph.Task{Key: "two", Func: graph.Registered("procs_test.inc"), Deps: []graph.Key{"one"}})
	g.Add(graph.Task{Key: "sum", Func: graph.Registered("procs_test.sum"), Deps: []graph.Key{"one", "two"}})

	sess, err := procs.New(procs.Workers(2)).Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sess.Close()
	if err := sess.Submit(g, []graph.Key{"sum"}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := sess.Wait(ctx, []graph.Key{"sum"}, 1); err != nil {
		fmt.Println(err)
		return
	}
	v, err := sess.Result("sum")
	fmt.Println(v, err)
	// Output: 3 <nil>
}
