package dataframe

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// DataFrame is a lazy, partitioned table whose partitions are Arrow record batches.
// Methods build a logical plan and never compute; Compute, Persist, Head and Len run
// it on a scheduler. The schema is known before anything runs, and so are the errors
// of the plan: a method given an unknown column or a mistyped expression returns a
// DataFrame whose Err reports it, and whose Compute returns it.
type DataFrame struct {
	plan  *scanNode
	err   error
	index *indexInfo // the column the partitions are sorted and bounded by, if known
}

func failed(err error) *DataFrame { return &DataFrame{err: err} }

// Failed is a DataFrame whose plan failed with err: its Err and Compute return err.
// Readers in other packages use it to report bad input before anything runs.
func Failed(err error) *DataFrame { return failed(err) }

// Err is the first error met while building the DataFrame's plan, if any.
func (df *DataFrame) Err() error { return df.err }

// Schema is the Arrow schema of the result.
func (df *DataFrame) Schema() *arrow.Schema {
	if df.err != nil {
		return arrow.NewSchema(nil, nil)
	}
	return df.plan.schema()
}

// Columns are the result's column names.
func (df *DataFrame) Columns() []string { return fieldNames(df.Schema()) }

// NPartitions is the number of partitions.
func (df *DataFrame) NPartitions() int {
	if df.err != nil {
		return 0
	}
	return df.plan.npartitions()
}

// with returns a DataFrame with one more row-wise step, checked against the schema.
func (df *DataFrame) with(s Step) *DataFrame {
	if df.err != nil {
		return df
	}
	out, err := stepSchema(df.plan.out, s)
	if err != nil {
		return failed(err)
	}
	n := *df.plan
	n.steps = append(slices.Clip(n.steps), s)
	n.out = out
	return &DataFrame{plan: &n, index: df.index.through(s)}
}

// Select keeps the named columns, in that order.
func (df *DataFrame) Select(columns ...string) *DataFrame {
	exprs := make([]Expr, len(columns))
	for i, c := range columns {
		exprs[i] = Col(c)
	}
	return df.with(Step{Kind: "project", Exprs: exprs, Names: columns})
}

