package dataframe

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// Astype casts columns to types ("int64", "float64", "string", "bool"); casting a
// value that does not fit (a non-number string to int64) is an error from Compute.
func (df *DataFrame) Astype(types map[string]string) *DataFrame {
	if df.err != nil {
		return df
	}
	var exprs []Expr
	for _, c := range df.Columns() {
		if t, ok := types[c]; ok {
			exprs = append(exprs, Col(c).Cast(t))
		} else {
			exprs = append(exprs, Col(c))
		}
	}
	for c := range types {
		if !slices.Contains(df.Columns(), c) {
			return failed(fmt.Errorf("dataframe: astype: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
	}
	return df.with(Step{Kind: "project", Exprs: exprs, Names: df.Columns()})
}

// FillNA replaces missing values (nulls, and NaN in float columns) with the given
// value per column; columns not named are left alone.
func (df *DataFrame) FillNA(values map[string]any) *DataFrame {
	if df.err != nil {
		return df
	}
	for c := range values {
		if !slices.Contains(df.Columns(), c) {
			return failed(fmt.Errorf("dataframe: fillna: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
	}
	var exprs []Expr
	for _, c := range df.Columns() {
		if v, ok := values[c]; ok {
			exprs = append(exprs, Col(c).FillNull(Lit(v)))
		} else {
			exprs = append(exprs, Col(c))
		}
	}
	return df.with(Step{Kind: "project", Exprs: exprs, Names: df.Columns()})
}

// DropNA drops the rows with a missing value (null, or NaN in a float column) in any
// of the subset columns, or in any column when no subset is given.
func (df *DataFrame) DropNA(subset ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(subset) == 0 {
		subset = df.Columns()
	}
	var pred Expr
	for i, c := range subset {
		if !slices.Contains(df.Columns(), c) {
			return failed(fmt.Errorf("dataframe: dropna: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
		present := Col(c).IsMissing().Not()
		if i == 0 {
			pred = present
		} else {
			pred = pred.And(present)
		}
	}
	return df.Filter(pred)
}

// Concat stacks DataFrames row-wise: the partitions of the first, then the second, and
// so on. Every DataFrame must have the same column names and types, in order; a
// mismatch is an error naming the DataFrame and column.
func Concat(dfs ...*DataFrame) *DataFrame {
	if len(dfs) == 0 {
		return failed(fmt.Errorf("dataframe: concat of nothing"))
	}
	for i, d := range dfs {
		if d.err != nil {
			return d
		}
		if i == 0 {
			continue
		}
		a, b := dfs[0].Schema(), d.Schema()
		if a.NumFields() != b.NumFields() {
			return failed(fmt.Errorf("dataframe: concat: DataFrame %d has %d columns (%s), DataFrame 0 has %d (%s)", i, b.NumFields(), strings.Join(d.Columns(), ", "), a.NumFields(), strings.Join(dfs[0].Columns(), ", ")))
		}
		for j := range a.NumFields() {
			fa, fb := a.Field(j), b.Field(j)
			if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
				return failed(fmt.Errorf("dataframe: concat: DataFrame %d column %d is %q (%s), DataFrame 0 has %q (%s)", i, j, fb.Name, fb.Type, fa.Name, fa.Type))
			}
		}
	}
	keys := make([]string, len(dfs))
	for i, d := range dfs {
		keys[i] = fmt.Sprint(d.Keys())
	}
	src := &concatSource{dfs: dfs, key: keyName("concat", keys, nil)}
	return fromSource(src)
}

// concatSource lays out the partitions of several DataFrames one after another.
type concatSource struct {
	dfs []*DataFrame
	key string

	once sync.Once
	keys []graph.Key // the inputs' partition keys, in order
}

func (s *concatSource) describe() string      { return fmt.Sprintf("Concat of %d DataFrames", len(s.dfs)) }
func (s *concatSource) name() string          { return s.key }
func (s *concatSource) schema() *arrow.Schema { return s.dfs[0].Schema() }
func (s *concatSource) npartitions() int {
	n := 0
	for _, d := range s.dfs {
		n += d.NPartitions()
	}
	return n
}

func (s *concatSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	s.once.Do(func() {
		for _, d := range s.dfs {
			s.keys = append(s.keys, d.Keys()...)
		}
	})
	if i >= len(s.keys) {
		return nil, fmt.Errorf("dataframe: concat: no partition %d", i)
	}
	return []graph.Task{pipelineTask(key, s.keys[i], columns, steps)}, nil
}

// shared is every input's tasks, each lowered once.
func (s *concatSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	for _, d := range s.dfs {
		if _, err := lowerInto(g, d); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// PartitionFunc transforms one partition. It borrows rec and returns a new record
// batch that it owns (retain rec to return it unchanged).
type PartitionFunc func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error)

// MapPartitions applies fn to every partition. schema is what fn returns (Dask's
// meta): the plan is checked against it, and a partition that comes back with another
// schema is an error naming the partition. A function registered with gask.Register
// can run on worker processes too; any other runs in process.
func (df *DataFrame) MapPartitions(fn PartitionFunc, schema *arrow.Schema) *DataFrame {
	if df.err != nil {
		return df
	}
	if fn == nil || schema == nil {
		return failed(fmt.Errorf("dataframe: MapPartitions needs a function and its output schema"))
	}
	src := &mapSource{in: df, fn: fn, sch: schema, label: gask.FuncLabel(fn), regName: gask.RegisteredName(fn)}
	// Function values cannot be compared, so every MapPartitions is its own key.
	src.key = graph.Token("map-partitions")
	return fromSource(src)
}

type mapSource struct {
	in      *DataFrame
	fn      PartitionFunc
	sch     *arrow.Schema
	key     string
	label   string
	regName string
}

func (s *mapSource) describe() string      { return "MapPartitions " + s.label }
func (s *mapSource) name() string          { return s.key }
func (s *mapSource) schema() *arrow.Schema { return s.sch }
func (s *mapSource) npartitions() int      { return s.in.NPartitions() }
func (s *mapSource) input() *DataFrame     { return s.in }

func (s *mapSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key+"-map", i), columns, steps), nil
}

// shared is the input's tasks, lowered once, and one map task per partition.
func (s *mapSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for i, k := range in {
		t := graph.Task{Key: graph.K(s.key+"-map", i), Func: s.taskFunc(i), Args: []any{graph.Input(0)}, Deps: []graph.Key{k}}
		if s.regName != "" {
			t.Args = []any{mapCall{Func: s.regName, Label: s.label, Part: i, Schema: fieldList(s.sch.Fields())}, graph.Input(0)}
		}
		if err := g.Add(t); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// taskFunc is the task function of partition i: a registered function ships as the
// map-partitions kernel (which finds it by name in a worker process), any other runs
// in process.
func (s *mapSource) taskFunc(i int) graph.Func {
	sch := s.sch
	run := func(ctx context.Context, args []any) (any, error) {
		rec, ok := args[len(args)-1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: MapPartitions input is %T", args[len(args)-1])
		}
		out, err := s.fn(ctx, rec)
		if err != nil {
			return nil, err
		}
		return checkMapped(s.label, i, out, sch)
	}
	if s.regName != "" {
		return graph.RegisteredAs(mapPartitionsName, run).WithLabel(s.regName)
	}
	return graph.Closure(s.label, run)
}

// checkMapped returns out, partition i of MapPartitions fn, when it has the declared
// schema, and fails otherwise.
func checkMapped(fn string, i int, out arrow.RecordBatch, sch *arrow.Schema) (arrow.RecordBatch, error) {
	if !out.Schema().Equal(sch) {
		out.Release()
		return nil, fmt.Errorf("dataframe: MapPartitions %s: partition %d came back with schema %s, declared %s", fn, i, out.Schema(), sch)
	}
	return out, nil
}

// mapCall is a MapPartitions of a registered function as plain data: the
// map-partitions kernel's first argument.
type mapCall struct {
	Func   string // the registered name
	Label  string // the function's name, for errors
	Part   int    // the partition, for errors
	Schema fieldList
}

const mapPartitionsName = "dataframe.map-partitions"

func init() {
	register(mapPartitionsName, func(ctx context.Context, args []any) (any, error) {
		call, ok := args[0].(mapCall)
		if !ok || len(args) != 2 {
			return nil, fmt.Errorf("dataframe: MapPartitions: arguments %T", args)
		}
		out, err := callRegisteredRecord(ctx, call.Func, args[1:], fmt.Sprintf("MapPartitions %s: partition %d", call.Label, call.Part))
		if err != nil {
			return nil, err
		}
		return checkMapped(call.Label, call.Part, out, arrow.NewSchema(call.Schema, nil))
	})
}

// callRegisteredRecord calls the function registered as name (a user's function,
// shipped by name) and returns the record batch it must return; what names the call
// in errors.
func callRegisteredRecord(ctx context.Context, name string, args []any, what string) (arrow.RecordBatch, error) {
	kernel, ok := graph.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("dataframe: %s: no function registered as %q", what, name)
	}
	v, err := kernel(ctx, args)
	if err != nil {
		return nil, err
	}
	out, ok := v.(arrow.RecordBatch)
	if !ok {
		if r, ok := v.(interface{ Release() }); ok {
			r.Release()
		}
		return nil, fmt.Errorf("dataframe: %s returned %T, not a record batch", what, v)
	}
	return out, nil
}
