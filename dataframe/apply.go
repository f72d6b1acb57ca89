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

// GroupFunc computes on the rows of one group. It borrows group and returns a new
// record batch that it owns (retain group to return it unchanged).
type GroupFunc func(ctx context.Context, group arrow.RecordBatch) (arrow.RecordBatch, error)

// Apply calls fn once for every group with all of the group's rows (pandas' and
// Dask's groupby.apply) and concatenates what it returns, which must have the
// declared schema (Dask's meta). Several partitions are first shuffled on the keys so
// that each group's rows meet in one partition, in their original order; fn then runs
// partition by partition, the groups of a partition in key order (or in order of
// first appearance with Sort(false)). Across partitions the groups come in hash
// order. Rows with a missing key are left out unless KeepNullKeys.
func (g *GroupBy) Apply(fn GroupFunc, schema *arrow.Schema) *DataFrame {
	return g.apply("Apply", fn, schema, false)
}

// Transform calls fn once for every group, like Apply, but fn returns one row per
// row of the group (pandas' groupby.transform): its columns are set on the group's
// rows — replacing columns of the same name, appended otherwise — and the result
// has every input row (rows with a missing key keep nulls in fn's columns), in the
// shuffled partitions' order. schema is what fn returns.
func (g *GroupBy) Transform(fn GroupFunc, schema *arrow.Schema) *DataFrame {
	return g.apply("Transform", fn, schema, true)
}

func (g *GroupBy) apply(what string, fn GroupFunc, schema *arrow.Schema, transform bool) *DataFrame {
	df := g.df
	if df.err != nil {
		return df
	}
	if fn == nil || schema == nil {
		return failed(fmt.Errorf("dataframe: group %s needs a function and its output schema", strings.ToLower(what)))
	}
	if len(g.keys) == 0 {
		return failed(fmt.Errorf("dataframe: group %s needs group keys", strings.ToLower(what)))
	}
	types, err := hashKeyTypes(df.Schema(), g.keys, "group "+strings.ToLower(what))
	if err != nil {
		return failed(err)
	}
	out := schema
	if transform {
		fields := slices.Clone(df.Schema().Fields())
		for _, f := range schema.Fields() {
			if i := slices.IndexFunc(fields, func(o arrow.Field) bool { return o.Name == f.Name }); i >= 0 {
				if slices.Contains(g.keys, f.Name) {
					return failed(fmt.Errorf("dataframe: group transform cannot replace the key column %q", f.Name))
				}
				fields[i] = f
			} else {
				fields = append(fields, f)
			}
			fields[len(fields)-1].Nullable = true
		}
		out = arrow.NewSchema(fields, nil)
	}
	in := df
	if df.NPartitions() > 1 {
		in = df.Shuffle(g.keys, df.NPartitions())
	}
	spec := groupApply{keys: g.keys, types: types, dropna: g.dropna, sorted: !g.unsorted, transform: transform, fn: fn, schema: schema, out: out}
	label := gask.FuncLabel(fn)
	src := &mapSource{in: in, sch: out, label: fmt.Sprintf("GroupBy [%s] %s %s", strings.Join(g.keys, ", "), what, label)}
	src.fn = spec.run
	src.key = graph.Token("groupby-" + strings.ToLower(what))
	return fromSource(src)
}

// groupApply is a planned Apply or Transform: what runs on each partition.
type groupApply struct {
	keys, types    []string
	dropna, sorted bool
	transform      bool
	fn             GroupFunc
	schema, out    *arrow.Schema
}

