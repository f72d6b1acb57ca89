package dataframe

import (
	"context"
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// gatherRecords builds one record from the rows of several records of one schema:
// row order[i] of their concatenation becomes row i. It copies each value once —
// where concatenating and then taking would copy it twice. Fixed-width and string
// columns are gathered here; other types are concatenated and taken.
func gatherRecords(ctx context.Context, parts []arrow.RecordBatch, order []int) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	starts := make([]int, len(parts)+1)
	for i, p := range parts {
		starts[i+1] = starts[i] + int(p.NumRows())
	}
	// Each output row's part and row within it.
	src := make([]int32, len(order))
	row := make([]int32, len(order))
	for i, g := range order {
		p := sort.SearchInts(starts[1:], g+1)
		src[i], row[i] = int32(p), int32(g-starts[p])
	}
	schema := parts[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	defer releaseArrays(cols)
	for c := range cols {
		in := make([]arrow.Array, len(parts))
		for i, p := range parts {
			in[i] = p.Column(c)
		}
		var err error
		if cols[c], err = gatherColumn(ctx, mem, in, src, row, order); err != nil {
			return nil, fmt.Errorf("dataframe: gather column %q: %w", schema.Field(c).Name, err)
		}
	}
	return array.NewRecordBatch(schema, cols, int64(len(order))), nil
}

func gatherColumn(ctx context.Context, mem memory.Allocator, in []arrow.Array, src, row []int32, order []int) (arrow.Array, error) {
	n := len(src)
	typ := in[0].DataType()
	// Validity.
	var validity *memory.Buffer
	nulls := 0
	for _, a := range in {
		nulls += a.NullN()
	}
	if nulls > 0 {
		validity = memory.NewResizableBuffer(mem)
		validity.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := validity.Bytes()
		clear(bits)
		nulls = 0
		for i := range n {
			if in[src[i]].IsValid(int(row[i])) {
				bitutil.SetBit(bits, i)
			} else {
				nulls++
			}
		}
	}
	release := func() {
		if validity != nil {
			validity.Release()
		}
	}
	switch fw := typ.(type) {
	case *arrow.DictionaryType:
		// categories: concatenated (into one dictionary) and taken below
	case arrow.FixedWidthDataType:
		width := fw.BitWidth() / 8
		if fw.BitWidth()%8 != 0 || width == 0 {
			break // booleans: concatenate and take
		}
		vals := make([][]byte, len(in))
		for i, a := range in {
			// An empty array may have no values buffer (one read from Arrow IPC).
			if d := a.Data(); d.Buffers()[1] != nil {
				vals[i] = d.Buffers()[1].Bytes()[d.Offset()*width:]
			}
		}
		out := memory.NewResizableBuffer(mem)
		out.Resize(n * width)
		b := out.Bytes()
		switch width {
		case 8:
			for i := range n {
				copy(b[i*8:i*8+8], vals[src[i]][int(row[i])*8:])
			}
		case 4:
			for i := range n {
				copy(b[i*4:i*4+4], vals[src[i]][int(row[i])*4:])
			}
		default:
			for i := range n {
				copy(b[i*width:(i+1)*width], vals[src[i]][int(row[i])*width:])
			}
		}
		data := array.NewData(typ, n, []*memory.Buffer{validity, out}, nil, nulls, 0)
		out.Release()
		release()
		defer data.Release()
		return array.MakeFromData(data), nil
	}
	if typ.ID() == arrow.STRING {
		offsets := make([][]int32, len(in))
		bytes := make([][]byte, len(in))
		total := 0
		for i, a := range in {
			s := a.(*array.String)
			offsets[i] = s.ValueOffsets() // into the whole data buffer, as ValueBytes is not
			if buf := a.Data().Buffers()[2]; buf != nil {
				bytes[i] = buf.Bytes()
			}
		}
		for i := range n {
			so, r := offsets[src[i]], row[i]
			total += int(so[r+1] - so[r])
		}
		offs := memory.NewResizableBuffer(mem)
		offs.Resize((n + 1) * 4)
		o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
		data := memory.NewResizableBuffer(mem)
		data.Resize(total)
		b := data.Bytes()
		pos := 0
		for i := range n {
			o[i] = int32(pos)
			so, r := offsets[src[i]], row[i]
			pos += copy(b[pos:], bytes[src[i]][so[r]:so[r+1]])
		}
		o[n] = int32(pos)
		d := array.NewData(typ, n, []*memory.Buffer{validity, offs, data}, nil, nulls, 0)
		offs.Release()
		data.Release()
		release()
		defer d.Release()
		return array.MakeFromData(d), nil
	}
	release()
	whole, err := concatArrays(mem, in)
	if err != nil {
		return nil, err
	}
	defer whole.Release()
	idx := indexArray(mem, toInt64(order))
	defer idx.Release()
	return compute.TakeArray(ctx, whole, idx)
}

func toInt64(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}
