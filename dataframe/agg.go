package dataframe

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
)

// Agg is one aggregation: a function of a column, with the name of its output column.
// Missing values behave as in pandas: every aggregation skips nulls and NaN; Sum of
// only missing values is 0; Mean, Min, Max, First and Last of only missing values are
// null; Std and Var use ddof=1 and are null for fewer than two values; Count counts
// the values that are not missing; Size counts rows.
type Agg struct {
	Func    string  // sum, mean, min, max, count, size, std, var, first, last, median, quantile, nunique, any, all, corr
	Column  string  // the input column (none for size)
	Name    string  // the output column
	Column2 string  // the second column (corr)
	Q       float64 // the quantile (quantile)
	Custom  string  // the custom aggregation (see Custom.Of)
	MinCnt  int     // sum: fewer present values than this gives null (see MinCount)
}

// MinCount makes a Sum null for a group with fewer than n present values (pandas'
// min_count; by default the sum of no values is 0).
func (a Agg) MinCount(n int) Agg { a.MinCnt = n; return a }

// As names the output column.
func (a Agg) As(name string) Agg { a.Name = name; return a }

// Sum adds up a numeric column.
func Sum(col string) Agg { return Agg{Func: "sum", Column: col, Name: col} }

// Mean averages a numeric column.
func Mean(col string) Agg { return Agg{Func: "mean", Column: col, Name: col} }

// Min is a column's smallest value (numbers or strings).
func Min(col string) Agg { return Agg{Func: "min", Column: col, Name: col} }

// Max is a column's largest value (numbers or strings).
func Max(col string) Agg { return Agg{Func: "max", Column: col, Name: col} }

// Count counts a column's values that are not missing.
func Count(col string) Agg { return Agg{Func: "count", Column: col, Name: col} }

// Size counts rows, missing values included.
func Size() Agg { return Agg{Func: "size", Name: "size"} }

// Std is a numeric column's sample standard deviation (ddof=1).
func Std(col string) Agg { return Agg{Func: "std", Column: col, Name: col} }

// Var is a numeric column's sample variance (ddof=1).
func Var(col string) Agg { return Agg{Func: "var", Column: col, Name: col} }

// First is a column's first value that is not missing, in partition order.
func First(col string) Agg { return Agg{Func: "first", Column: col, Name: col} }

// Last is a column's last value that is not missing, in partition order.
func Last(col string) Agg { return Agg{Func: "last", Column: col, Name: col} }

// Median is a numeric column's median (the mean of the two middle values for an even
// count), computed exactly: every group's values are kept until the end.
func Median(col string) Agg { return Agg{Func: "median", Column: col, Name: col} }

// Quantile is a numeric column's q-quantile (0 ≤ q ≤ 1), exact and interpolated
// linearly like pandas' default; every group's values are kept until the end.
func Quantile(col string, q float64) Agg {
	return Agg{Func: "quantile", Column: col, Name: col, Q: q}
}

// NUnique counts a column's distinct values that are not missing.
func NUnique(col string) Agg { return Agg{Func: "nunique", Column: col, Name: col} }

// Any is true when a value of the column that is not missing is true (non-zero,
// non-empty).
func Any(col string) Agg { return Agg{Func: "any", Column: col, Name: col} }

// All is true when every value of the column that is not missing is true.
func All(col string) Agg { return Agg{Func: "all", Column: col, Name: col} }

// Corr is the Pearson correlation of two numeric columns over the rows where both
// are present (null for fewer than two such rows or a constant column).
func Corr(x, y string) Agg {
	return Agg{Func: "corr", Column: x, Name: "corr_" + x + "_" + y, Column2: y}
}

// aggSpec is the plain-data description of a grouped aggregation that the kernels get.
type aggSpec struct {
	Keys     []string
	KeyTypes []string // normalized: int64, float64, string, bool
	Aggs     []Agg
	InTypes  []string // normalized input type of each aggregation's column
	DropNA   bool
	Unsorted bool   // leave groups in order of first appearance
	OrderBy  string // sort by this output column, descending, then by the keys
}

// normType is the type a column is normalized to before grouping or aggregating.
func normType(t arrow.DataType) (arrow.DataType, bool) {
	switch {
	case isInteger(t):
		return arrow.PrimitiveTypes.Int64, true
	case isFloat(t):
		return arrow.PrimitiveTypes.Float64, true
	case isString(t): // categories too: their values are strings
		return arrow.BinaryTypes.String, true
	case t.ID() == arrow.BOOL:
		return arrow.FixedWidthTypes.Boolean, true
	}
	return nil, false
}