// Drop removes the named columns; an unknown name is an error.
func (df *DataFrame) Drop(columns ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	drop := map[string]bool{}
	for _, c := range columns {
		if len(df.Schema().FieldIndices(c)) == 0 {
			return failed(fmt.Errorf("dataframe: drop: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
		drop[c] = true
	}
	var keep []string
	for _, c := range df.Columns() {
		if !drop[c] {
			keep = append(keep, c)
		}
	}
	return df.Select(keep...)
}

// Rename renames columns, old name to new name; an unknown name is an error.
func (df *DataFrame) Rename(names map[string]string) *DataFrame {
	if df.err != nil {
		return df
	}
	for old := range names {
		if len(df.Schema().FieldIndices(old)) == 0 {
			return failed(fmt.Errorf("dataframe: rename: unknown column %q (columns: %s)", old, strings.Join(df.Columns(), ", ")))
		}
	}
	var exprs []Expr
	var out []string
	for _, c := range df.Columns() {
		exprs = append(exprs, Col(c))
		if n, ok := names[c]; ok {
			out = append(out, n)
		} else {
			out = append(out, c)
		}
	}
	return df.with(Step{Kind: "project", Exprs: exprs, Names: out})
}

// WithColumn adds a column computed by e, or replaces the column of that name
// (pandas' assign).
func (df *DataFrame) WithColumn(name string, e Expr) *DataFrame {
	return df.WithColumns([]string{name}, []Expr{e})
}

// WithColumns adds or replaces several columns at once; every expression sees the
// columns as they were before.
func (df *DataFrame) WithColumns(names []string, exprs []Expr) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(names) != len(exprs) {
		return failed(fmt.Errorf("dataframe: WithColumns: %d names for %d expressions", len(names), len(exprs)))
	}
	byName := map[string]Expr{}
	for i, n := range names {
		byName[n] = exprs[i]
	}
	var outExprs []Expr
	var outNames []string
	for _, c := range df.Columns() {
		if e, ok := byName[c]; ok {
			outExprs = append(outExprs, e)
			delete(byName, c)
		} else {
			outExprs = append(outExprs, Col(c))
		}
		outNames = append(outNames, c)
	}
	for i, n := range names {
		if _, ok := byName[n]; ok {
			outExprs = append(outExprs, exprs[i])
			outNames = append(outNames, n)
		}
	}
	return df.with(Step{Kind: "project", Exprs: outExprs, Names: outNames})
}

// Filter keeps the rows where pred is true; rows where it is null are dropped (as
// SQL and Dask's boolean indexing with missing values do).
func (df *DataFrame) Filter(pred Expr) *DataFrame {
	return df.with(Step{Kind: "filter", Pred: pred})
}

// optimized is the plan as it lowers.
func (df *DataFrame) optimized() (*scanNode, error) {
	if df.err != nil {
		return nil, df.err
	}
	return df.plan.optimize(), nil
}

// Graph implements gask.Collection.
func (df *DataFrame) Graph() (*graph.Graph, error) {
	p, err := df.optimized()
	if err != nil {
		return nil, err
	}
	g := graph.New(p.npartitions())
	if _, err := p.lower(g); err != nil {
		return nil, err
	}
	return g, nil
}

// Keys implements gask.Collection: one key per partition.
func (df *DataFrame) Keys() []graph.Key {
	p, err := df.optimized()
	if err != nil {
		return nil
	}
	keys := make([]graph.Key, p.npartitions())
	for i := range keys {
		keys[i] = graph.K(p.key, i)
	}
	return keys
}

// Finalize implements gask.Computable: the partitions, in order, as one table. The
// caller releases the table.
func (df *DataFrame) Finalize(results []any) (arrow.Table, error) {
	recs := make([]arrow.RecordBatch, 0, len(results))
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for i, r := range results {
		rec, ok := r.(arrow.RecordBatch)
		if !ok {
			for _, r := range results[i:] {
				if rel, ok := r.(interface{ Release() }); ok {
					rel.Release()
				}
			}
			return nil, fmt.Errorf("dataframe: partition %d is %T, not an Arrow record batch", i, r)
		}
		recs = append(recs, rec)
	}
	return array.NewTableFromRecords(df.Schema(), recs), nil
}

// Persisted implements gask.Persistable: a DataFrame read from computed partitions.
func (df *DataFrame) Persisted(outputs []graph.Task) *DataFrame {
	name := graph.Token("persisted")
	if len(outputs) > 0 {
		name = outputs[0].Key.Name() // persisted partitions keep their keys
	}
	out := fromSource(&taskSource{key: name, parts: outputs, sch: df.Schema(), what: "Persisted"})
	out.index = df.index
	return out
}

// Compute computes the DataFrame into an Arrow table, which the caller releases.
func (df *DataFrame) Compute(ctx context.Context, opts ...gask.Option) (arrow.Table, error) {
	return gask.Compute[arrow.Table](ctx, df, opts...)
}

// Persist computes the DataFrame and returns one backed by its computed partitions.
func (df *DataFrame) Persist(ctx context.Context, opts ...gask.Option) (*DataFrame, error) {
	return gask.Persist(ctx, df, opts...)
}

// Explain describes the optimized plan: what each partition's task does, from the
// source up, with the projection pushed into the reader.
func (df *DataFrame) Explain() string {
	p, err := df.optimized()
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	p.explain(&b, "")
	return b.String()
}

func fromSource(src source) *DataFrame {
	return &DataFrame{plan: &scanNode{src: src, out: src.schema(), key: src.name()}}
}

// partition is one partition of a DataFrame as a collection of its own, for Head.
type partition struct {
	df *DataFrame
	i  int
}

func (p partition) Graph() (*graph.Graph, error) { return p.df.Graph() }
func (p partition) Keys() []graph.Key            { return p.df.Keys()[p.i : p.i+1] }
func (p partition) Finalize(r []any) (arrow.RecordBatch, error) {
	rec, ok := r[0].(arrow.RecordBatch)
	if !ok {
		return nil, fmt.Errorf("dataframe: partition %d is %T, not an Arrow record batch", p.i, r[0])
	}
	return rec, nil
}

// Head computes the first n rows, computing only as many partitions (from the first)
// as it takes to find them. The caller releases the table.
func (df *DataFrame) Head(ctx context.Context, n int, opts ...gask.Option) (arrow.Table, error) {
	if df.err != nil {
		return nil, df.err
	}
	var recs []arrow.RecordBatch
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	have := int64(0)
	for i := 0; i < df.NPartitions() && have < int64(n); i++ {
		rec, err := gask.Compute[arrow.RecordBatch](ctx, partition{df, i}, opts...)
		if err != nil {
			return nil, err
		}
		take := min(rec.NumRows(), int64(n)-have)
		if take < rec.NumRows() {
			s := rec.NewSlice(0, take)
			rec.Release()
			rec = s
		}
		recs = append(recs, rec)
		have += take
	}
	return array.NewTableFromRecords(df.Schema(), recs), nil
}

// Len counts the rows, without materializing the columns beyond what the filters need.
func (df *DataFrame) Len(ctx context.Context, opts ...gask.Option) (int64, error) {
	if df.err != nil {
		return 0, df.err
	}
	return gask.Compute[int64](ctx, &lenCollection{df.Select()}, opts...)
}

// taskSource is a source whose partitions come from given tasks (in-memory records,
// persisted results).
type taskSource struct {
	key   string
	parts []graph.Task
	sch   *arrow.Schema
	what  string
}

func (s *taskSource) describe() string {
	return s.what
}
func (s *taskSource) name() string          { return s.key }
func (s *taskSource) schema() *arrow.Schema { return s.sch }
func (s *taskSource) npartitions() int      { return len(s.parts) }

func (s *taskSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	t := s.parts[i]
	if t.Key == key {
		return []graph.Task{t}, nil
	}
	// The partition's own task, then the pipeline over it (graph fusion joins them).
	return []graph.Task{t, pipelineTask(key, t.Key, columns, steps)}, nil
}

const pipelineName = "dataframe.pipeline"

func init() {
	register(pipelineName, func(ctx context.Context, args []any) (any, error) {
		columns, _ := args[0].([]string)
		steps, _ := args[1].([]Step)
		rec, ok := args[2].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: pipeline input is %T, not a record batch", args[2])
		}
		return applySteps(ctx, rec, columns, steps)
	})
}

func pipelineTask(key, input graph.Key, columns []string, steps []Step) graph.Task {
	return graph.Task{
		Key:  key,
		Func: graph.Registered(pipelineName),
		Args: []any{columns, steps, graph.Input(0)},
		Deps: []graph.Key{input},
	}
}

// applySteps selects columns of rec and runs steps on it, returning a new record the
// caller owns (rec itself is borrowed).
func applySteps(ctx context.Context, rec arrow.RecordBatch, columns []string, steps []Step) (arrow.RecordBatch, error) {
	cur, err := selectColumns(rec, columns)
	if err != nil {
		return nil, err
	}
	for _, s := range steps {
		next, err := applyStep(ctx, cur, s)
		cur.Release()
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// selectColumns returns a new reference to the named columns of rec (all when nil).
func selectColumns(rec arrow.RecordBatch, columns []string) (arrow.RecordBatch, error) {
	if columns == nil {
		rec.Retain()
		return rec, nil
	}
	fields := make([]arrow.Field, len(columns))
	cols := make([]arrow.Array, len(columns))
	for i, c := range columns {
		idx := rec.Schema().FieldIndices(c)
		if len(idx) == 0 {
			return nil, fmt.Errorf("dataframe: unknown column %q", c)
		}
		fields[i] = rec.Schema().Field(idx[0])
		cols[i] = rec.Column(idx[0])
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}

func applyStep(ctx context.Context, rec arrow.RecordBatch, s Step) (arrow.RecordBatch, error) {
	switch s.Kind {
	case "filter":
		d, err := s.Pred.eval(ctx, rec)
		if err != nil {
			return nil, err
		}
		defer d.Release()
		mask, err := toArray(ctx, d, rec.NumRows())
		if err != nil {
			return nil, err
		}
		defer mask.Release()
		if mask.DataType().ID() == arrow.NULL {
			return array.NewRecordBatch(rec.Schema(), emptyColumns(ctx, rec.Schema()), 0), nil
		}
		out, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
		if err != nil {
			return nil, fmt.Errorf("dataframe: filter %s: %w", s.Pred, err)
		}
		return out, nil
	case "project":
		out, err := stepSchema(rec.Schema(), s)
		if err != nil {
			return nil, err
		}
		cols := make([]arrow.Array, len(s.Exprs))
		defer func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}()
		for i, e := range s.Exprs {
			d, err := e.eval(ctx, rec)
			if err != nil {
				return nil, err
			}
			arr, err := toArray(ctx, d, rec.NumRows())
			d.Release()
			if err != nil {
				return nil, err
			}
			if !arrow.TypeEqual(arr.DataType(), out.Field(i).Type) {
				c, err := compute.CastArray(ctx, arr, compute.SafeCastOptions(out.Field(i).Type))
				arr.Release()
				if err != nil {
					return nil, fmt.Errorf("dataframe: column %q: %w", s.Names[i], err)
				}
				arr = c
			}
			cols[i] = arr
		}
		return array.NewRecordBatch(out, cols, rec.NumRows()), nil
	}
	return nil, fmt.Errorf("dataframe: unknown step %q", s.Kind)
}

// toArray turns a datum into an array of n rows (broadcasting a scalar); the caller
// owns the result.
func toArray(ctx context.Context, d compute.Datum, n int64) (arrow.Array, error) {
	switch x := d.(type) {
	case *compute.ArrayDatum:
		return x.MakeArray(), nil
	case *compute.ScalarDatum:
		return scalarArray(ctx, x, int(n))
	}
	return nil, errors.New("dataframe: expression did not give an array")
}

func emptyColumns(ctx context.Context, s *arrow.Schema) []arrow.Array {
	cols := make([]arrow.Array, s.NumFields())
	for i, f := range s.Fields() {
		cols[i] = array.MakeArrayOfNull(compute.GetAllocator(ctx), f.Type, 0)
	}
	return cols
}

// scalarArray repeats a scalar datum n times.
func scalarArray(ctx context.Context, s *compute.ScalarDatum, n int) (arrow.Array, error) {
	return scalar.MakeArrayFromScalar(s.Value, n, compute.GetAllocator(ctx))
}

const lenName = "dataframe.len"

func init() {
	register(lenName, func(_ context.Context, args []any) (any, error) {
		var n int64
		for i, a := range args {
			switch x := a.(type) {
			case arrow.RecordBatch:
				n += x.NumRows()
			case int64:
				n += x
			default:
				return nil, fmt.Errorf("dataframe: len of input %d: %T", i, a)
			}
		}
		return n, nil
	})
}

// lenCollection counts a DataFrame's rows: one count per partition summed as a tree.
type lenCollection struct{ df *DataFrame }

func (c *lenCollection) total() graph.Key {
	keys := c.df.Keys()
	if len(keys) == 0 {
		return "len-empty"
	}
	return graph.Key("len-" + keys[0].Name())
}

func (c *lenCollection) Graph() (*graph.Graph, error) {
	g, err := c.df.Graph()
	if err != nil {
		return nil, err
	}
	keys := c.df.Keys()
	if len(keys) == 0 {
		return nil, errors.New("dataframe: len of a DataFrame without partitions")
	}
	top, err := treeReduce(g, keys, string(c.total())+"-part", lenName, nil, 32)
	if err != nil {
		return nil, err
	}
	return g, g.Add(graph.Task{Key: c.total(), Func: graph.Registered(lenName), Deps: []graph.Key{top}})
}

func (c *lenCollection) Keys() []graph.Key { return []graph.Key{c.total()} }

func (c *lenCollection) Finalize(r []any) (int64, error) {
	n, ok := r[0].(int64)
	if !ok {
		return 0, fmt.Errorf("dataframe: len gave %T", r[0])
	}
	return n, nil
}

// treeReduce combines keys with the registered kernel fn (called with params followed
// by up to splitEvery inputs) level by level until one key remains, which it returns.
// Key names derive from name, so the same reduction lowers to the same keys.
func treeReduce(g *graph.Graph, keys []graph.Key, name, fn string, params []any, splitEvery int) (graph.Key, error) {
	level, err := reduceLevels(g, keys, name, graph.Registered(fn), params, splitEvery)
	if err != nil || len(level) == 1 {
		return level[0], err
	}
	k := graph.K(name+"-top", 0)
	return k, g.Add(graph.Task{Key: k, Func: graph.Registered(fn), Args: append(slices.Clip(params), inputs(len(level))...), Deps: level})
}

// reduceLevels combines keys splitEvery at a time, level by level, with fn, until at
// most splitEvery are left (one, when there are no more than that to begin with); the
// caller finishes them in one last task.
func reduceLevels(g *graph.Graph, keys []graph.Key, name string, fn graph.Func, params []any, splitEvery int) ([]graph.Key, error) {
	if splitEvery < 2 {
		return nil, fmt.Errorf("dataframe: split_every must be at least 2, not %d", splitEvery)
	}
	level := keys
	for depth := 0; len(level) > splitEvery; depth++ {
		var next []graph.Key
		for i := 0; i < len(level); i += splitEvery {
			deps := level[i:min(i+splitEvery, len(level))]
			k := graph.K(fmt.Sprintf("%s-%d", name, depth), i/splitEvery)
			args := append(slices.Clip(params), inputs(len(deps))...)
			if err := g.Add(graph.Task{Key: k, Func: fn, Args: args, Deps: deps}); err != nil {
				return nil, err
			}
			next = append(next, k)
		}
		level = next
	}
	return level, nil
}

func inputs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = graph.Input(i)
	}
	return out
}
