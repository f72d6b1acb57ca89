package dataframe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// indexInfo is what a DataFrame knows about its index: the column its partitions are
// sorted by and, when known, the divisions that bound them. Partition i holds the rows
// whose index is in [Divs[i], Divs[i+1]) — the last one up to and including Divs[n] —
// sorted by it; rows with a missing index come last, in the last partition.
type indexInfo struct {
	Name string
	Type arrow.DataType
	Divs sortKeys // NPartitions()+1 present values, or none when unknown
}

// through is the index after a row-wise step: a filter keeps it, a projection keeps
// it (renamed, perhaps) when it passes the column on unchanged.
func (ix *indexInfo) through(s Step) *indexInfo {
	if ix == nil || s.Kind == "filter" {
		return ix
	}
	for i, e := range s.Exprs {
		if e.Op == "col" && e.Name == ix.Name {
			c := *ix
			c.Name = s.Names[i]
			return &c
		}
	}
	return nil
}

func (ix *indexInfo) known() bool { return ix != nil && ix.Divs.len() > 0 }

// Index names the column the DataFrame is indexed by — set by SetIndex and kept
// through filters, and through projections and renames that pass the column on
// unchanged — or is "" when there is none. Unlike pandas, the index stays a column.
func (df *DataFrame) Index() string {
	if df.index == nil {
		return ""
	}
	return df.index.Name
}

// Divisions are the index values that bound the partitions (Dask's divisions):
// NPartitions()+1 ascending values, partition i holding the rows whose index is at
// least divisions[i] and less than divisions[i+1] (the last partition also holds
// divisions[n], and the rows with a missing index). ok is false when they are
// unknown: without an index, or after an operation that moves rows between
// partitions. Values are int64, float64, string, bool or time.Time, after the
// index column's type.
func (df *DataFrame) Divisions() (divisions []any, ok bool) {
	if !df.index.known() {
		return nil, false
	}
	ix := df.index
	out := make([]any, ix.Divs.len())
	for i := range out {
		out[i] = divisionValue(&ix.Divs, i, ix.Type)
	}
	return out, true
}

// keyKind makes an empty sortKeys of the kind keysOf gives for type t.
func keyKind(t arrow.DataType) sortKeys {
	switch {
	case isFloat(t):
		return sortKeys{Floats: []float64{}}
	case isString(t):
		return sortKeys{Strs: []string{}}
	}
	return sortKeys{Ints: []int64{}}
}

// divisionValue is value i of k as the Go value Divisions reports for type t.
func divisionValue(k *sortKeys, i int, t arrow.DataType) any {
	switch {
	case k.Floats != nil:
		return k.Floats[i]
	case k.Strs != nil:
		return k.Strs[i]
	}
	v := k.Ints[i]
	switch tt := t.(type) {
	case *arrow.TimestampType:
		return arrow.Timestamp(v).ToTime(tt.Unit)
	case *arrow.Date32Type:
		return arrow.Date32(v).ToTime()
	case *arrow.Date64Type:
		return arrow.Date64(v).ToTime()
	case *arrow.BooleanType:
		return v != 0
	}
	return v
}

// appendDivision appends the Go value v, read as a value of type t, to k.
func appendDivision(k *sortKeys, v any, t arrow.DataType) error {
	bad := fmt.Errorf("%v (%T) is not a %s value", v, v, t)
	switch {
	case k.Floats != nil:
		var f float64
		switch x, _ := normLit(v); x := x.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			return bad
		}
		if math.IsNaN(f) {
			return fmt.Errorf("NaN cannot bound a partition")
		}
		k.Floats = append(k.Floats, f)
	case k.Strs != nil:
		s, ok := v.(string)
		if !ok {
			return bad
		}
		k.Strs = append(k.Strs, s)
	default:
		var n int64
		switch x := v.(type) {
		case time.Time:
			switch tt := t.(type) {
			case *arrow.TimestampType:
				ts, err := arrow.TimestampFromTime(x, tt.Unit)
				if err != nil {
					return err
				}
				n = int64(ts)
			case *arrow.Date32Type:
				n = int64(arrow.Date32FromTime(x))
			case *arrow.Date64Type:
				n = int64(arrow.Date64FromTime(x))
			default:
				return bad
			}
		case bool:
			if t.ID() != arrow.BOOL {
				return bad
			}
			if x {
				n = 1
			}
		default:
			i, ok := normLit(v)
			if _, isInt := i.(int64); ok != nil || !isInt {
				return bad
			}
			n = i.(int64)
		}
		if !isInteger(t) && !isTemporal(t) && t.ID() != arrow.BOOL {
			return bad
		}
		k.Ints = append(k.Ints, n)
	}
	k.Missing = append(k.Missing, false)
	return nil
}