// outputType is an aggregation's result type for a normalized input type.
func outputType(fn string, in arrow.DataType) (arrow.DataType, error) {
	numeric := in != nil && (in.ID() == arrow.INT64 || in.ID() == arrow.FLOAT64 || in.ID() == arrow.BOOL)
	switch fn {
	case "sum":
		if !numeric {
			return nil, fmt.Errorf("sum needs numbers")
		}
		if in.ID() == arrow.FLOAT64 {
			return in, nil
		}
		return arrow.PrimitiveTypes.Int64, nil
	case "nunique":
		return arrow.PrimitiveTypes.Int64, nil
	case "nlargest":
		if in == nil || (in.ID() != arrow.INT64 && in.ID() != arrow.FLOAT64) {
			return nil, fmt.Errorf("nlargest needs numbers")
		}
		return in, nil
	case "any", "all":
		return arrow.FixedWidthTypes.Boolean, nil
	case "mean", "std", "var", "median", "quantile", "approx_quantile", "corr":
		if !numeric {
			return nil, fmt.Errorf("%s needs numbers", fn)
		}
		return arrow.PrimitiveTypes.Float64, nil
	case "min", "max", "first", "last":
		return in, nil
	case "count", "size":
		return arrow.PrimitiveTypes.Int64, nil
	}
	return nil, fmt.Errorf("unknown aggregation %q", fn)
}

// GroupBy is a DataFrame grouped by key columns, ready for Agg.
type GroupBy struct {
	df         *DataFrame
	keys       []string
	dropna     bool
	unsorted   bool
	splitEvery int
	splitOut   int
}

// GroupBy groups rows by the values of the key columns (of any mix of integer, float,
// string and bool types). Rows with a null key are dropped, as in pandas'
// dropna=True; KeepNullKeys keeps them as groups of their own.
func (df *DataFrame) GroupBy(keys ...string) *GroupBy {
	return &GroupBy{df: df, keys: keys, dropna: true}
}

// KeepNullKeys keeps rows whose key is null, grouped together (pandas' dropna=False).
func (g *GroupBy) KeepNullKeys() *GroupBy { c := *g; c.dropna = false; return &c }

// Sort(false) leaves the groups in order of first appearance instead of sorting them
// by key (pandas' sort=False): faster for many groups.
func (g *GroupBy) Sort(sorted bool) *GroupBy { c := *g; c.unsorted = !sorted; return &c }

// SplitOut spreads the result over n partitions by a hash of the keys (Dask's
// split_out): every partition's partial result is split n ways, and the n parts are
// combined and finished in parallel, so a result with very many groups is not merged
// on one core. The groups of a partition are sorted (unless Sort(false)), but the
// partitions are in hash order, not key order.
func (g *GroupBy) SplitOut(n int) *GroupBy { c := *g; c.splitOut = n; return &c }

// SplitEvery sets how many partial results each step of the tree reduction combines
// (default 8; with SplitOut(n), 8n, since each part is about 1/n of a partial result).
func (g *GroupBy) SplitEvery(n int) *GroupBy { c := *g; c.splitEvery = n; return &c }

// Agg aggregates every group: the result has the key columns, then one column per
// aggregation, one row per group, sorted by the keys (null keys last). Each partition
// is aggregated on its own and the partial results are combined as a tree.
func (g *GroupBy) Agg(aggs ...Agg) *DataFrame {
	splitEvery := g.splitEvery
	if splitEvery == 0 {
		splitEvery = 8 * max(g.splitOut, 1)
	}
	out := aggregate(g.df, g.keys, aggs, g.dropna, splitEvery)
	if out.err != nil {
		return out
	}
	src := out.plan.src.(*aggSource)
	if g.unsorted {
		src.spec.Unsorted = true
		src.key += "-unsorted"
	}
	if g.splitOut > 1 {
		if len(g.keys) == 0 {
			return failed(fmt.Errorf("dataframe: split_out needs group keys"))
		}
		src.splitOut = g.splitOut
		src.key += fmt.Sprintf("-split%d", g.splitOut)
	} else if g.splitOut < 0 {
		return failed(fmt.Errorf("dataframe: split_out %d", g.splitOut))
	}
	out.plan.key = src.key
	return out
}

// NLargest keeps, for every group, the n rows with the largest values of col (rows
// with a missing value left out; among equal values the earlier first): the key
// columns and col, largest first within each group, groups sorted by key (unless
// Sort(false)). Like an aggregation it is partial per partition, with only n values
// per group kept along the way.
func (g *GroupBy) NLargest(n int, col string) *DataFrame {
	if n < 1 {
		return failed(fmt.Errorf("dataframe: group nlargest: n is %d", n))
	}
	return g.Agg(Agg{Func: "nlargest", Column: col, Name: col, Q: float64(n)})
}