// run applies the function to every group of one partition.
func (a groupApply) run(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	keys, err := keyColumns(ctx, rec, a.keys, a.types)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(keys)
	kt := make([]arrow.DataType, len(a.types))
	for i, t := range a.types {
		kt[i] = castTypes[t]
	}
	gr := newGrouper(mem, kt, a.dropna)
	defer gr.release()
	n := int(rec.NumRows())
	ids := gr.ids(keys, n)
	// Each group's rows, in order; groups in order of first appearance.
	members := make([][]int, gr.ngroups)
	for r, id := range ids {
		if id >= 0 {
			members[id] = append(members[id], r)
		}
	}
	order := make([]int, gr.ngroups)
	for i := range order {
		order[i] = i
	}
	if a.sorted && len(order) > 1 {
		sk := make([]sortKeys, len(keys))
		for c, k := range keys {
			sk[c] = keysOf(k)
		}
		byKeys := rowOrder(sortSpec{Asc: slices.Repeat([]bool{true}, len(keys))}, sk)
		slices.SortFunc(order, func(x, y int) int { return byKeys(members[x][0], members[y][0]) })
	}
	results := make([]arrow.RecordBatch, 0, len(order))
	defer func() {
		for _, r := range results {
			r.Release()
		}
	}()
	for _, id := range order {
		group, err := takeRows(ctx, rec, members[id])
		if err != nil {
			return nil, err
		}
		res, err := a.fn(ctx, group)
		group.Release()
		if err != nil {
			return nil, fmt.Errorf("dataframe: group %s: %w", groupName(keys, members[id][0]), err)
		}
		results = append(results, res)
		if !res.Schema().Equal(a.schema) {
			return nil, fmt.Errorf("dataframe: group %s came back with schema %s, declared %s", groupName(keys, members[id][0]), res.Schema(), a.schema)
		}
		if a.transform && int(res.NumRows()) != len(members[id]) {
			return nil, fmt.Errorf("dataframe: group transform: group %s has %d rows, the function returned %d", groupName(keys, members[id][0]), len(members[id]), res.NumRows())
		}
	}
	if !a.transform {
		if len(results) == 0 {
			return emptyRecord(ctx, a.out)
		}
		return concatRecords(ctx, results)
	}
	return a.setColumns(ctx, rec, results, order, members)
}

// setColumns puts the transform's results, group by group, back on the partition's
// rows: row r of the partition takes the result row made for it, or nulls.
func (a groupApply) setColumns(ctx context.Context, rec arrow.RecordBatch, results []arrow.RecordBatch, order []int, members [][]int) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	// src[r] is the row of the concatenated results for partition row r (-1: none).
	src := make([]int64, n)
	for r := range src {
		src[r] = -1
	}
	at := int64(0)
	for _, id := range order {
		for _, r := range members[id] {
			src[r] = at
			at++
		}
	}
	var all arrow.RecordBatch
	var err error
	if len(results) == 0 {
		all, err = emptyRecord(ctx, a.schema)
	} else {
		all, err = concatRecords(ctx, results)
	}
	if err != nil {
		return nil, err
	}
	defer all.Release()
	idx := indexArray(compute.GetAllocator(ctx), src)
	defer idx.Release()
	cols := make([]arrow.Array, 0, len(a.out.Fields()))
	defer func() { releaseArrays(cols) }()
	for _, f := range a.out.Fields() {
		if i := a.schema.FieldIndices(f.Name); len(i) > 0 {
			c, err := compute.TakeArray(ctx, all.Column(i[0]), idx)
			if err != nil {
				return nil, fmt.Errorf("dataframe: group transform: column %q: %w", f.Name, err)
			}
			cols = append(cols, c)
			continue
		}
		c := rec.Column(rec.Schema().FieldIndices(f.Name)[0])
		c.Retain()
		cols = append(cols, c)
	}
	return array.NewRecordBatch(a.out, cols, int64(n)), nil
}

// groupName names a group by the keys of one of its rows, for errors.
func groupName(keys []arrow.Array, row int) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.ValueStr(row)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// emptyRecord is a record of schema s without rows.
func emptyRecord(ctx context.Context, s *arrow.Schema) (arrow.RecordBatch, error) {
	cols := emptyColumns(ctx, s)
	defer releaseArrays(cols)
	return array.NewRecordBatch(s, cols, 0), nil
}
