package dataframe

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// PivotTable spreads an aggregation over the known categories of a column (pandas'
// and Dask's pivot_table): one row per value of index, sorted, and one column per
// category of columns, in the order given, holding agg of the rows with that index
// value and category — null where there are none. Like Dask, it needs the categories
// before anything runs, since they name the result's columns: pass them (Categories
// computes a column's). A value of columns that is not among them is an error naming
// it. Rows with a missing index or columns value are left out, as in pandas.
//
// It is GroupBy(index, columns).Agg(agg) — partial per partition, combined as a tree
// — and one task that turns the groups into columns.
func (df *DataFrame) PivotTable(index, columns string, agg Agg, categories []string) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(categories) == 0 {
		return failed(fmt.Errorf("dataframe: pivot_table: no categories of %q (Categories computes them)", columns))
	}
	for i, c := range categories {
		if c == index || slices.Contains(categories[:i], c) {
			return failed(fmt.Errorf("dataframe: pivot_table: category %q names two columns", c))
		}
	}
	agg.Name = "value"
	long := df.GroupBy(index, columns).Agg(agg)
	if long.err != nil {
		return failed(fmt.Errorf("dataframe: pivot_table: %w", long.err))
	}
	spec := pivotSpec{Index: index, Columns: columns, Categories: categories}
	src := &pivotSource{in: long, spec: spec, sch: pivotSchema(long.Schema(), categories)}
	src.key = keyName("pivot-table", []string{fmt.Sprint(long.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	return fromSource(src)
}

// Categories computes the distinct values of col, sorted, missing values left out:
// the known categories PivotTable needs (Dask's categorize).
func (df *DataFrame) Categories(ctx context.Context, col string, opts ...gask.Option) ([]string, error) {
	if df.err != nil {
		return nil, df.err
	}
	tbl, err := df.GroupBy(col).Agg(Size().As("_n")).Compute(ctx, opts...)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	var out []string
	for _, ch := range tbl.Column(0).Data().Chunks() {
		for i := range ch.Len() {
			out = append(out, ch.ValueStr(i))
		}
	}
	return out, nil
}

// pivotSchema is the wide schema of long groups (index, columns, value).
func pivotSchema(long *arrow.Schema, categories []string) *arrow.Schema {
	fields := []arrow.Field{long.Field(0)}
	for _, c := range categories {
		fields = append(fields, arrow.Field{Name: c, Type: long.Field(2).Type, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// pivotSpec is a planned pivot: plain data, the kernel's parameter.
type pivotSpec struct {
	Index, Columns string
	Categories     []string
}

type pivotSource struct {
	in   *DataFrame
	spec pivotSpec
	sch  *arrow.Schema
	key  string
}

func (s *pivotSource) describe() string {
	return fmt.Sprintf("PivotTable index=%s columns=%s [%s]", s.spec.Index, s.spec.Columns, strings.Join(s.spec.Categories, ", "))
}
func (s *pivotSource) input() *DataFrame     { return s.in }
func (s *pivotSource) name() string          { return s.key }
func (s *pivotSource) schema() *arrow.Schema { return s.sch }
func (s *pivotSource) npartitions() int      { return 1 }

const pivotName = "dataframe.pivot"

func (s *pivotSource) tasks(key graph.Key, _ int, columns []string, steps []Step) ([]graph.Task, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	out := graph.K(s.key, 0)
	if err := g.Add(graph.Task{Key: out, Func: graph.Registered(pivotName), Args: []any{s.spec, graph.Input(0)}, Deps: in[:1]}); err != nil {
		return nil, err
	}
	if out != key {
		if err := g.Add(pipelineTask(key, out, columns, steps)); err != nil {
			return nil, err
		}
	}
	return g.Tasks(), nil
}

func init() {
	// The long groups (index, columns, value), sorted by index, as one row per index
	// value and one column per category.
	register(pivotName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(pivotSpec)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: pivot_table input is %T", args[1])
		}
		sch := pivotSchema(rec.Schema(), spec.Categories)
		pos := make(map[string]int, len(spec.Categories))
		for i, c := range spec.Categories {
			pos[c] = i
		}
		index, cats, values := rec.Column(0), rec.Column(1), rec.Column(2)
		n := int(rec.NumRows())
		keys := keysOf(index)
		var first []int                             // each output row's first long row
		at := make([][]int64, len(spec.Categories)) // each category's long row per output row
		for r := range n {
			if len(first) == 0 || keys.compare(r, &keys, first[len(first)-1]) != 0 {
				first = append(first, r)
				for c := range at {
					at[c] = append(at[c], -1)
				}
			}
			c, ok := pos[cats.ValueStr(r)]
			if !ok {
				return nil, fmt.Errorf("dataframe: pivot_table: column %q has %q, not among the categories [%s]", spec.Columns, cats.ValueStr(r), strings.Join(spec.Categories, ", "))
			}
			at[c][len(first)-1] = int64(r)
		}
		mem := compute.GetAllocator(ctx)
		cols := make([]arrow.Array, 0, len(sch.Fields()))
		defer func() { releaseArrays(cols) }()
		rows := make([]int64, len(first))
		for i, r := range first {
			rows[i] = int64(r)
		}
		for c, idx := range append([][]int64{rows}, at...) {
			from := values
			if c == 0 {
				from = index
			}
			ix := indexArray(mem, idx)
			col, err := compute.TakeArray(ctx, from, ix)
			ix.Release()
			if err != nil {
				return nil, fmt.Errorf("dataframe: pivot_table: %w", err)
			}
			cols = append(cols, col)
		}
		return array.NewRecordBatch(sch, cols, int64(len(first))), nil
	})
}
