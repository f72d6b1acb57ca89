package graph_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gask-dev/gask/graph"
)

func init() {
	graph.Register("example.add", func(_ context.Context, args []any) (any, error) {
		return args[0].(int) + args[1].(int), nil
	})
}

// Build a small graph by hand: two literals and a registered addition.
func Example() {
	g := graph.New(3)
	_ = g.Add(graph.Literal(graph.K("x", 0), 1))
	_ = g.Add(graph.Literal(graph.K("x", 1), 2))
	_ = g.Add(graph.Task{
		Key:  "total",
		Func: graph.Registered("example.add"),
		Deps: []graph.Key{graph.K("x", 0), graph.K("x", 1)},
	})
	fmt.Println(g.Validate(), g.CheckShippable())
	fmt.Println(g.Order([]graph.Key{"total"}))
	// Output:
	// <nil> <nil>
	// [0 1 2]
}

func ExampleK() {
	fmt.Println(graph.K("read-csv-8f3a", 3), graph.K("x", 0, 4), graph.K("total"))
	// Output: ('read-csv-8f3a', 3) ('x', 0, 4) total
}

func ExampleGraph_Validate() {
	g := graph.New(2)
	_ = g.Add(graph.Task{Key: "a", Func: graph.Registered("example.add"), Deps: []graph.Key{"b"}})
	_ = g.Add(graph.Task{Key: "b", Func: graph.Registered("example.add"), Deps: []graph.Key{"a"}})
	fmt.Println(g.Validate())
	// Output: graph: dependency cycle: a -> b -> a
}

func ExampleGraph_WriteDOT() {
	g := graph.New(2)
	_ = g.Add(graph.Literal("x", 1))
	_ = g.Add(graph.Task{Key: "y", Func: graph.Registered("example.add"), Args: []any{graph.Input(0), 10}, Deps: []graph.Key{"x"}})
	_ = g.WriteDOT(os.Stdout)
	// Output:
	// digraph gask {
	//   rankdir=BT;
	//   node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];
	//   n0 [label="x\ngraph.literal"];
	//   n1 [label="y\nexample.add"];
	//   n0 -> n1;
	// }
}
