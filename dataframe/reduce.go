package dataframe

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/graph"
)

// ReduceOption configures ValueCounts and DropDuplicates.
type ReduceOption func(*reduceOptions)

type reduceOptions struct{ splitOut int }

// SplitOut spreads the result over n partitions by a hash of the values (Dask's
// split_out), for results with very many distinct values.
func SplitOut(n int) ReduceOption { return func(o *reduceOptions) { o.splitOut = n } }

func reduceOpts(opts []ReduceOption) reduceOptions {
	var o reduceOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// ValueCounts counts the rows of each distinct value of col (nulls dropped), as
// pandas' value_counts: a DataFrame of the values and a "count" column, most frequent
// first (ties by value). With SplitOut(n) the values are spread over n partitions,
// each sorted by count, as Dask's.
func (df *DataFrame) ValueCounts(col string, opts ...ReduceOption) *DataFrame {
	o := reduceOpts(opts)
	out := df.GroupBy(col).Sort(false).SplitOut(o.splitOut).Agg(Size().As("count"))
	if out.err == nil {
		src := out.plan.src.(*aggSource)
		src.spec.OrderBy = "count"
		src.key += "-value-counts"
		out.plan.key = src.key
	}
	return out
}

// Unique is the distinct values of col in order of first appearance, a missing value
// included once (as pandas' unique).
func (df *DataFrame) Unique(col string) *DataFrame {
	return df.GroupBy(col).KeepNullKeys().Sort(false).Agg(Size().As("_n")).Select(col)
}

// NLargest is the n rows with the largest values of col, largest first (rows with a
// missing value are left out; ties keep the earlier row), computed as a tree of
// per-partition top-n.
func (df *DataFrame) NLargest(n int, col string) *DataFrame { return df.topN(n, col, true) }

// NSmallest is the n rows with the smallest values of col, smallest first.
func (df *DataFrame) NSmallest(n int, col string) *DataFrame { return df.topN(n, col, false) }

type topNSpec struct {
	N       int
	Column  string
	Largest bool
}

func (df *DataFrame) topN(n int, col string, largest bool) *DataFrame {
	if df.err != nil {
		return df
	}
	idx := df.Schema().FieldIndices(col)
	if len(idx) == 0 {
		return failed(fmt.Errorf("dataframe: nlargest/nsmallest: unknown column %q", col))
	}
	if t := df.Schema().Field(idx[0]).Type; !isNumeric(t) && !isString(t) {
		return failed(fmt.Errorf("dataframe: nlargest/nsmallest of %q: cannot order %s", col, t))
	}
	if n < 0 {
		return failed(fmt.Errorf("dataframe: nlargest/nsmallest: n is %d", n))
	}
	spec := topNSpec{N: n, Column: col, Largest: largest}
	src := &reduceSource{in: df, fn: topNName, params: []any{spec}, sch: df.Schema(), splitEvery: 8,
		what: fmt.Sprintf("TopN %d by %s (largest=%v)", n, col, largest)}
	src.key = keyName("topn", []string{fmt.Sprint(df.Keys()), fmt.Sprint(spec)}, nil)
	return fromSource(src)
}

const topNName = "dataframe.topn"

func init() {
	register(topNName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(topNSpec)
		var recs []arrow.RecordBatch
		for _, a := range args[1:] {
			rec, ok := a.(arrow.RecordBatch)
			if !ok {
				return nil, fmt.Errorf("dataframe: top-n input is %T", a)
			}
			recs = append(recs, rec)
		}
		all, err := concatRecords(ctx, recs)
		if err != nil {
			return nil, err
		}
		defer all.Release()
		col := all.Column(all.Schema().FieldIndices(spec.Column)[0])
		by := columnCompare(col)
		cmp := by
		if spec.Largest {
			cmp = func(a, b int) int { return by(b, a) }
		}
		var rows []int
		for i := 0; i < int(all.NumRows()); i++ {
			if valid(col, i) {
				rows = append(rows, i)
			}
		}
		slices.SortStableFunc(rows, cmp)
		rows = rows[:min(spec.N, len(rows))]
		return takeRows(ctx, all, rows)
	})
}