// Agg aggregates the whole DataFrame into one row.
func (df *DataFrame) Agg(aggs ...Agg) *DataFrame { return aggregate(df, nil, aggs, true, 8) }

func (df *DataFrame) numericAggs(fn func(string) Agg, strings bool) *DataFrame {
	var aggs []Agg
	for _, f := range df.Schema().Fields() {
		if isNumeric(f.Type) || f.Type.ID() == arrow.BOOL || strings && isString(f.Type) {
			aggs = append(aggs, fn(f.Name))
		}
	}
	return df.Agg(aggs...)
}

// Sum adds up every numeric column: a one-row DataFrame.
func (df *DataFrame) Sum() *DataFrame { return df.numericAggs(Sum, false) }

// Mean averages every numeric column: a one-row DataFrame.
func (df *DataFrame) Mean() *DataFrame { return df.numericAggs(Mean, false) }

// Min is every numeric and string column's minimum: a one-row DataFrame.
func (df *DataFrame) Min() *DataFrame { return df.numericAggs(Min, true) }

// Max is every numeric and string column's maximum: a one-row DataFrame.
func (df *DataFrame) Max() *DataFrame { return df.numericAggs(Max, true) }

// Std is every numeric column's sample standard deviation: a one-row DataFrame.
func (df *DataFrame) Std() *DataFrame { return df.numericAggs(Std, false) }

// Var is every numeric column's sample variance: a one-row DataFrame.
func (df *DataFrame) Var() *DataFrame { return df.numericAggs(Var, false) }

// Count counts every column's values that are not missing: a one-row DataFrame.
func (df *DataFrame) Count() *DataFrame {
	var aggs []Agg
	for _, c := range df.Columns() {
		aggs = append(aggs, Count(c))
	}
	return df.Agg(aggs...)
}

func aggregate(df *DataFrame, keys []string, aggs []Agg, dropna bool, splitEvery int) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(aggs) == 0 {
		return failed(fmt.Errorf("dataframe: aggregate without aggregations"))
	}
	if splitEvery < 2 {
		return failed(fmt.Errorf("dataframe: split_every must be at least 2, not %d", splitEvery))
	}
	for _, a := range aggs {
		if a.Func == "nlargest" && (len(aggs) > 1 || len(keys) == 0) {
			return failed(fmt.Errorf("dataframe: nlargest per group goes alone (GroupBy(...).NLargest)"))
		}
	}
	s := df.Schema()
	spec := aggSpec{Keys: keys, Aggs: aggs, DropNA: dropna}
	var fields []arrow.Field
	seen := map[string]bool{}
	need := []string{}
	addNeed := func(c string) {
		if !slices.Contains(need, c) {
			need = append(need, c)
		}
	}
	for _, k := range keys {
		idx := s.FieldIndices(k)
		if len(idx) == 0 {
			return failed(fmt.Errorf("dataframe: group by: unknown column %q (columns: %s)", k, strings.Join(df.Columns(), ", ")))
		}
		t, ok := normType(s.Field(idx[0]).Type)
		if !ok && isTemporal(s.Field(idx[0]).Type) {
			t, ok = s.Field(idx[0]).Type, true // grouped by its underlying integer
		}
		if !ok {
			return failed(fmt.Errorf("dataframe: group by %q: cannot group by %s", k, s.Field(idx[0]).Type))
		}
		spec.KeyTypes = append(spec.KeyTypes, typeName(t))
		fields = append(fields, arrow.Field{Name: k, Type: t, Nullable: true})
		seen[k] = true
		addNeed(k)
	}
	for _, a := range aggs {
		var in arrow.DataType
		if a.Func != "size" {
			idx := s.FieldIndices(a.Column)
			if len(idx) == 0 {
				return failed(fmt.Errorf("dataframe: %s: unknown column %q (columns: %s)", a.Func, a.Column, strings.Join(df.Columns(), ", ")))
			}
			var ok bool
			if in, ok = normType(s.Field(idx[0]).Type); !ok {
				return failed(fmt.Errorf("dataframe: %s(%s): cannot aggregate %s", a.Func, a.Column, s.Field(idx[0]).Type))
			}
			addNeed(a.Column)
		}
		if a.Func == "corr" {
			idx := s.FieldIndices(a.Column2)
			if len(idx) == 0 {
				return failed(fmt.Errorf("dataframe: corr: unknown column %q (columns: %s)", a.Column2, strings.Join(df.Columns(), ", ")))
			}
			if t, ok := normType(s.Field(idx[0]).Type); !ok || t.ID() == arrow.STRING {
				return failed(fmt.Errorf("dataframe: corr(%s, %s): %q is %s, not a number", a.Column, a.Column2, a.Column2, s.Field(idx[0]).Type))
			}
			addNeed(a.Column2)
		}
		out, err := outputType(a.Func, in)
		if a.Func == "custom" {
			def, cerr := lookupCustom(a.Custom)
			switch {
			case a.Custom == "invalid":
				err = fmt.Errorf("a custom aggregation needs Init, Chunk, Merge and Final, with value and result types int64, float64, string or bool")
			case cerr != nil:
				err = cerr
			case !arrow.TypeEqual(def.in, in):
				err = fmt.Errorf("the custom aggregation takes %s values", def.in)
			default:
				out, err = def.out, nil
			}
		}
		if err != nil {
			return failed(fmt.Errorf("dataframe: %s(%s): %w, but %q is %s", a.Func, a.Column, err, a.Column, in))
		}
		if (a.Func == "quantile" || a.Func == "approx_quantile") && (a.Q < 0 || a.Q > 1 || math.IsNaN(a.Q)) {
			return failed(fmt.Errorf("dataframe: quantile(%s, %v): q must be between 0 and 1", a.Column, a.Q))
		}
		if seen[a.Name] {
			return failed(fmt.Errorf("dataframe: aggregation output %q named twice: name it with As", a.Name))
		}
		seen[a.Name] = true
		spec.InTypes = append(spec.InTypes, typeNameOrNone(in))
		fields = append(fields, arrow.Field{Name: a.Name, Type: out, Nullable: true})
	}
	in := df.Select(need...)
	name := "aggregate"
	if len(keys) > 0 {
		name = "groupby-agg"
	}
	src := &aggSource{in: in, spec: spec, splitEvery: splitEvery, sch: arrow.NewSchema(fields, nil)}
	src.key = keyName(name, []string{fmt.Sprint(in.Keys())}, []Step{{Kind: fmt.Sprintf("%+v/%d", spec, splitEvery)}})
	return fromSource(src)
}

