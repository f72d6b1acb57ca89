package dataframe

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask/graph"
)

// Step is one row-wise operation on a partition: a projection (Exprs named Names, in
// order, become the columns) or a filter (rows where Pred is true are kept; null counts
// as false). Steps are plain data, so they ship to worker processes.
type Step struct {
	Kind  string // "project" or "filter"
	Exprs []Expr
	Names []string
	Pred  Expr
}

func (s Step) String() string {
	if s.Kind == "filter" {
		return "Filter " + s.Pred.String()
	}
	parts := make([]string, len(s.Exprs))
	for i, e := range s.Exprs {
		if e.Op == "col" && e.Name == s.Names[i] {
			parts[i] = e.Name
		} else {
			parts[i] = e.String() + " as " + s.Names[i]
		}
	}
	return "Project [" + strings.Join(parts, ", ") + "]"
}

// columns lists the input columns the step reads.
func (s Step) columns() []string {
	var out []string
	if s.Kind == "filter" {
		return s.Pred.columns(out)
	}
	for _, e := range s.Exprs {
		out = e.columns(out)
	}
	return out
}

// node is a logical plan node.
type node interface {
	schema() *arrow.Schema
	npartitions() int
	// lower adds the node's tasks to g and returns its partition keys.
	lower(g *graph.Graph) ([]graph.Key, error)
	// explain writes the node and its inputs, indented.
	explain(b *strings.Builder, indent string)
}

// source produces a DataFrame's partitions: from memory, from files, or from computed
// results. A source can read a subset of columns and apply steps as it reads
// (projection and filter pushdown).
type source interface {
	// describe is the source's line in Explain.
	describe() string
	// name is the key name of its partitions.
	name() string
	schema() *arrow.Schema
	npartitions() int
	// tasks are the tasks that produce partition i as key, reading only columns (all
	// when nil) and then applying steps; the last one has the key.
	tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error)
}

// scanNode reads a source, possibly only some of its columns, and applies steps to
// every partition in the same task: the fused, pushed-down shape of a row-wise chain.
type scanNode struct {
	src     source
	columns []string // projection pushed into the source; nil reads all
	steps   []Step
	out     *arrow.Schema // schema after columns and steps
	key     string        // key name of the output partitions
}

func (n *scanNode) schema() *arrow.Schema { return n.out }
func (n *scanNode) npartitions() int      { return n.src.npartitions() }

// sharer is a source whose partitions share most of their tasks (the input, a
// shuffle's splits, a sample, a chain of carries): lowering adds shared() once, and
// tasks then returns only what is partition i's own (its pipeline, if any), so that
// lowering P partitions costs O(P), not P times the whole graph.
type sharer interface {
	shared() (*graph.Graph, error)
}

// ownTasks is a sharer's partition: the pipeline over its shared output out, or
// nothing when out is the key asked for.
func ownTasks(key, out graph.Key, columns []string, steps []Step) []graph.Task {
	if out == key {
		return nil
	}
	return []graph.Task{pipelineTask(key, out, columns, steps)}
}