// divisionKeys reads divisions given by the user for an index of type t: at least
// two values, ascending.
func divisionKeys(what string, divs []any, t arrow.DataType) (sortKeys, error) {
	if len(divs) < 2 {
		return sortKeys{}, fmt.Errorf("dataframe: %s: %d divisions; at least 2 bound one partition", what, len(divs))
	}
	k := keyKind(t)
	for i, v := range divs {
		if err := appendDivision(&k, v, t); err != nil {
			return sortKeys{}, fmt.Errorf("dataframe: %s: division %d: %w", what, i, err)
		}
		if i > 0 && k.compare(i-1, &k, i) > 0 {
			return sortKeys{}, fmt.Errorf("dataframe: %s: divisions must ascend, but division %d (%v) follows %v", what, i, v, divs[i-1])
		}
	}
	return k, nil
}

// pick is the sortKeys of k's values at rows.
func (k *sortKeys) pick(rows ...int) sortKeys {
	out := sortKeys{}
	for _, r := range rows {
		out.Missing = append(out.Missing, k.Missing[r])
		switch {
		case k.Floats != nil:
			out.Floats = append(out.Floats, k.Floats[r])
		case k.Strs != nil:
			out.Strs = append(out.Strs, k.Strs[r])
		default:
			out.Ints = append(out.Ints, k.Ints[r])
		}
	}
	if out.Floats == nil && out.Strs == nil && out.Ints == nil {
		switch {
		case k.Floats != nil:
			out.Floats = []float64{}
		case k.Strs != nil:
			out.Strs = []string{}
		default:
			out.Ints = []int64{}
		}
	}
	return out
}

// sample is about n evenly spaced present values of k, their strings copied (they
// outlive the column they point into).
func (k *sortKeys) sample(n int) sortKeys {
	var present []int
	for i := range k.len() {
		if !k.Missing[i] {
			present = append(present, i)
		}
	}
	step := max(1, len(present)/n)
	var rows []int
	for i := 0; i < len(present); i += step {
		rows = append(rows, present[i])
	}
	out := k.pick(rows...)
	for i, s := range out.Strs {
		out.Strs[i] = strings.Clone(s)
	}
	return out
}

// quantiles are the n-1 values that cut k's values, in sort order (ascending or
// not), into n parts of about equal counts; fewer when k has fewer values.
func (k *sortKeys) quantiles(n int, asc bool) sortKeys {
	order := make([]int, k.len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if asc {
			return k.compare(a, k, b)
		}
		return k.compare(b, k, a)
	})
	var at []int
	for j := 1; j < n && len(order) > 0; j++ {
		at = append(at, order[j*len(order)/n])
	}
	return k.pick(at...)
}

// appendKeys appends o's values to k (both of one kind).
func (k *sortKeys) appendKeys(o sortKeys) {
	k.Ints = append(k.Ints, o.Ints...)
	k.Floats = append(k.Floats, o.Floats...)
	k.Strs = append(k.Strs, o.Strs...)
	k.Missing = append(k.Missing, o.Missing...)
}

func (k *sortKeys) sameKind(o *sortKeys) bool {
	return (k.Ints != nil) == (o.Ints != nil) && (k.Floats != nil) == (o.Floats != nil) && (k.Strs != nil) == (o.Strs != nil)
}