func typeNameOrNone(t arrow.DataType) string {
	if t == nil {
		return ""
	}
	return typeName(t)
}

// aggSource is the one-partition result of an aggregation over another DataFrame.
type aggSource struct {
	in         *DataFrame
	spec       aggSpec
	splitEvery int
	splitOut   int // output partitions (0 or 1: one)
	sch        *arrow.Schema
	key        string
}

func (s *aggSource) describe() string {
	var b strings.Builder
	parts := make([]string, len(s.spec.Aggs))
	for i, a := range s.spec.Aggs {
		col := a.Column
		if a.Column2 != "" {
			col += ", " + a.Column2
		}
		if a.Func == "quantile" || a.Func == "approx_quantile" {
			col += fmt.Sprintf(", %v", a.Q)
		}
		parts[i] = fmt.Sprintf("%s(%s) as %s", a.Func, col, a.Name)
	}
	if len(s.spec.Keys) > 0 {
		fmt.Fprintf(&b, "GroupBy [%s] ", strings.Join(s.spec.Keys, ", "))
	}
	fmt.Fprintf(&b, "Agg [%s] split_every=%d", strings.Join(parts, ", "), s.splitEvery)
	if s.splitOut > 1 {
		fmt.Fprintf(&b, " split_out=%d", s.splitOut)
	}
	if s.spec.Unsorted {
		b.WriteString(" unsorted")
	}
	return b.String()
}

// input is the aggregated DataFrame, which Explain shows below the aggregation.
func (s *aggSource) input() *DataFrame { return s.in }

func (s *aggSource) name() string          { return s.key }
func (s *aggSource) schema() *arrow.Schema { return s.sch }
func (s *aggSource) npartitions() int      { return max(s.splitOut, 1) }

const (
	aggChunkName   = "dataframe.agg-chunk"
	aggCombineName = "dataframe.agg-combine"
	aggFinalName   = "dataframe.agg-final"
)

func (s *aggSource) tasks(key graph.Key, part int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, part), columns, steps), nil
}