// concatRecords joins records of one schema into one.
func concatRecords(ctx context.Context, recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	mem := compute.GetAllocator(ctx)
	schema := recs[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	defer releaseArrays(cols)
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	for c := range cols {
		// Empty parts add nothing (and Arrow cannot concatenate a dictionary array
		// whose dictionary is empty).
		var parts []arrow.Array
		for _, r := range recs {
			if r.NumRows() > 0 {
				parts = append(parts, r.Column(c))
			}
		}
		if len(parts) == 0 {
			parts = []arrow.Array{recs[0].Column(c)}
		}
		var err error
		if cols[c], err = concatArrays(mem, parts); err != nil {
			return nil, fmt.Errorf("dataframe: concatenate column %q: %w", schema.Field(c).Name, err)
		}
	}
	return array.NewRecordBatch(schema, cols, n), nil
}

// takeRows is the given rows of rec, in that order.
func takeRows(ctx context.Context, rec arrow.RecordBatch, rows []int) (arrow.RecordBatch, error) {
	b := array.NewInt64Builder(compute.GetAllocator(ctx))
	defer b.Release()
	for _, r := range rows {
		b.Append(int64(r))
	}
	idx := b.NewArray()
	defer idx.Release()
	out, err := compute.Take(ctx, *compute.DefaultTakeOptions(), compute.NewDatumWithoutOwning(rec), compute.NewDatumWithoutOwning(idx))
	if err != nil {
		return nil, fmt.Errorf("dataframe: take rows: %w", err)
	}
	return out.(*compute.RecordDatum).Value, nil
}

// chunkTasks lowers in into a new graph and adds, for every partition, a task named
// name running fn with args (where Input(0) is the partition); it returns the graph
// and the chunk tasks' keys — the first level of a tree reduction.
func chunkTasks(in *DataFrame, name string, fn graph.Func, args []any) (*graph.Graph, []graph.Key, error) {
	g := graph.New(0)
	up, err := in.optimized()
	if err != nil {
		return nil, nil, err
	}
	inKeys, err := up.lower(g)
	if err != nil {
		return nil, nil, err
	}
	chunks := make([]graph.Key, len(inKeys))
	for i, k := range inKeys {
		chunks[i] = graph.K(name, i)
		if err := g.Add(graph.Task{Key: chunks[i], Func: fn, Args: args, Deps: []graph.Key{k}}); err != nil {
			return nil, nil, err
		}
	}
	return g, chunks, nil
}

// reduceSource is a one-partition result of a tree reduction whose kernel fn takes
// params then any number of records (the partitions, or partial results) and returns
// one record of the output schema.
type reduceSource struct {
	in         *DataFrame
	fn         string
	params     []any
	sch        *arrow.Schema
	splitEvery int
	key        string
	what       string
}

func (s *reduceSource) describe() string      { return s.what }
func (s *reduceSource) name() string          { return s.key }
func (s *reduceSource) schema() *arrow.Schema { return s.sch }
func (s *reduceSource) npartitions() int      { return 1 }
func (s *reduceSource) input() *DataFrame     { return s.in }

func (s *reduceSource) tasks(key graph.Key, _ int, columns []string, steps []Step) ([]graph.Task, error) {
	g, chunks, err := chunkTasks(s.in, s.key+"-chunk", graph.Registered(s.fn), append(slices.Clone(s.params), graph.Input(0)))
	if err != nil {
		return nil, err
	}
	top, err := treeReduce(g, chunks, s.key+"-combine", s.fn, s.params, s.splitEvery)
	if err != nil {
		return nil, err
	}
	final := graph.K(s.key, 0)
	if err := g.Add(pipelineTask(final, top, nil, nil)); err != nil {
		return nil, err
	}
	if final != key {
		if err := g.Add(pipelineTask(key, final, columns, steps)); err != nil {
			return nil, err
		}
	}
	return g.Tasks(), nil
}

// Describe summarizes every numeric column as pandas' describe does: rows count, mean,
// std, min, 25%, 50%, 75% and max (a "stat" column names them), one float64 column
// per numeric column.
func (df *DataFrame) Describe() *DataFrame {
	if df.err != nil {
		return df
	}
	var cols []string
	var aggs []Agg
	for _, f := range df.Schema().Fields() {
		if !isNumeric(f.Type) {
			continue
		}
		c := f.Name
		cols = append(cols, c)
		aggs = append(aggs, Count(c).As(c+"\x00count"), Mean(c).As(c+"\x00mean"), Std(c).As(c+"\x00std"),
			Min(c).As(c+"\x00min"), Quantile(c, 0.25).As(c+"\x0025%"), Quantile(c, 0.5).As(c+"\x0050%"),
			Quantile(c, 0.75).As(c+"\x0075%"), Max(c).As(c+"\x00max"))
	}
	if len(cols) == 0 {
		return failed(fmt.Errorf("dataframe: describe: no numeric columns"))
	}
	agg := df.Agg(aggs...)
	if agg.err != nil {
		return agg
	}
	fields := []arrow.Field{{Name: "stat", Type: arrow.BinaryTypes.String, Nullable: true}}
	for _, c := range cols {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	}
	src := &reduceSource{in: agg, fn: describeName, params: []any{cols}, sch: arrow.NewSchema(fields, nil), splitEvery: 2, what: "Describe"}
	src.key = keyName("describe", []string{fmt.Sprint(agg.Keys())}, nil)
	return fromSource(src)
}

var describeStats = []string{"count", "mean", "std", "min", "25%", "50%", "75%", "max"}

const describeName = "dataframe.describe"

func init() {
	register(describeName, func(ctx context.Context, args []any) (any, error) {
		cols := args[0].([]string)
		rec := args[1].(arrow.RecordBatch)
		if rec.Schema().HasField("stat") { // already reshaped (a combine of one)
			rec.Retain()
			return rec, nil
		}
		mem := compute.GetAllocator(ctx)
		fields := []arrow.Field{{Name: "stat", Type: arrow.BinaryTypes.String, Nullable: true}}
		stat := array.NewStringBuilder(mem)
		defer stat.Release()
		stat.AppendValues(describeStats, nil)
		out := []arrow.Array{stat.NewArray()}
		defer func() { releaseArrays(out) }() // out grows below
		for _, c := range cols {
			b := array.NewFloat64Builder(mem)
			for _, st := range describeStats {
				a := rec.Column(rec.Schema().FieldIndices(c + "\x00" + st)[0])
				if a.IsNull(0) {
					b.AppendNull()
					continue
				}
				f, _ := numeric(a, 0)
				b.Append(f)
			}
			out = append(out, b.NewArray())
			b.Release()
			fields = append(fields, arrow.Field{Name: c, Type: arrow.PrimitiveTypes.Float64, Nullable: true})
		}
		return array.NewRecordBatch(arrow.NewSchema(fields, nil), out, int64(len(describeStats))), nil
	})
}
