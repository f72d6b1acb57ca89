package dataframe

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// grouper assigns a dense group id to every distinct key tuple, in order of first
// appearance, and keeps each group's key values.
type grouper struct {
	types   []arrow.DataType
	dropna  bool
	ngroups int
	i64     map[int64]int32  // one int64 key
	str     map[string]int32 // one string key
	enc     map[string]int32 // any other key: an encoded tuple
	nullID  int32            // the null key's group (single-key paths), -1 if none
	keys    []array.Builder
	buf     []byte
}

func newGrouper(mem memory.Allocator, types []arrow.DataType, dropna bool) *grouper {
	g := &grouper{types: types, dropna: dropna, nullID: -1}
	for _, t := range types {
		g.keys = append(g.keys, array.NewBuilder(mem, t))
	}
	switch {
	case len(types) == 1 && types[0].ID() == arrow.INT64:
		g.i64 = map[int64]int32{}
	case len(types) == 1 && types[0].ID() == arrow.STRING:
		g.str = map[string]int32{}
	default:
		g.enc = map[string]int32{}
	}
	return g
}

func (g *grouper) release() {
	for _, b := range g.keys {
		b.Release()
	}
}

// ids returns the group id of every row of the key columns; -1 marks a row dropped for
// a null key.
func (g *grouper) ids(cols []arrow.Array, n int) []int32 {
	out := make([]int32, n)
	if len(cols) == 0 {
		if g.ngroups == 0 {
			g.ngroups = 1
		}
		return out // one group: everything
	}
	switch {
	case g.i64 != nil:
		a := cols[0].(*array.Int64)
		kb := g.keys[0].(*array.Int64Builder)
		for i := range n {
			if a.IsNull(i) {
				out[i] = g.null(i)
				continue
			}
			v := a.Value(i)
			id, ok := g.i64[v]
			if !ok {
				id = int32(g.ngroups)
				g.ngroups++
				g.i64[v] = id
				kb.Append(v)
			}
			out[i] = id
		}
	case g.str != nil:
		a := cols[0].(*array.String)
		kb := g.keys[0].(*array.StringBuilder)
		for i := range n {
			if a.IsNull(i) {
				out[i] = g.null(i)
				continue
			}
			v := a.Value(i) // points into the array: copied only when the group is new
			id, ok := g.str[v]
			if !ok {
				id = int32(g.ngroups)
				g.ngroups++
				s := string([]byte(v))
				g.str[s] = id
				kb.Append(s)
			}
			out[i] = id
		}
	default:
		for i := range n {
			buf, hasNull := g.encode(cols, i)
			if hasNull && g.dropna {
				out[i] = -1
				continue
			}
			id, ok := g.enc[unsafe.String(unsafe.SliceData(buf), len(buf))]
			if !ok {
				id = int32(g.ngroups)
				g.ngroups++
				g.enc[string(buf)] = id
				for c, col := range cols {
					appendValue(g.keys[c], col, i)
				}
			}
			out[i] = id
		}
	}
	return out
}

// null is the group of a null key in the single-key paths.
func (g *grouper) null(int) int32 {
	if g.dropna {
		return -1
	}
	if g.nullID < 0 {
		g.nullID = int32(g.ngroups)
		g.ngroups++
		g.keys[0].AppendNull()
	}
	return g.nullID
}

// encode writes row i's key tuple into g.buf.
func (g *grouper) encode(cols []arrow.Array, i int) ([]byte, bool) {
	b := g.buf[:0]
	hasNull := false
	for _, c := range cols {
		if c.IsNull(i) {
			b = append(b, 0)
			hasNull = true
			continue
		}
		b = append(b, 1)
		switch a := c.(type) {
		case *array.Int64:
			b = binary.LittleEndian.AppendUint64(b, uint64(a.Value(i)))
		case *array.Float64:
			v := a.Value(i)
			if v == 0 {
				v = 0 // -0 and 0 are one key
			}
			if math.IsNaN(v) {
				v = math.NaN()
			}
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case *array.String:
			s := a.Value(i)
			b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
			b = append(b, s...)
		case *array.Boolean:
			if a.Value(i) {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	}
	g.buf = b
	return b, hasNull
}

// appendValue appends element i of a to a builder of the same type.
func appendValue(b array.Builder, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	switch x := a.(type) {
	case *array.Int64:
		b.(*array.Int64Builder).Append(x.Value(i))
	case *array.Float64:
		b.(*array.Float64Builder).Append(x.Value(i))
	case *array.String:
		b.(*array.StringBuilder).Append(x.Value(i))
	case *array.Boolean:
		b.(*array.BooleanBuilder).Append(x.Value(i))
	}
}