func (s *aggSource) shared() (*graph.Graph, error) {
	nout := max(s.splitOut, 1)
	g, chunks, err := chunkTasks(s.in, s.key+"-chunk", s.spec.kernel(aggChunkName), []any{s.spec, nout, graph.Input(0)})
	if err != nil {
		return nil, err
	}
	for j := range nout {
		parts := chunks
		if nout > 1 {
			// Part j of every chunk's split state.
			parts = make([]graph.Key, len(chunks))
			for i, c := range chunks {
				parts[i] = graph.K(s.key+"-part", i, j)
				if err := g.Add(graph.Task{Key: parts[i], Func: graph.Registered(pickName), Args: []any{j, graph.Input(0)}, Deps: []graph.Key{c}}); err != nil {
					return nil, err
				}
			}
		}
		// The last level of the tree is combined and finished in one task.
		top, err := reduceLevels(g, parts, fmt.Sprintf("%s-combine-%d", s.key, j), s.spec.kernel(aggCombineName), []any{s.spec}, s.splitEvery)
		if err != nil {
			return nil, err
		}
		final := graph.K(s.key, j)
		if err := g.Add(graph.Task{Key: final, Func: s.spec.kernel(aggFinalName), Args: append([]any{s.spec}, inputs(len(top))...), Deps: top}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// kernel is the aggregation kernel registered as name. A custom aggregation's
// functions are Go closures of this process (see Custom), so its tasks run in process
// only: their kernels are closures too, which a subprocess scheduler refuses before
// running anything, instead of failing in a worker that lacks them.
func (s aggSpec) kernel(name string) graph.Func {
	f := graph.Registered(name)
	for _, a := range s.Aggs {
		if a.Custom != "" {
			return graph.Closure(name+" with a custom aggregation", f.Call)
		}
	}
	return f
}

const pickName = "dataframe.pick"

// recordList is a split partial result: one record per output partition.
type recordList []arrow.RecordBatch

// Release releases every record.
func (l recordList) Release() {
	for _, r := range l {
		r.Release()
	}
}

// Retain retains every record.
func (l recordList) Retain() {
	for _, r := range l {
		r.Retain()
	}
}

// SizeBytes is the records' measured size.
func (l recordList) SizeBytes() int64 {
	var n int64
	for _, r := range l {
		n += sched.SizeOf(r)
	}
	return n
}

func init() {
	register(aggChunkName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(aggSpec)
		nout := args[1].(int)
		rec, ok := args[2].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: aggregate input is %T", args[2])
		}
		st, err := newAggState(ctx, spec)
		if err != nil {
			return nil, err
		}
		defer st.release()
		// With split_out, the result is expected to have many groups: rows whose keys
		// hardly repeat are passed on ungrouped.
		if err := st.updateWith(ctx, rec, nout > 1); err != nil {
			return nil, err
		}
		state := st.stateRecord()
		if nout <= 1 {
			return state, nil
		}
		defer state.Release()
		return splitByHash(ctx, state, state.Columns()[:len(spec.Keys)], nout)
	})
	register(pickName, func(_ context.Context, args []any) (any, error) {
		j := args[0].(int)
		l, ok := args[1].(recordList)
		if !ok || j >= len(l) {
			return nil, fmt.Errorf("dataframe: pick %d of %T", j, args[1])
		}
		l[j].Retain()
		return l[j], nil
	})
	register(aggCombineName, func(ctx context.Context, args []any) (any, error) {
		st, err := combineStates(ctx, args)
		if err != nil {
			return nil, err
		}
		defer st.release()
		return st.stateRecord(), nil
	})
	register(aggFinalName, func(ctx context.Context, args []any) (any, error) {
		st, err := combineStates(ctx, args)
		if err != nil {
			return nil, err
		}
		defer st.release()
		return st.result()
	})
}

// aggState holds the groups met so far and an accumulator per aggregation.
type aggState struct {
	spec     aggSpec
	mem      memory.Allocator
	g        *grouper
	keyTypes []arrow.DataType // as grouped (and in partial results)
	outTypes []arrow.DataType // as the result has them (dates and timestamps)
	accs     []accumulator
	// fixedKeys are the groups' keys when they were adopted from one partial result
	// (see adopt) instead of found by the grouper.
	fixedKeys []arrow.Array
}

func newAggState(ctx context.Context, spec aggSpec) (*aggState, error) {
	st := &aggState{spec: spec, mem: compute.GetAllocator(ctx)}
	for _, name := range spec.KeyTypes {
		t, ok := typeByName(name)
		if !ok {
			return nil, fmt.Errorf("dataframe: group key of type %s", name)
		}
		st.outTypes = append(st.outTypes, t)
		if isTemporal(t) {
			t = arrow.PrimitiveTypes.Int64 // dates and timestamps group by their underlying integer
		}
		st.keyTypes = append(st.keyTypes, t)
	}
	st.g = newGrouper(st.mem, st.keyTypes, spec.DropNA)
	for i, a := range spec.Aggs {
		acc, err := newAccumulator(a.Func, castTypes[spec.InTypes[i]])
		if err != nil {
			return nil, err
		}
		if a.Func == "custom" {
			def, err := lookupCustom(a.Custom)
			if err != nil {
				return nil, err
			}
			acc = def.newAcc()
		}
		if sa, ok := acc.(*sumAcc); ok {
			sa.minCount = a.MinCnt
		}
		if ta, ok := acc.(*topAcc); ok {
			ta.k = int(a.Q)
		}
		if m, ok := acc.(*medianAcc); ok && a.Func == "quantile" {
			m.q = a.Q
		}
		if t, ok := acc.(*approxAcc); ok {
			t.q = a.Q
		}
		st.accs = append(st.accs, acc)
	}
	return st, nil
}

func (st *aggState) release() {
	st.g.release()
	releaseArrays(st.fixedKeys)
}

// keyArrays returns the groups' key columns, which the caller releases.
func (st *aggState) keyArrays() []arrow.Array {
	if st.fixedKeys == nil {
		return st.g.keyArrays(st.mem)
	}
	for _, k := range st.fixedKeys {
		k.Retain()
	}
	return slices.Clone(st.fixedKeys)
}

// column returns rec's column name normalized to typ; the caller releases it.
func column(ctx context.Context, rec arrow.RecordBatch, name string, typ arrow.DataType) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("dataframe: aggregate: no column %q", name)
	}
	a := rec.Column(idx[0])
	if isCategory(a.DataType()) {
		return decode(ctx, a)
	}
	if arrow.TypeEqual(a.DataType(), typ) {
		a.Retain()
		return a, nil
	}
	return compute.CastArray(ctx, a, compute.SafeCastOptions(typ))
}

