package dataframe

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gask-dev/gask/graph"
)

// SortOption configures SortValues.
type SortOption func(*sortSpec)

// Ascending sets the direction of each sort column in turn (true: ascending); one
// value applies to every column. The default is ascending.
func Ascending(asc ...bool) SortOption { return func(s *sortSpec) { s.Asc = asc } }

// NullsFirst puts missing values (nulls, and NaN in float columns) before the others;
// by default they come last, as pandas' na_position="last", whatever the direction.
func NullsFirst() SortOption { return func(s *sortSpec) { s.NullsFirst = true } }

// SortPartitions sets the number of output partitions (default: as many as the input).
func SortPartitions(n int) SortOption { return func(s *sortSpec) { s.N = n } }

// sortSpec is a planned sort: plain data, the kernels' parameter.
type sortSpec struct {
	By         []string
	Asc        []bool
	NullsFirst bool
	N          int
	Samples    int // values sampled from each partition to place the boundaries
	// Given boundaries (SetIndex's divisions) skip the sampling pass; a first-column
	// value outside a non-empty Range (its least and greatest values) is an error.
	Given  bool
	Bounds sortKeys
	Range  sortKeys
}

// SortValues sorts the rows by the columns (pandas' and Dask's sort_values): by the
// first, ties by the second, and so on; rows equal in every column keep their order
// (a stable sort). The result is range-partitioned: partition i holds rows that sort
// before those of partition i+1.
//
// It samples the first column of every partition, places N-1 boundaries at the
// sample's quantiles, cuts every partition at the boundaries into shards, and sorts
// each output partition's shards locally: 2P + N + 1 tasks, all lazy. Rows with equal
// first-column values share a partition, so a value repeated very often makes its
// partition large.
func (df *DataFrame) SortValues(by []string, opts ...SortOption) *DataFrame {
	if df.err != nil {
		return df
	}
	spec := sortSpec{By: by, N: df.NPartitions(), Samples: 256}
	for _, o := range opts {
		o(&spec)
	}
	if len(by) == 0 {
		return failed(fmt.Errorf("dataframe: sort_values: no columns"))
	}
	switch len(spec.Asc) {
	case 0:
		spec.Asc = slices.Repeat([]bool{true}, len(by))
	case 1:
		spec.Asc = slices.Repeat(spec.Asc, len(by))
	case len(by):
	default:
		return failed(fmt.Errorf("dataframe: sort_values: %d directions for %d columns", len(spec.Asc), len(by)))
	}
	if spec.N < 1 {
		return failed(fmt.Errorf("dataframe: sort_values into %d partitions", spec.N))
	}
	s := df.Schema()
	for _, c := range by {
		idx := s.FieldIndices(c)
		if len(idx) == 0 {
			return failed(fmt.Errorf("dataframe: sort_values: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
		if t := s.Field(idx[0]).Type; !sortable(t) {
			return failed(fmt.Errorf("dataframe: sort_values: cannot sort by %q of type %s", c, t))
		}
	}
	src := &sortSource{in: df, spec: spec}
	src.key = keyName("sort-values", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	return fromSource(src)
}

func sortable(t arrow.DataType) bool {
	_, ok := normType(t)
	return ok || isTemporal(t)
}

type sortSource struct {
	in   *DataFrame
	spec sortSpec
	key  string
}

func (s *sortSource) describe() string {
	parts := make([]string, len(s.spec.By))
	for i, c := range s.spec.By {
		parts[i] = c
		if !s.spec.Asc[i] {
			parts[i] += " desc"
		}
	}
	nulls := "last"
	if s.spec.NullsFirst {
		nulls = "first"
	}
	return fmt.Sprintf("SortValues [%s] nulls %s", strings.Join(parts, ", "), nulls)
}
func (s *sortSource) input() *DataFrame     { return s.in }
func (s *sortSource) name() string          { return s.key }
func (s *sortSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *sortSource) npartitions() int      { return s.spec.N }

const (
	sortSampleName = "dataframe.sort-sample"
	sortBoundsName = "dataframe.sort-bounds"
	sortSplitName  = "dataframe.sort-split"
	sortMergeName  = "dataframe.sort-merge"
)

func (s *sortSource) shared() (*graph.Graph, error) {
	var parts []graph.Key
	g := graph.New(0)
	if s.spec.Given {
		in, err := lowerInto(g, s.in)
		if err != nil {
			return nil, err
		}
		for i, k := range in {
			parts = append(parts, graph.K(s.key+"-split", i))
			if err := g.Add(graph.Task{Key: parts[i], Func: graph.Registered(sortSplitName), Args: []any{s.spec, graph.Input(0), s.spec.Bounds}, Deps: []graph.Key{k}}); err != nil {
				return nil, err
			}
		}
	} else {
		var samples []graph.Key
		var err error
		g, samples, err = chunkTasks(s.in, s.key+"-sample", graph.Registered(sortSampleName), []any{s.spec, graph.Input(0)})
		if err != nil {
			return nil, err
		}
		bounds := graph.K(s.key+"-bounds", 0)
		if err := g.Add(graph.Task{Key: bounds, Func: graph.Registered(sortBoundsName), Args: append([]any{s.spec}, inputs(len(samples))...), Deps: samples}); err != nil {
			return nil, err
		}
		for i, sample := range samples {
			parts = append(parts, graph.K(s.key+"-split", i))
			t, _ := g.Task(sample)
			in := t.Deps[0] // the input partition
			if err := g.Add(graph.Task{Key: parts[i], Func: graph.Registered(sortSplitName), Args: []any{s.spec, graph.Input(0), graph.Input(1)}, Deps: []graph.Key{in, bounds}}); err != nil {
				return nil, err
			}
		}
	}
	for j := range s.spec.N {
		if err := g.Add(graph.Task{Key: graph.K(s.key, j), Func: graph.Registered(sortMergeName), Args: append([]any{s.spec, j}, inputs(len(parts))...), Deps: parts}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (s *sortSource) tasks(key graph.Key, part int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, part), columns, steps), nil
}

// sortKeys are a column's values in a comparable form: one of ints (integers, bools,
// dates and timestamps), floats or strs, with missing values (nulls, NaN) marked.
type sortKeys struct {
	Ints    []int64
	Floats  []float64
	Strs    []string
	Missing []bool
}

func (k *sortKeys) len() int { return len(k.Missing) }

// compare orders rows i of k and j of o (of the same kind), present values only.
func (k *sortKeys) compare(i int, o *sortKeys, j int) int {
	switch {
	case k.Ints != nil:
		return cmp.Compare(k.Ints[i], o.Ints[j])
	case k.Floats != nil:
		return cmp.Compare(k.Floats[i], o.Floats[j])
	}
	return strings.Compare(k.Strs[i], o.Strs[j])
}

// keysOf reads a column as sortKeys; strings point into the column's memory.
func keysOf(col arrow.Array) sortKeys {
	n := col.Len()
	k := sortKeys{Missing: make([]bool, n)}
	for i := range n {
		k.Missing[i] = col.IsNull(i)
	}
	switch a := col.(type) {
	case *array.Float64:
		k.Floats = slices.Clone(a.Float64Values())
	case *array.Float32:
		k.Floats = make([]float64, n)
		for i, v := range a.Float32Values() {
			k.Floats[i] = float64(v)
		}
	case *array.String, *array.LargeString, *array.Dictionary:
		k.Strs = make([]string, n)
		for i := range n {
			if !k.Missing[i] {
				k.Strs[i] = stringAt(col, i)
			}
		}
	case *array.Boolean:
		k.Ints = make([]int64, n)
		for i := range n {
			if a.Value(i) {
				k.Ints[i] = 1
			}
		}
	default:
		k.Ints = make([]int64, n)
		for i := range n {
			if !k.Missing[i] {
				k.Ints[i] = intAt(col, i)
			}
		}
	}
	for i, f := range k.Floats {
		if math.IsNaN(f) {
			k.Missing[i] = true
		}
	}
	if k.Ints == nil && k.Floats == nil && k.Strs == nil {
		k.Ints = []int64{}
	}
	return k
}

func stringAt(col arrow.Array, i int) string {
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Dictionary:
		return dictValue(a, i)
	}
	return ""
}

// intAt is element i of an integer, date or timestamp column as int64.
func intAt(col arrow.Array, i int) int64 {
	switch a := col.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Uint64:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Date32:
		return int64(a.Value(i))
	case *array.Date64:
		return int64(a.Value(i))
	case *array.Timestamp:
		return int64(a.Value(i))
	}
	return 0
}

// sortColumn is rec's column name.
func sortColumn(rec arrow.RecordBatch, name string) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("dataframe: sort_values: no column %q", name)
	}
	return rec.Column(idx[0]), nil
}

// rowOrder compares rows a and b of one record by the sort columns.
func rowOrder(spec sortSpec, keys []sortKeys) func(a, b int) int {
	return func(a, b int) int {
		for c := range keys {
			k := &keys[c]
			ma, mb := k.Missing[a], k.Missing[b]
			switch {
			case ma && mb:
				continue
			case ma != mb:
				if ma == spec.NullsFirst {
					return -1
				}
				return 1
			}
			r := k.compare(a, k, b)
			if !spec.Asc[c] {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return 0
	}
}

func init() {
	// A partition's sample: evenly spaced present values of the first sort column.
	register(sortSampleName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(sortSpec)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: sort_values: partition is %T", args[1])
		}
		col, err := sortColumn(rec, spec.By[0])
		if err != nil {
			return nil, err
		}
		keys := keysOf(col)
		return keys.sample(spec.Samples), nil
	})
	// The boundaries: N-1 quantiles of all samples, in sort order.
	register(sortBoundsName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(sortSpec)
		first := args[1].(sortKeys)
		all := first.pick()
		for _, a := range args[1:] {
			all.appendKeys(a.(sortKeys))
		}
		return all.quantiles(spec.N, spec.Asc[0]), nil
	})
	// A partition cut at the boundaries: shard j has the rows of output partition j.
	register(sortSplitName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(sortSpec)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: sort_values: partition is %T", args[1])
		}
		bounds := args[2].(sortKeys)
		col, err := sortColumn(rec, spec.By[0])
		if err != nil {
			return nil, err
		}
		keys := keysOf(col)
		if spec.Range.len() == 2 {
			for i := range keys.len() {
				if !keys.Missing[i] && (keys.compare(i, &spec.Range, 0) < 0 || keys.compare(i, &spec.Range, 1) > 0) {
					t := col.DataType()
					return nil, fmt.Errorf("dataframe: set_index: column %q has %v, outside the divisions [%v, %v]", spec.By[0],
						divisionValue(&keys, i, t), divisionValue(&spec.Range, 0, t), divisionValue(&spec.Range, 1, t))
				}
			}
		}
		parts := make([][]int, spec.N)
		nb := bounds.len()
		for i := range keys.len() {
			var j int
			switch {
			case keys.Missing[i] && spec.NullsFirst:
				j = 0
			case keys.Missing[i]:
				j = spec.N - 1
			default:
				// The number of boundaries the row sorts after (equal values go with
				// the boundary's own partition, so equal keys never straddle).
				j = sort.Search(nb, func(b int) bool {
					r := keys.compare(i, &bounds, b)
					if !spec.Asc[0] {
						r = -r
					}
					return r < 0
				})
			}
			parts[j] = append(parts[j], i)
		}
		return takeParts(ctx, rec, parts)
	})
	// Output partition j: its shards in input order, sorted stably.
	register(sortMergeName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(sortSpec)
		parts, err := shards(args[1].(int), args[2:])
		if err != nil {
			return nil, fmt.Errorf("dataframe: sort_values: %w", err)
		}
		// The sort keys of all shards together; the rows are then gathered from the
		// shards in sorted order, each value copied once.
		keys := make([]sortKeys, len(spec.By))
		n := 0
		for _, sh := range parts {
			n += int(sh.NumRows())
		}
		for c, name := range spec.By {
			for _, sh := range parts {
				col, err := sortColumn(sh, name)
				if err != nil {
					return nil, err
				}
				k := keysOf(col)
				keys[c].Ints = append(keys[c].Ints, k.Ints...)
				keys[c].Floats = append(keys[c].Floats, k.Floats...)
				keys[c].Strs = append(keys[c].Strs, k.Strs...)
				keys[c].Missing = append(keys[c].Missing, k.Missing...)
			}
		}
		return gatherRecords(ctx, parts, sortedRows(spec, keys, n))
	})
}