func (n *scanNode) lower(g *graph.Graph) ([]graph.Key, error) {
	keys := make([]graph.Key, n.npartitions())
	if sh, ok := n.src.(sharer); ok && len(keys) > 0 {
		if _, done := g.Task(graph.K(n.key, 0)); !done {
			sg, err := sh.shared()
			if err != nil {
				return nil, err
			}
			for _, t := range sg.Tasks() {
				if _, ok := g.Task(t.Key); !ok {
					if err := g.Add(t); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	for i := range keys {
		keys[i] = graph.K(n.key, i)
		if _, ok := g.Task(keys[i]); ok {
			continue // shared with another collection of the same computation
		}
		ts, err := n.src.tasks(keys[i], i, n.columns, n.steps)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if _, ok := g.Task(t.Key); ok {
				continue
			}
			if err := g.Add(t); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

func (n *scanNode) explain(b *strings.Builder, indent string) {
	for i := len(n.steps) - 1; i >= 0; i-- {
		fmt.Fprintf(b, "%s%s\n", indent, n.steps[i])
		indent += "  "
	}
	fmt.Fprintf(b, "%s%s", indent, n.src.describe())
	if n.columns != nil {
		fmt.Fprintf(b, " columns=[%s]", strings.Join(n.columns, ", "))
	}
	fmt.Fprintf(b, " npartitions=%d\n", n.npartitions())
	if in, ok := n.src.(interface{ input() *DataFrame }); ok {
		p, err := in.input().optimized()
		if err != nil {
			fmt.Fprintf(b, "%s  error: %v\n", indent, err)
			return
		}
		p.explain(b, indent+"  ")
	}
}

// keyName makes a deterministic key name for a source read with the given projection
// and steps, so the same plan always lowers to the same keys. A plain read keeps the
// source's own name.
func keyName(prefix string, columns []string, steps []Step) string {
	if columns == nil && len(steps) == 0 {
		return prefix
	}
	parts := []any{columns, steps}
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return fmt.Sprintf("%s-%016x", prefix, h.Sum64())
}

// stepSchema is the schema a step produces from in, with type errors.
func stepSchema(in *arrow.Schema, s Step) (*arrow.Schema, error) {
	switch s.Kind {
	case "filter":
		t, err := s.Pred.Type(in)
		if err != nil {
			return nil, err
		}
		if t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
			return nil, &TypeError{Expr: s.Pred.String(), Msg: fmt.Sprintf("a filter needs a boolean expression, not %s", t)}
		}
		return in, nil
	case "project":
		fields := make([]arrow.Field, len(s.Exprs))
		seen := map[string]bool{}
		for i, e := range s.Exprs {
			t, err := e.Type(in)
			if err != nil {
				return nil, err
			}
			if seen[s.Names[i]] {
				return nil, fmt.Errorf("dataframe: duplicate column name %q", s.Names[i])
			}
			seen[s.Names[i]] = true
			fields[i] = arrow.Field{Name: s.Names[i], Type: t, Nullable: true}
		}
		return arrow.NewSchema(fields, nil), nil
	}
	return nil, fmt.Errorf("dataframe: unknown step %q", s.Kind)
}

// optimize returns the plan with projection pushed into the source: only the columns
// that later steps (or the output) use are read, and projections of unused columns are
// dropped. Filters already run in the reading task; the source may use them to skip
// data. The logical steps are kept as they are.
func (n *scanNode) optimize() *scanNode {
	need := map[string]bool{}
	for _, f := range n.out.Fields() {
		need[f.Name] = true
	}
	steps := slices.Clone(n.steps) // nil without steps, as a worker process gets it
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if s.Kind == "project" {
			var exprs []Expr
			var names []string
			for j, e := range s.Exprs {
				if need[s.Names[j]] {
					exprs = append(exprs, e)
					names = append(names, s.Names[j])
				}
			}
			s = Step{Kind: "project", Exprs: exprs, Names: names}
			steps[i] = s
			need = map[string]bool{}
		}
		for _, c := range s.columns() {
			need[c] = true
		}
	}
	var cols []string
	for _, f := range n.src.schema().Fields() {
		if need[f.Name] {
			cols = append(cols, f.Name)
		}
	}
	if len(cols) == n.src.schema().NumFields() {
		cols = nil
	}
	out := *n
	out.columns, out.steps = cols, steps
	out.key = keyName(n.src.name(), cols, steps)
	return &out
}

// Source produces a DataFrame's partitions: implement it to add a reader (the
// dataframe/parquet package is one). Tasks returns the tasks that make partition i
// under key — reading only columns (all when nil) and then applying steps (see
// ApplySteps) — the last one having that key. Use registered functions with plain-data
// arguments so the reads can run on worker processes.
type Source interface {
	Describe() string
	Name() string // the key name of its partitions, the same for the same data
	Schema() *arrow.Schema
	NPartitions() int
	Tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error)
}

// FromSource makes a DataFrame of a Source.
func FromSource(s Source) *DataFrame { return fromSource(sourceAdapter{s}) }

type sourceAdapter struct{ s Source }

func (a sourceAdapter) describe() string      { return a.s.Describe() }
func (a sourceAdapter) name() string          { return a.s.Name() }
func (a sourceAdapter) schema() *arrow.Schema { return a.s.Schema() }
func (a sourceAdapter) npartitions() int      { return a.s.NPartitions() }
func (a sourceAdapter) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return a.s.Tasks(key, i, columns, steps)
}

// ApplySteps selects columns of rec (all when nil) and applies row-wise steps, as a
// Source's read task does after reading. rec is borrowed; the result is the caller's.
func ApplySteps(ctx context.Context, rec arrow.RecordBatch, columns []string, steps []Step) (arrow.RecordBatch, error) {
	out, err := applySteps(ctx, rec, columns, steps)
	if err == nil {
		seal(out) // a reader's partition is shared like any kernel's result
	}
	return out, err
}

// LeadingFilter is the conjunction of the filters at the start of steps — those a
// reader may use to skip data (such as Parquet row groups whose statistics rule them
// out). ok is false when steps do not start with a filter.
func LeadingFilter(steps []Step) (pred Expr, ok bool) {
	for _, s := range steps {
		if s.Kind != "filter" {
			break
		}
		if !ok {
			pred, ok = s.Pred, true
		} else {
			pred = pred.And(s.Pred)
		}
	}
	return pred, ok
}