// update adds a partition's rows, grouped by the grouper.
func (st *aggState) update(ctx context.Context, rec arrow.RecordBatch) error {
	return st.updateWith(ctx, rec, false)
}

// updateWith adds a partition's rows. With adoptDistinct, when the keys look nearly
// all distinct (estimated from their hashes) and none is dropped, the rows are not
// grouped here at all: each row becomes a group of its own, which a later merge
// groups. That is adaptive pre-aggregation: grouping rows that hardly repeat reduces
// nothing and costs a hash-table probe per row.
func (st *aggState) updateWith(ctx context.Context, rec arrow.RecordBatch, adoptDistinct bool) error {
	n := int(rec.NumRows())
	keys := make([]arrow.Array, len(st.spec.Keys))
	defer releaseArrays(keys)
	for i, k := range st.spec.Keys {
		a := rec.Column(rec.Schema().FieldIndices(k)[0])
		if isCategory(a.DataType()) {
			a.Retain() // the grouper reads categories by their codes
			keys[i] = a
			continue
		}
		if isTemporal(a.DataType()) {
			keys[i] = temporalToInt64(st.mem, a)
			continue
		}
		var err error
		if keys[i], err = column(ctx, rec, k, st.keyTypes[i]); err != nil {
			return err
		}
	}
	var ids []int32
	if adoptDistinct && len(keys) > 0 && n >= 1<<14 && mostlyDistinct(keys, n, st.spec.DropNA) {
		// Category keys stay dictionary-encoded in the partial result (the grouper
		// that merges it reads either encoding); result decodes them.
		ids = st.adoptKeys(keys, n)
	} else {
		if st.g.multi != nil {
			st.g.reserve(n) // many-column keys: mostly many groups
		}
		ids = st.g.ids(keys, n)
	}
	for i, a := range st.spec.Aggs {
		st.accs[i].grow(st.g.ngroups)
		if a.Func == "size" {
			st.accs[i].(*countAcc).addRows(ids)
			continue
		}
		col, err := column(ctx, rec, a.Column, castTypes[st.spec.InTypes[i]])
		if err != nil {
			return err
		}
		if c, ok := st.accs[i].(*corrAcc); ok {
			y, err := column(ctx, rec, a.Column2, arrow.PrimitiveTypes.Float64)
			if err != nil {
				col.Release()
				return err
			}
			c.update2(ids, col, y)
			y.Release()
		} else {
			st.accs[i].update(ids, col)
		}
		col.Release()
	}
	return nil
}

// stateName is the column of aggregation i's state part p.
func stateName(i int, p string) string { return fmt.Sprintf("_a%d_%s", i, p) }

// stateRecord is the partial result: key columns and every accumulator's state.
func (st *aggState) stateRecord() arrow.RecordBatch {
	var fields []arrow.Field
	cols := st.keyArrays()
	for i, k := range st.spec.Keys {
		fields = append(fields, arrow.Field{Name: k, Type: cols[i].DataType(), Nullable: true}) // keyTypes[i], or categories
	}
	for i, acc := range st.accs {
		acc.grow(st.g.ngroups)
		names, arrs := acc.state(st.mem)
		for j := range names {
			fields = append(fields, arrow.Field{Name: stateName(i, names[j]), Type: arrs[j].DataType(), Nullable: true})
			cols = append(cols, arrs[j])
		}
	}
	defer releaseArrays(cols)
	// A grouper's key builders were emptied by NewArray: the record owns the keys now.
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(st.g.ngroups))
}