// IndexOption configures SetIndex.
type IndexOption func(*indexOptions)

type indexOptions struct {
	divisions []any
	sorted    bool
	n         int
	compute   []gask.Option
}

// GivenDivisions sets the divisions instead of computing them (Dask's divisions=):
// no pass over the data before the shuffle, and a row whose index falls outside
// [first, last] is an error when the result is computed.
func GivenDivisions(divisions ...any) IndexOption {
	return func(o *indexOptions) { o.divisions = divisions }
}

// SortedIndex says the column is already sorted across the partitions (Dask's
// sorted=True): SetIndex only reads each partition's first and last values and moves
// no rows. An unsorted column, or one with missing values, is an error naming the
// partition. When a value straddles two partitions, the rows are shuffled as without
// the option, reusing the pass already made.
func SortedIndex() IndexOption { return func(o *indexOptions) { o.sorted = true } }

// IndexPartitions sets the number of partitions SetIndex aims for (Dask's
// npartitions=); the default keeps the input's. Fewer result when the index has
// fewer distinct values.
func IndexPartitions(n int) IndexOption { return func(o *indexOptions) { o.n = n } }

// IndexCompute passes scheduler options to the pass SetIndex makes over the data.
func IndexCompute(opts ...gask.Option) IndexOption {
	return func(o *indexOptions) { o.compute = opts }
}