// sortedRows is the order of n rows sorted by keys, stably: ties are broken by row
// number, which lets an unstable O(n log n) sort give a stable result. One present
// integer, float or string key sorts as (key, row) pairs, without a comparison
// closure per pair.
func sortedRows(spec sortSpec, keys []sortKeys, n int) []int {
	if len(keys) == 1 {
		k := &keys[0]
		switch {
		case k.Ints != nil:
			return sortPairs(k.Ints, k.Missing, spec.Asc[0], spec.NullsFirst)
		case k.Floats != nil:
			return sortPairs(k.Floats, k.Missing, spec.Asc[0], spec.NullsFirst)
		case k.Strs != nil:
			return sortPairs(k.Strs, k.Missing, spec.Asc[0], spec.NullsFirst)
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	byKeys := rowOrder(spec, keys)
	slices.SortFunc(order, func(a, b int) int {
		if r := byKeys(a, b); r != 0 {
			return r
		}
		return cmp.Compare(a, b)
	})
	return order
}

// sortPairs sorts rows by one key column: present values as (value, row) pairs, the
// missing ones before or after them in row order.
func sortPairs[T cmp.Ordered](vs []T, missing []bool, asc, nullsFirst bool) []int {
	type pair struct {
		v T
		r int
	}
	pairs := make([]pair, 0, len(vs))
	var absent []int
	for r, v := range vs {
		if missing[r] {
			absent = append(absent, r)
		} else {
			pairs = append(pairs, pair{v, r})
		}
	}
	if asc {
		slices.SortFunc(pairs, func(a, b pair) int {
			if c := cmp.Compare(a.v, b.v); c != 0 {
				return c
			}
			return cmp.Compare(a.r, b.r)
		})
	} else {
		slices.SortFunc(pairs, func(a, b pair) int {
			if c := cmp.Compare(b.v, a.v); c != 0 {
				return c
			}
			return cmp.Compare(a.r, b.r)
		})
	}
	out := make([]int, 0, len(vs))
	if nullsFirst {
		out = append(out, absent...)
	}
	for _, p := range pairs {
		out = append(out, p.r)
	}
	if !nullsFirst {
		out = append(out, absent...)
	}
	return out
}