// combineStates merges the partial results args[1:] under the spec args[0]. One
// partial result already has one row per group, so it is taken as it is, without
// grouping its keys again.
func combineStates(ctx context.Context, args []any) (*aggState, error) {
	spec := args[0].(aggSpec)
	recs := make([]arrow.RecordBatch, len(args)-1)
	rows, largest := 0, 0
	for i, a := range args[1:] {
		rec, ok := a.(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: combine: partial result is %T", a)
		}
		recs[i] = rec
		rows += int(rec.NumRows())
		largest = max(largest, int(rec.NumRows()))
	}
	st, err := newAggState(ctx, spec)
	if err != nil {
		return nil, err
	}
	if len(recs) == 1 && len(spec.Keys) > 0 {
		st.adopt(recs[0])
		return st, nil
	}
	// There are at least as many groups as the largest partial result has rows, and at
	// most as many as all of them: many-column keys, which mostly have many groups, are
	// sized for the most.
	if st.g.multi != nil {
		st.g.reserve(rows)
	} else {
		st.g.reserve(largest)
	}
	for _, rec := range recs {
		st.merge(rec)
	}
	return st, nil
}

// adopt takes a partial result's groups as they are: its key columns become the
// state's keys and its rows the groups in order.
func (st *aggState) adopt(rec arrow.RecordBatch) {
	n := int(rec.NumRows())
	nk := len(st.spec.Keys)
	st.mergeStates(st.adoptKeys(rec.Columns()[:nk], n), rec)
}

// adoptKeys makes n rows of key columns the groups, one row each, and returns their
// group ids (0..n-1).
func (st *aggState) adoptKeys(keys []arrow.Array, n int) []int32 {
	for _, k := range keys {
		k.Retain()
	}
	st.fixedKeys = slices.Clone(keys)
	st.g.ngroups = n
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
}

// merge adds a partial result.
func (st *aggState) merge(rec arrow.RecordBatch) {
	n := int(rec.NumRows())
	keys := make([]arrow.Array, len(st.spec.Keys))
	for i := range st.spec.Keys {
		keys[i] = rec.Column(i)
	}
	st.mergeStates(st.g.ids(keys, n), rec)
}

// mergeStates folds rec's accumulator states into groups ids.
func (st *aggState) mergeStates(ids []int32, rec arrow.RecordBatch) {
	col := len(st.spec.Keys)
	for _, acc := range st.accs {
		acc.grow(st.g.ngroups)
		k := acc.stateWidth()
		acc.merge(ids, rec.Columns()[col:col+k])
		col += k
	}
}

// result is the final table: keys then outputs, sorted by the keys.
func (st *aggState) result() (arrow.RecordBatch, error) {
	n := st.g.ngroups
	var fields []arrow.Field
	cols := st.keyArrays()
	defer func() { releaseArrays(cols) }()
	for i, k := range st.spec.Keys {
		if isCategory(cols[i].DataType()) {
			plain, err := decode(compute.WithAllocator(context.Background(), st.mem), cols[i])
			if err != nil {
				return nil, err
			}
			cols[i].Release()
			cols[i] = plain
		}
		if isTemporal(st.outTypes[i]) {
			t := int64ToTemporal(st.mem, cols[i], st.outTypes[i])
			cols[i].Release()
			cols[i] = t
		}
		fields = append(fields, arrow.Field{Name: k, Type: st.outTypes[i], Nullable: true})
	}
	for i, acc := range st.accs {
		acc.grow(n)
		out := acc.final(st.mem)
		fields = append(fields, arrow.Field{Name: st.spec.Aggs[i].Name, Type: out.DataType(), Nullable: true})
		cols = append(cols, out)
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n))
	if len(st.spec.Aggs) == 1 && st.spec.Aggs[0].Func == "nlargest" {
		defer rec.Release()
		sorted := rec
		if !st.spec.Unsorted && n > 1 {
			order := sortOrder(rec.Columns()[:len(st.spec.Keys)], n)
			var err error
			if sorted, err = takeRows(context.Background(), rec, order); err != nil {
				return nil, err
			}
			defer sorted.Release()
		}
		return explode(st.mem, sorted, len(st.spec.Keys))
	}
	if len(st.spec.Keys) == 0 || n < 2 || st.spec.Unsorted && st.spec.OrderBy == "" {
		return rec, nil
	}
	defer rec.Release()
	cmps := make([]func(a, b int) int, 0, len(st.spec.Keys)+1)
	if st.spec.OrderBy != "" {
		by := columnCompare(rec.Column(rec.Schema().FieldIndices(st.spec.OrderBy)[0]))
		cmps = append(cmps, func(a, b int) int { return by(b, a) })
	}
	for _, k := range cols[:len(st.spec.Keys)] {
		cmps = append(cmps, columnCompare(k))
	}
	order := sortBy(cmps, n)
	idx := array.NewInt64Builder(st.mem)
	defer idx.Release()
	for _, o := range order {
		idx.Append(int64(o))
	}
	ia := idx.NewArray()
	defer ia.Release()
	out, err := compute.Take(context.Background(), *compute.DefaultTakeOptions(), compute.NewDatumWithoutOwning(rec), compute.NewDatumWithoutOwning(ia))
	if err != nil {
		return nil, fmt.Errorf("dataframe: sort groups: %w", err)
	}
	return out.(*compute.RecordDatum).Value, nil
}