// SetIndex sorts the rows by the column and partitions them by its values (Dask's
// set_index): the result's Index is col, its Divisions are known and its partitions
// are sorted by col, rows with equal values in the same partition, missing values
// last. Unlike pandas, col stays a column.
//
// Unless GivenDivisions sets them, the divisions come from a pass over the data now —
// each partition's minimum, maximum and a sample of its values, whose quantiles
// become the divisions, as Dask computes them eagerly — so the input is read twice;
// Persist it first when that costs. The sort itself is lazy: P + N tasks with given
// divisions (a cut of every input partition, a merge for every output), none with
// SortedIndex on sorted data.
func (df *DataFrame) SetIndex(ctx context.Context, col string, opts ...IndexOption) (*DataFrame, error) {
	if df.err != nil {
		return nil, df.err
	}
	if df.NPartitions() == 0 {
		out := &DataFrame{plan: df.plan, index: &indexInfo{Name: col}}
		if len(df.Schema().FieldIndices(col)) == 0 {
			return nil, fmt.Errorf("dataframe: set_index: unknown column %q", col)
		}
		out.index.Type = df.Schema().Field(df.Schema().FieldIndices(col)[0]).Type
		return out, nil
	}
	o := indexOptions{n: df.NPartitions()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.n < 1 {
		return nil, fmt.Errorf("dataframe: set_index into %d partitions", o.n)
	}
	s := df.Schema()
	idx := s.FieldIndices(col)
	if len(idx) == 0 {
		return nil, fmt.Errorf("dataframe: set_index: unknown column %q (columns: %s)", col, strings.Join(df.Columns(), ", "))
	}
	typ := s.Field(idx[0]).Type
	if !sortable(typ) {
		return nil, fmt.Errorf("dataframe: set_index: cannot index by %q of type %s", col, typ)
	}
	if o.divisions != nil {
		divs, err := divisionKeys("set_index", o.divisions, typ)
		if err != nil {
			return nil, err
		}
		return df.sortedBy(col, typ, divs, true), nil
	}
	stats, err := gask.Compute[[]indexStats](ctx, &perPartition[indexStats]{df: df, fn: indexStatsName, args: []any{col, 256}}, o.compute...)
	if err != nil {
		return nil, err
	}
	if o.sorted {
		divs, err := sortedDivisions(col, stats)
		if err != nil {
			return nil, err
		}
		if divs != nil {
			// Empty partitions have no place between divisions: drop them, as Dask does.
			var keep []int
			for i, st := range stats {
				if st.Rows > 0 {
					keep = append(keep, i)
				}
			}
			if len(keep) == 0 {
				keep = []int{0}
			}
			out := &DataFrame{plan: df.plan}
			if len(keep) < len(stats) {
				out = df.partitions(keep)
			}
			out.index = &indexInfo{Name: col, Type: typ, Divs: *divs}
			return out, nil
		}
		// A value straddles partitions: shuffle after all.
	}
	return df.sortedBy(col, typ, quantileDivisions(stats, o.n), false), nil
}

// sortedBy is df range-partitioned by col at the divisions and sorted in each
// partition; check makes values outside the divisions an error.
func (df *DataFrame) sortedBy(col string, typ arrow.DataType, divs sortKeys, check bool) *DataFrame {
	n := max(1, divs.len()-1)
	spec := sortSpec{By: []string{col}, Asc: []bool{true}, N: n, Given: true, Bounds: keyKind(typ)}
	if divs.len() > 2 {
		inner := make([]int, divs.len()-2)
		for i := range inner {
			inner[i] = i + 1
		}
		spec.Bounds = divs.pick(inner...)
	}
	if check {
		spec.Range = divs.pick(0, divs.len()-1)
	}
	src := &sortSource{in: df, spec: spec}
	src.key = keyName("set-index", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	out := fromSource(src)
	out.index = &indexInfo{Name: col, Type: typ, Divs: divs}
	return out
}

// indexStats describes one partition's index column.
type indexStats struct {
	Rows, Nulls int
	Sorted      bool     // the present values ascend and none is missing
	MinMax      sortKeys // the least and greatest present values; empty if none
	Sample      sortKeys // evenly spaced present values
}

// sortedDivisions are the divisions of partitions already sorted by col: each
// partition's first value and the last one's last. nil when a value straddles two
// partitions, which only a shuffle can mend.
func sortedDivisions(col string, stats []indexStats) (*sortKeys, error) {
	var prev *sortKeys
	prevPart := 0
	for i := range stats {
		st := &stats[i]
		if st.Nulls > 0 {
			return nil, fmt.Errorf("dataframe: set_index sorted: column %q has %d missing values in partition %d", col, st.Nulls, i)
		}
		if !st.Sorted {
			return nil, fmt.Errorf("dataframe: set_index sorted: column %q is not sorted in partition %d", col, i)
		}
		if st.MinMax.len() == 0 {
			continue
		}
		if prev != nil {
			switch c := prev.compare(1, &st.MinMax, 0); {
			case c > 0:
				return nil, fmt.Errorf("dataframe: set_index sorted: column %q is not sorted across partitions %d and %d", col, prevPart, i)
			case c == 0:
				return nil, nil
			}
		}
		prev, prevPart = &st.MinMax, i
	}
	if prev == nil {
		return &sortKeys{}, nil // no values at all: no divisions to know
	}
	// Each non-empty partition's first value, and the last one's last.
	divs := prev.pick()
	for _, st := range stats {
		if st.MinMax.len() > 0 {
			divs.appendKeys(st.MinMax.pick(0))
		}
	}
	divs.appendKeys(prev.pick(1))
	return &divs, nil
}

// quantileDivisions places n partitions' divisions at the quantiles of the samples,
// between the least and greatest values; repeated quantiles collapse, so a column of
// few distinct values gets fewer partitions. With no values at all there is one
// partition and no divisions.
func quantileDivisions(stats []indexStats, n int) sortKeys {
	var all, ends sortKeys
	for i := range stats {
		if i == 0 {
			all, ends = stats[i].Sample.pick(), stats[i].MinMax.pick()
		}
		all.appendKeys(stats[i].Sample)
		ends.appendKeys(stats[i].MinMax)
	}
	if ends.len() == 0 {
		return sortKeys{}
	}
	lo, hi := 0, 0
	for i := range ends.len() {
		if ends.compare(i, &ends, lo) < 0 {
			lo = i
		}
		if ends.compare(i, &ends, hi) > 0 {
			hi = i
		}
	}
	divs := ends.pick(lo)
	q := all.quantiles(n, true)
	for j := range q.len() {
		if divs.compare(divs.len()-1, &q, j) < 0 {
			divs.appendKeys(q.pick(j))
		}
	}
	last := ends.pick(hi)
	if divs.len() == 1 || divs.compare(divs.len()-1, &last, 0) < 0 {
		divs.appendKeys(last)
	}
	return divs
}

const indexStatsName = "dataframe.index-stats"

// perPartition computes one value of type T from every partition of df, with the
// kernel fn called with args and then the partition: what SetIndex and
// RepartitionSize learn of the data before they plan.
type perPartition[T any] struct {
	df   *DataFrame
	fn   string
	args []any
}

func (c *perPartition[T]) name() string {
	return keyName(c.fn, []string{fmt.Sprint(c.df.Keys()), fmt.Sprint(c.args)}, nil)
}

func (c *perPartition[T]) Graph() (*graph.Graph, error) {
	g, _, err := chunkTasks(c.df, c.name(), graph.Registered(c.fn), append(slices.Clip(c.args), graph.Input(0)))
	return g, err
}

func (c *perPartition[T]) Keys() []graph.Key {
	keys := make([]graph.Key, c.df.NPartitions())
	for i := range keys {
		keys[i] = graph.K(c.name(), i)
	}
	return keys
}

func (c *perPartition[T]) Finalize(results []any) ([]T, error) {
	out := make([]T, len(results))
	for i, r := range results {
		v, ok := r.(T)
		if !ok {
			return nil, fmt.Errorf("dataframe: %s of partition %d is %T", c.fn, i, r)
		}
		out[i] = v
	}
	return out, nil
}

func init() {
	register(indexStatsName, func(_ context.Context, args []any) (any, error) {
		col, samples := args[0].(string), args[1].(int)
		rec, ok := args[2].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: set_index: partition is %T", args[2])
		}
		c, err := sortColumn(rec, col)
		if err != nil {
			return nil, err
		}
		keys := keysOf(c)
		st := indexStats{Rows: keys.len(), Sorted: true, Sample: keys.sample(samples)}
		prev, lo, hi := -1, -1, -1
		for i := range keys.len() {
			if keys.Missing[i] {
				st.Nulls++
				continue
			}
			if prev >= 0 && keys.compare(prev, &keys, i) > 0 {
				st.Sorted = false
			}
			if lo < 0 || keys.compare(i, &keys, lo) < 0 {
				lo = i
			}
			if hi < 0 || keys.compare(i, &keys, hi) > 0 {
				hi = i
			}
			prev = i
		}
		st.Sorted = st.Sorted && st.Nulls == 0
		st.MinMax = keys.pick()
		if lo >= 0 {
			st.MinMax = keys.pick(lo, hi)
			for i, s := range st.MinMax.Strs {
				st.MinMax.Strs[i] = strings.Clone(s)
			}
		}
		return st, nil
	})
}

// partitions is df with only the partitions keep, in that order.
func (df *DataFrame) partitions(keep []int) *DataFrame {
	src := &partsSource{in: df, keep: keep}
	src.key = keyName("partitions", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprint(keep)}})
	return fromSource(src)
}

type partsSource struct {
	in   *DataFrame
	keep []int
	key  string
}

func (s *partsSource) describe() string {
	return fmt.Sprintf("Partitions %v of %d", s.keep, s.in.NPartitions())
}
func (s *partsSource) input() *DataFrame     { return s.in }
func (s *partsSource) name() string          { return s.key }
func (s *partsSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *partsSource) npartitions() int      { return len(s.keep) }

func (s *partsSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	out := graph.K(s.key, i)
	if err := g.Add(pipelineTask(out, in[s.keep[i]], nil, nil)); err != nil {
		return nil, err
	}
	if out != key {
		if err := g.Add(pipelineTask(key, out, columns, steps)); err != nil {
			return nil, err
		}
	}
	return g.Tasks(), nil
}
