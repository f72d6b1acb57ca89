package graph

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteDOT writes the graph in Graphviz DOT: one box per task, labelled with its key and
// function, and an edge from each dependency to the task that needs it. Closures are
// drawn dashed, since they cannot leave the process.
func (g *Graph) WriteDOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "digraph gask {")
	fmt.Fprintln(bw, "  rankdir=BT;")
	fmt.Fprintln(bw, `  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];`)
	for i := range g.tasks {
		t := &g.tasks[i]
		style := ""
		if !t.Func.Shippable() {
			style = `, style="rounded,dashed"`
		}
		fmt.Fprintf(bw, "  n%d [label=%s%s];\n", i, strconv.Quote(string(t.Key)+"\n"+t.Func.String()), style)
	}
	for i := range g.tasks {
		for _, d := range g.tasks[i].Deps {
			if j, ok := g.index[d]; ok {
				fmt.Fprintf(bw, "  n%d -> n%d;\n", j, i)
			} else {
				fmt.Fprintf(bw, "  %s -> n%d;\n", strconv.Quote(string(d)), i)
			}
		}
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}
