package array

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	arrowarray "github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/graph"
)

const (
	partLenName    = "array.partition-len"
	frameBlockName = "array.from-frame"
	bagBlockName   = "array.from-bag"
	toRecordName   = "array.to-record"
)

func init() {
	register(partLenName, func(_ context.Context, args []any) (any, error) {
		if rec, ok := args[0].(arrow.RecordBatch); ok {
			return int(rec.NumRows()), nil
		}
		v := reflect.ValueOf(bag.PartitionSlice(args[0]))
		if !v.IsValid() {
			return 0, nil
		}
		if v.Kind() != reflect.Slice {
			return nil, fmt.Errorf("array: partition is %T, not a slice or record batch", args[0])
		}
		return v.Len(), nil
	})
	register(frameBlockName, func(_ context.Context, args []any) (any, error) {
		cols, n, dt, part := args[0].([]string), args[1].(int), args[2].(DType), args[3].(int)
		rec, ok := args[4].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("array: partition %d is %T, not a record batch", part, args[4])
		}
		if int(rec.NumRows()) != n {
			return nil, fmt.Errorf("array: dataframe partition %d has %d rows, the array's chunks say %d", part, rec.NumRows(), n)
		}
		d := newDense(dt, []int{n, len(cols)})
		for j, name := range cols {
			idx := rec.Schema().FieldIndices(name)
			if len(idx) != 1 {
				return nil, fmt.Errorf("array: partition %d has no column %q", part, name)
			}
			if err := columnInto(d.Data[j:], len(cols), rec.Column(idx[0])); err != nil {
				return nil, fmt.Errorf("array: column %q: %w", name, err)
			}
		}
		return d, nil
	})
	register(bagBlockName, func(_ context.Context, args []any) (any, error) {
		n, part := args[0].(int), args[1].(int)
		v := reflect.ValueOf(bag.PartitionSlice(args[2]))
		if args[2] == nil {
			v = reflect.ValueOf([]float64{})
		}
		if v.Kind() != reflect.Slice {
			return nil, fmt.Errorf("array: bag partition %d is %T, not a slice", part, args[2])
		}
		if v.Len() != n {
			return nil, fmt.Errorf("array: bag partition %d has %d items, the array's chunks say %d", part, v.Len(), n)
		}
		d := newDense(Float64, []int{n})
		for i := range n {
			x, ok := number(v.Index(i))
			if !ok {
				return nil, fmt.Errorf("array: bag partition %d item %d is %v, not a number", part, i, v.Index(i))
			}
			d.Data[i] = x
		}
		return d, nil
	})
	// to-record: args names, columns, whether columns is nil (all columns: a nil and
	// an empty slice are one to gob), the steps (nil for none) and the block.
	register(toRecordName, func(ctx context.Context, args []any) (any, error) {
		names, columns, all := args[0].([]string), args[1].([]string), args[2].(bool)
		if all {
			columns = nil
		} else if columns == nil {
			columns = []string{}
		}
		steps, _ := args[3].([]dataframe.Step)
		b, err := denseArg("to dataframe", args[4])
		if err != nil {
			return nil, err
		}
		rec := denseRecord(b.Contiguous(), names)
		if columns == nil && len(steps) == 0 {
			return rec, nil
		}
		defer rec.Release()
		return dataframe.ApplySteps(ctx, rec, columns, steps)
	})
}