// explode turns a record whose last column is a list into one row per list element,
// repeating the other columns.
func explode(mem memory.Allocator, rec arrow.RecordBatch, nkeys int) (arrow.RecordBatch, error) {
	l := rec.Column(nkeys).(*array.List)
	offs := l.Offsets()
	var rows []int
	for g := 0; g < l.Len(); g++ {
		for i := offs[g]; i < offs[g+1]; i++ {
			rows = append(rows, g)
		}
	}
	ctx := compute.WithAllocator(context.Background(), mem)
	keys, err := takeRows(ctx, rec, rows)
	if err != nil {
		return nil, err
	}
	defer keys.Release()
	vals := array.NewSlice(l.ListValues(), int64(offs[0]), int64(offs[l.Len()]))
	defer vals.Release()
	cols := append(slices.Clone(keys.Columns()[:nkeys]), vals)
	fields := append(slices.Clone(rec.Schema().Fields()[:nkeys]), arrow.Field{Name: rec.Schema().Field(nkeys).Name, Type: vals.DataType(), Nullable: true})
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(len(rows))), nil
}

// sortOrder sorts rows by the key columns ascending, nulls last. Each key column is
// turned into a typed comparison once, so the sort does no type switch per compare.
func sortOrder(keys []arrow.Array, n int) []int {
	cmps := make([]func(a, b int) int, len(keys))
	for i, k := range keys {
		cmps[i] = columnCompare(k)
	}
	return sortBy(cmps, n)
}

// sortBy sorts row numbers 0..n-1 by the comparisons in turn, stably.
func sortBy(cmps []func(a, b int) int, n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	})
	return order
}

// columnCompare compares two rows of one column, nulls last.
func columnCompare(k arrow.Array) func(a, b int) int {
	withNulls := func(c func(a, b int) int) func(a, b int) int {
		if k.NullN() == 0 {
			return c
		}
		return func(a, b int) int {
			an, bn := k.IsNull(a), k.IsNull(b)
			switch {
			case an && bn:
				return 0
			case an:
				return 1
			case bn:
				return -1
			}
			return c(a, b)
		}
	}
	switch x := k.(type) {
	case *array.Int64:
		vs := x.Int64Values()
		return withNulls(func(a, b int) int { return cmp.Compare(vs[a], vs[b]) })
	case *array.Float64:
		vs := x.Float64Values()
		return withNulls(func(a, b int) int { return cmp.Compare(vs[a], vs[b]) })
	case *array.String, *array.Boolean:
		rank := denseRanks(k)
		return func(a, b int) int { return cmp.Compare(rank[a], rank[b]) }
	case *array.Date32:
		return withNulls(func(a, b int) int { return cmp.Compare(x.Value(a), x.Value(b)) })
	case *array.Timestamp:
		return withNulls(func(a, b int) int { return cmp.Compare(x.Value(a), x.Value(b)) })
	}
	return func(int, int) int { return 0 }
}

// denseRanks maps each row of a string or bool column to the rank of its value among
// the column's distinct values (nulls rank last), so sorting compares integers.
func denseRanks(k arrow.Array) []int32 {
	n := k.Len()
	rank := make([]int32, n)
	switch x := k.(type) {
	case *array.Boolean:
		for i := range n {
			switch {
			case x.IsNull(i):
				rank[i] = 2
			case x.Value(i):
				rank[i] = 1
			}
		}
	case *array.String:
		ids := make(map[string]int32)
		var distinct []string
		for i := range n {
			if x.IsNull(i) {
				continue
			}
			v := x.Value(i)
			id, ok := ids[v]
			if !ok {
				id = int32(len(distinct))
				ids[v] = id
				distinct = append(distinct, v)
			}
			rank[i] = id
		}
		order := make([]int32, len(distinct))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(distinct[a], distinct[b]) })
		pos := make([]int32, len(distinct))
		for r, id := range order {
			pos[id] = int32(r)
		}
		for i := range n {
			if x.IsNull(i) {
				rank[i] = int32(len(distinct))
			} else {
				rank[i] = pos[rank[i]]
			}
		}
	}
	return rank
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
