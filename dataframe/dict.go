package dataframe

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
)

// categoryType is a dictionary-encoded string column (pandas' category, Polars'
// Categorical): int32 codes into a dictionary of distinct strings.
var categoryType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

func isCategory(t arrow.DataType) bool {
	d, ok := t.(*arrow.DictionaryType)
	return ok && d.ValueType.ID() == arrow.STRING
}

// Categorical reads the named CSV columns as categories: dictionary-encoded strings,
// which take less memory when values repeat and make grouping by them much faster
// (like pandas' dtype="category").
func Categorical(cols ...string) CSVOption {
	return func(o *csvOptions) {
		if o.Types == nil {
			o.Types = map[string]string{}
		}
		for _, c := range cols {
			o.Types[c] = "category"
		}
	}
}

// decode turns a dictionary array into a plain array of its values; the caller owns
// the result. Other arrays come back retained.
func decode(ctx context.Context, a arrow.Array) (arrow.Array, error) {
	d, ok := a.(*array.Dictionary)
	if !ok {
		a.Retain()
		return a, nil
	}
	out, err := compute.TakeArray(ctx, d.Dictionary(), d.Indices())
	if err != nil {
		return nil, fmt.Errorf("dataframe: decode categories: %w", err)
	}
	return out, nil
}

// decodeDatum is decode for a datum, consuming it.
func decodeDatum(ctx context.Context, d compute.Datum) (compute.Datum, error) {
	ad, ok := d.(*compute.ArrayDatum)
	if !ok || !isCategory(ad.Type()) {
		return d, nil
	}
	arr := ad.MakeArray()
	defer arr.Release()
	d.Release()
	plain, err := decode(ctx, arr)
	if err != nil {
		return nil, err
	}
	defer plain.Release()
	return compute.NewDatum(plain), nil
}

// codes are a category column's dictionary indices as int32.
func codes(d *array.Dictionary) []int32 {
	if c, ok := d.Indices().(*array.Int32); ok {
		return c.Int32Values()
	}
	out := make([]int32, d.Len())
	for i := range out {
		if d.IsValid(i) {
			out[i] = int32(d.GetValueIndex(i))
		}
	}
	return out
}

// categoryBuilder builds a category column: a Go map from each distinct string to its
// code (Arrow's dictionary builder's memo table costs several times more per value).
// It is an array.Builder through the embedded codes builder; NewArray returns the
// dictionary array and starts a new dictionary.
type categoryBuilder struct {
	*array.Int32Builder
	values *array.StringBuilder
	ids    map[string]int32
}

func newCategoryBuilder(mem memory.Allocator) *categoryBuilder {
	return &categoryBuilder{Int32Builder: array.NewInt32Builder(mem), values: array.NewStringBuilder(mem), ids: map[string]int32{}}
}

// Append adds one value, which must be present (nulls go through AppendNull).
func (b *categoryBuilder) Append(v []byte) {
	id, ok := b.ids[string(v)]
	if !ok {
		id = int32(len(b.ids))
		b.ids[string(v)] = id
		b.values.BinaryBuilder.Append(v)
	}
	b.Int32Builder.Append(id)
}

func (b *categoryBuilder) Type() arrow.DataType { return categoryType }

func (b *categoryBuilder) NewArray() arrow.Array {
	codes := b.Int32Builder.NewArray()
	defer codes.Release()
	dict := b.values.NewArray()
	defer dict.Release()
	clear(b.ids)
	return array.NewDictionaryArray(categoryType, codes, dict)
}

func (b *categoryBuilder) Release() {
	b.Int32Builder.Release()
	b.values.Release()
}

// register registers a dataframe kernel whose results are sealed for sharing (see
// seal).
func register(name string, fn func(ctx context.Context, args []any) (any, error)) {
	graph.Register(name, func(ctx context.Context, args []any) (any, error) {
		v, err := fn(ctx, args)
		if err == nil {
			seal(v)
		}
		return v, err
	})
}

// seal prepares a result for being read by several tasks at once. Arrow builds a
// dictionary array's dictionary lazily, on the first call of Dictionary, and counts
// a slice's nulls lazily, on the first call of NullN — writes that race with a
// concurrent reader's — so both are done here, once, before the result is shared.
func seal(v any) {
	switch r := v.(type) {
	case arrow.RecordBatch:
		for _, c := range r.Columns() {
			c.NullN()
			if d, ok := c.(*array.Dictionary); ok {
				d.Dictionary().NullN()
			}
		}
	case recordList:
		for _, rec := range r {
			seal(rec)
		}
	}
}

// concatArrays concatenates arrays of one type. Category columns whose parts carry
// different dictionaries get a new dictionary of only the values their rows use
// (Arrow's Concatenate unifies the whole dictionaries, which for a shuffle's shards —
// each carrying its partition's full dictionary — costs a hash insert per entry of
// every shard).
func concatArrays(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	if len(parts) > 1 && arrow.TypeEqual(parts[0].DataType(), categoryType) {
		return concatCategories(mem, parts)
	}
	return array.Concatenate(parts, mem)
}

func concatCategories(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	dicts := make([]*array.Dictionary, len(parts))
	shared := true
	total := 0
	for i, p := range parts {
		d, ok := p.(*array.Dictionary)
		if !ok {
			return nil, fmt.Errorf("dataframe: concatenate categories: part %d is %s", i, p.DataType())
		}
		dicts[i] = d
		shared = shared && d.Data().Dictionary() == dicts[0].Data().Dictionary()
		total += d.Len()
	}
	if shared { // one dictionary: only the codes are joined
		idx := make([]arrow.Array, len(dicts))
		for i, d := range dicts {
			idx[i] = d.Indices()
		}
		joined, err := array.Concatenate(idx, mem)
		if err != nil {
			return nil, err
		}
		defer joined.Release()
		return array.NewDictionaryArray(categoryType, joined, dicts[0].Dictionary()), nil
	}
	ids := make(map[string]int32)
	values := array.NewStringBuilder(mem)
	defer values.Release()
	out := array.NewInt32Builder(mem)
	defer out.Release()
	out.Reserve(total)
	for _, d := range dicts {
		dict := d.Dictionary().(*array.String)
		remap := make([]int32, dict.Len()) // new code + 1; 0: not met yet
		cs := codes(d)
		for i := range d.Len() {
			if d.IsNull(i) {
				out.UnsafeAppendBoolToBitmap(false)
				continue
			}
			c := cs[i]
			id := remap[c] - 1
			if id < 0 {
				v := dict.Value(int(c))
				var ok bool
				if id, ok = ids[v]; !ok {
					id = int32(len(ids))
					ids[v] = id
					values.Append(v)
				}
				remap[c] = id + 1
			}
			out.UnsafeAppend(id)
		}
	}
	codeArr := out.NewArray()
	defer codeArr.Release()
	dictArr := values.NewArray()
	defer dictArr.Release()
	return array.NewDictionaryArray(categoryType, codeArr, dictArr), nil
}