// number reads a numeric (or bool) value, looking through interfaces.
func number(v reflect.Value) (float64, bool) {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(v.Uint()), true
	case reflect.Bool:
		if v.Bool() {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// columnInto writes column c into dst[0], dst[stride], ...; nulls are NaN.
func columnInto(dst []float64, stride int, c arrow.Array) error {
	var at func(i int) float64
	switch a := c.(type) {
	case *arrowarray.Float64:
		at = a.Value
	case *arrowarray.Float32:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Int64:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Int32:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Int16:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Int8:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Uint64:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Uint32:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Uint16:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Uint8:
		at = func(i int) float64 { return float64(a.Value(i)) }
	case *arrowarray.Boolean:
		at = func(i int) float64 {
			if a.Value(i) {
				return 1
			}
			return 0
		}
	default:
		return fmt.Errorf("type %s is not numeric", c.DataType())
	}
	for i := range c.Len() {
		v := math.NaN()
		if c.IsValid(i) {
			v = at(i)
		}
		dst[i*stride] = v
	}
	return nil
}

// frameDType is the dtype of an array of columns of the given types (bool when all
// are bool, Int64 when all are integers, else Float64), or an error naming a column
// that is not numeric.
func frameDType(sch *arrow.Schema, cols []string) (DType, error) {
	allBool, allInt := true, true
	for _, name := range cols {
		idx := sch.FieldIndices(name)
		if len(idx) != 1 {
			return 0, fmt.Errorf("array: the dataframe has no column %q (columns %v)", name, sch.Fields())
		}
		switch t := sch.Field(idx[0]).Type.ID(); t {
		case arrow.BOOL:
			allInt = false
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
			allBool = false
		case arrow.FLOAT32, arrow.FLOAT64:
			allBool, allInt = false, false
		default:
			return 0, fmt.Errorf("array: column %q is %s, not numeric", name, sch.Field(idx[0]).Type)
		}
	}
	switch {
	case allBool && len(cols) > 0:
		return Bool, nil
	case allInt && len(cols) > 0:
		return Int64, nil
	}
	return Float64, nil
}

// partLens is a collection of the lengths of a collection's partitions.
type partLens struct {
	g    func() (*graph.Graph, error)
	keys []graph.Key
	name string
}

func (p *partLens) Keys() []graph.Key {
	out := make([]graph.Key, len(p.keys))
	for i := range out {
		out[i] = graph.K(p.name, i)
	}
	return out
}

func (p *partLens) Graph() (*graph.Graph, error) {
	g, err := p.g()
	if err != nil {
		return nil, err
	}
	for i, k := range p.keys {
		if err := g.Add(graph.Task{Key: graph.K(p.name, i), Func: graph.Registered(partLenName), Args: []any{graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (p *partLens) Finalize(results []any) ([]int, error) {
	out := make([]int, len(results))
	for i, r := range results {
		n, ok := r.(int)
		if !ok {
			return nil, fmt.Errorf("array: length of partition %d is %T", i, r)
		}
		out[i] = n
	}
	return out, nil
}

// partsNode makes block (i, 0...) of an array from partition i of another collection.
type partsNode struct {
	what  string
	graph func() (*graph.Graph, error)
	keys  []graph.Key
	fn    string
	args  func(i, n int) []any
}

func (n *partsNode) describe() string { return n.what }
func (n *partsNode) inputs() []*Array { return nil }
func (n *partsNode) lower(g *graph.Graph, a *Array) error {
	pg, err := n.graph()
	if err != nil {
		return err
	}
	g.Merge(pg)
	zeros := make([]int, len(a.shape)-1)
	for i, k := range n.keys {
		args := append(n.args(i, a.chunks[0][i]), graph.Input(0))
		t := graph.Task{Key: blockKey(a.name, append([]int{i}, zeros...)), Func: graph.Registered(n.fn), Args: args, Deps: []graph.Key{k}}
		if err := g.Add(t); err != nil {
			return err
		}
	}
	return nil
}

// FromDataFrame is a 2-D array of numeric dataframe columns (all columns when none
// are named), one row-block per partition and the columns in one block, as Dask's
// df.to_dask_array(lengths=True): the partitions' lengths are computed now (computing
// the dataframe once; Persist it first to keep that work), the values when the array
// is. Nulls become NaN; the dtype is Bool when every column is bool, Int64 when every
// column is an integer, else Float64. FromDataFrameChunks is the lazy variant for
// known lengths.
func FromDataFrame(ctx context.Context, df *dataframe.DataFrame, columns []string, opts ...gask.Option) (*Array, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	if columns == nil {
		columns = df.Columns()
	}
	sel := df.Select(columns...)
	if _, err := frameDType(df.Schema(), columns); err != nil {
		return nil, err
	}
	lens, err := gask.Compute[[]int](ctx, &partLens{g: sel.Graph, keys: sel.Keys(), name: graph.Token("partition-lens")}, opts...)
	if err != nil {
		return nil, err
	}
	a := FromDataFrameChunks(df, lens, columns)
	return a, a.Err()
}

// FromDataFrameChunks is FromDataFrame for partitions whose lengths are known: lazy,
// each block converts one partition and fails if its length is not the one given.
func FromDataFrameChunks(df *dataframe.DataFrame, lengths []int, columns []string) *Array {
	if err := df.Err(); err != nil {
		return failed(err)
	}
	if columns == nil {
		columns = df.Columns()
	}
	columns = slices.Clone(columns)
	dt, err := frameDType(df.Schema(), columns)
	if err != nil {
		return failed(err)
	}
	sel := df.Select(columns...)
	if len(lengths) != sel.NPartitions() {
		return failed(fmt.Errorf("array: %d lengths for %d dataframe partitions", len(lengths), sel.NPartitions()))
	}
	keys := sel.Keys()
	total := 0
	for _, n := range lengths {
		total += n
	}
	shape := []int{total, len(columns)}
	cs, err := ChunksOf([][]int{lengths, {len(columns)}}).normalize(shape)
	if err != nil {
		return failed(err)
	}
	n := &partsNode{what: fmt.Sprintf("FromDataFrame %v", columns), graph: sel.Graph, keys: keys, fn: frameBlockName,
		args: func(i, n int) []any { return []any{columns, n, dt, i} }}
	return &Array{name: hashName("from-dataframe", keys, lengths, columns), shape: shape, chunks: cs, dtype: dt, node: n}
}

// FromBag is a 1-D array of a bag of numbers, one block per partition: the
// partitions' lengths are computed now (computing the bag once), the values when the
// array is. FromBagChunks is the lazy variant for known lengths.
func FromBag[T Number](ctx context.Context, b bag.Bag[T], opts ...gask.Option) (*Array, error) {
	if err := b.Err(); err != nil {
		return nil, err
	}
	lens, err := gask.Compute[[]int](ctx, &partLens{g: b.Graph, keys: b.Keys(), name: graph.Token("partition-lens")}, opts...)
	if err != nil {
		return nil, err
	}
	a := FromBagChunks(b, lens)
	return a, a.Err()
}

// Number is the element types FromBag takes.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// FromBagChunks is FromBag for partitions whose lengths are known: lazy, each block
// converts one partition and fails if its length is not the one given.
func FromBagChunks[T Number](b bag.Bag[T], lengths []int) *Array {
	if err := b.Err(); err != nil {
		return failed(err)
	}
	keys := b.Keys()
	if len(lengths) != len(keys) {
		return failed(fmt.Errorf("array: %d lengths for %d bag partitions", len(lengths), len(keys)))
	}
	total := 0
	for _, n := range lengths {
		total += n
	}
	cs, err := ChunksOf([][]int{lengths}).normalize([]int{total})
	if err != nil {
		return failed(err)
	}
	n := &partsNode{what: "FromBag", graph: b.Graph, keys: keys, fn: bagBlockName,
		args: func(i, n int) []any { return []any{n, i} }}
	return &Array{name: hashName("from-bag", keys, lengths), shape: []int{total}, chunks: cs, dtype: Float64, node: n}
}

// denseRecord is a record batch of a C-ordered 1-D or 2-D Dense, one column per
// column of d: float64 columns, int64 for Int64 and boolean for Bool.
func denseRecord(d *Dense, names []string) arrow.RecordBatch {
	rows, ncol := d.Shape[0], 1
	if len(d.Shape) == 2 {
		ncol = d.Shape[1]
	}
	fields := make([]arrow.Field, ncol)
	cols := make([]arrow.Array, ncol)
	mem := memory.DefaultAllocator
	for j := range ncol {
		switch d.DType {
		case Int64:
			bld := arrowarray.NewInt64Builder(mem)
			for i := range rows {
				bld.Append(int64(d.Data[i*ncol+j]))
			}
			cols[j] = bld.NewArray()
			bld.Release()
		case Bool:
			bld := arrowarray.NewBooleanBuilder(mem)
			for i := range rows {
				bld.Append(d.Data[i*ncol+j] != 0)
			}
			cols[j] = bld.NewArray()
			bld.Release()
		default:
			bld := arrowarray.NewFloat64Builder(mem)
			for i := range rows {
				bld.Append(d.Data[i*ncol+j])
			}
			cols[j] = bld.NewArray()
			bld.Release()
		}
		fields[j] = arrow.Field{Name: names[j], Type: cols[j].DataType(), Nullable: true}
	}
	rec := arrowarray.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows))
	for _, c := range cols {
		c.NullN() // computed now, so readers on other goroutines do not race
		c.Release()
	}
	return rec
}

// ToDataFrame is a dataframe of a 1-D or 2-D array, one partition per row-block and
// one column per array column (a 2-D array is rechunked so each row-block holds
// whole rows). Columns are named names, or "0", "1", ... when none are given; they
// are float64, int64 for an Int64 array and boolean for a Bool array.
func ToDataFrame(a *Array, names ...string) *dataframe.DataFrame {
	if a.err != nil {
		return dataframe.Failed(a.err)
	}
	if len(a.shape) != 1 && len(a.shape) != 2 {
		return dataframe.Failed(fmt.Errorf("array: ToDataFrame of a %d-d array (shape %v): want 1-d or 2-d", len(a.shape), a.shape))
	}
	ncol := 1
	if len(a.shape) == 2 {
		ncol = a.shape[1]
		if len(a.chunks[1]) != 1 {
			a = a.Rechunk(ChunksOf([][]int{a.chunks[0], {ncol}}))
		}
	}
	if len(names) == 0 {
		for j := range ncol {
			names = append(names, strconv.Itoa(j))
		}
	}
	if len(names) != ncol {
		return dataframe.Failed(fmt.Errorf("array: %d column names for %d columns", len(names), ncol))
	}
	empty := newDense(a.dtype, []int{0, ncol})
	rec := denseRecord(empty, names)
	schema := rec.Schema()
	rec.Release()
	return dataframe.FromSource(&arraySource{a: a, names: slices.Clone(names), sch: schema})
}

// arraySource is a dataframe.Source reading an array's row-blocks.
type arraySource struct {
	a     *Array
	names []string
	sch   *arrow.Schema
	once  sync.Once
	g     *graph.Graph
	err   error
}

func (s *arraySource) Describe() string      { return "FromArray " + s.a.name }
func (s *arraySource) Name() string          { return hashName("from-array", s.a.name, s.names) }
func (s *arraySource) Schema() *arrow.Schema { return s.sch }
func (s *arraySource) NPartitions() int      { return len(s.a.chunks[0]) }

func (s *arraySource) Tasks(key graph.Key, i int, columns []string, steps []dataframe.Step) ([]graph.Task, error) {
	s.once.Do(func() { s.g, s.err = s.a.Graph() })
	if s.err != nil {
		return nil, s.err
	}
	block := blockKey(s.a.name, append([]int{i}, make([]int, len(s.a.shape)-1)...))
	sub, err := s.g.Cull([]graph.Key{block})
	if err != nil {
		return nil, err
	}
	ts := slices.Clone(sub.Tasks())
	var stepsArg any // no steps: no dataframe type to encode
	if len(steps) > 0 {
		stepsArg = steps
	}
	return append(ts, graph.Task{Key: key, Func: graph.Registered(toRecordName),
		Args: []any{s.names, columns, columns == nil, stepsArg, graph.Input(0)}, Deps: []graph.Key{block}}), nil
}
