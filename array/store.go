package array

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// ChunkWriter receives an array's blocks as Store computes them: WriteChunk is called
// once per block, with the block's index in the array's block grid, from as many
// goroutines at once as the scheduler runs tasks, so it must be safe for concurrent
// use. The .npy and Zarr writers (NewNPYWriter, NewZarrWriter) are two of its
// implementations.
type ChunkWriter interface {
	WriteChunk(index []int, block *Dense) error
}

// kernelWriter is a ChunkWriter whose writes can run as a registered kernel with
// plain-data arguments (params, then the block index, the block's start and the
// block), so a Store into it can leave the process.
type kernelWriter interface {
	ChunkWriter
	writeKernel() (fn string, params []any)
}

// Store computes a and hands every block to w, one task per block: blocks are written
// as they are computed, in parallel, and never assembled in memory.
func Store(ctx context.Context, a *Array, w ChunkWriter, opts ...gask.Option) error {
	if a.err != nil {
		return a.err
	}
	_, err := gask.Compute[int](ctx, &storeCollection{a: a, w: w, name: graph.Token("store-" + a.name)}, opts...)
	return err
}

type storeCollection struct {
	a    *Array
	w    ChunkWriter
	name string
}

func (s *storeCollection) Keys() []graph.Key {
	var keys []graph.Key
	eachBlock(s.a.NumBlocks(), func(idx []int) { keys = append(keys, graph.K(s.name, idx...)) })
	return keys
}

func (s *storeCollection) Graph() (*graph.Graph, error) {
	g, err := s.a.Graph()
	if err != nil {
		return nil, err
	}
	kw, registered := s.w.(kernelWriter)
	eachBlock(s.a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		idx = slices.Clone(idx)
		t := graph.Task{Key: graph.K(s.name, idx...), Deps: []graph.Key{blockKey(s.a.name, idx)}}
		if registered {
			fn, params := kw.writeKernel()
			t.Func = graph.Registered(fn)
			t.Args = append(slices.Clip(params), idx, blockStart(s.a.chunks, idx), graph.Input(0))
		} else {
			w := s.w
			t.Func = graph.Closure("store-chunk", func(_ context.Context, args []any) (any, error) {
				b, err := denseArg("store", args[0])
				if err != nil {
					return nil, err
				}
				return 1, w.WriteChunk(idx, b)
			})
		}
		err = g.Add(t)
	})
	return g, err
}

func (s *storeCollection) Finalize(results []any) (int, error) { return len(results), nil }

// elemType is a binary element type of NumPy's array-protocol strings ("<f8", "|b1"),
// which .npy headers and Zarr v2 metadata both use.
type elemType struct {
	kind  byte // 'f', 'i', 'u' or 'b'
	size  int
	order binary.ByteOrder
}

// parseDescr reads a NumPy type string such as "<f8", ">i4" or "|b1".
func parseDescr(s string) (elemType, error) {
	if len(s) < 3 {
		return elemType{}, fmt.Errorf("dtype %q is not a NumPy type string such as \"<f8\"", s)
	}
	var e elemType
	switch s[0] {
	case '<', '|', '=':
		e.order = binary.LittleEndian
	case '>':
		e.order = binary.BigEndian
	default:
		return elemType{}, fmt.Errorf("dtype %q: unknown byte order %q", s, s[0])
	}
	e.kind = s[1]
	var n int
	if _, err := fmt.Sscanf(s[2:], "%d", &n); err != nil || fmt.Sprint(n) != s[2:] {
		return elemType{}, fmt.Errorf("dtype %q: bad item size %q", s, s[2:])
	}
	e.size = n
	ok := false
	switch e.kind {
	case 'f':
		ok = n == 4 || n == 8
	case 'i':
		ok = n == 1 || n == 2 || n == 4 || n == 8
	case 'u':
		ok = n == 1 || n == 2 || n == 4
	case 'b':
		ok = n == 1
	}
	if !ok {
		return elemType{}, fmt.Errorf("dtype %q is not supported (want float64, float32, int8 to int64, uint8 to uint32 or bool)", s)
	}
	return e, nil
}

// descr is the type string of e.
func (e elemType) descr() string {
	o := "<"
	switch {
	case e.size == 1:
		o = "|"
	case e.order == binary.BigEndian:
		o = ">"
	}
	return fmt.Sprintf("%s%c%d", o, e.kind, e.size)
}

// dtype is the array dtype values of e read into: float32 is Float32, integers are
// Int64, booleans Bool (all in float64 storage: see DType).
func (e elemType) dtype() DType {
	switch {
	case e.kind == 'f' && e.size == 4:
		return Float32
	case e.kind == 'i' || e.kind == 'u':
		return Int64
	case e.kind == 'b':
		return Bool
	}
	return Float64
}

// elemFor is the little-endian type an array of dtype dt is written as.
func elemFor(dt DType) elemType {
	switch dt {
	case Int64:
		return elemType{kind: 'i', size: 8, order: binary.LittleEndian}
	case Bool:
		return elemType{kind: 'b', size: 1, order: binary.LittleEndian}
	case Float32:
		return elemType{kind: 'f', size: 4, order: binary.LittleEndian}
	}
	return elemType{kind: 'f', size: 8, order: binary.LittleEndian}
}

// decode converts len(dst) elements of src.
func (e elemType) decode(dst []float64, src []byte) {
	o := e.order
	for i := range dst {
		b := src[i*e.size : (i+1)*e.size]
		switch {
		case e.kind == 'f' && e.size == 8:
			dst[i] = math.Float64frombits(o.Uint64(b))
		case e.kind == 'f':
			dst[i] = float64(math.Float32frombits(o.Uint32(b)))
		case e.kind == 'b':
			dst[i] = 0
			if b[0] != 0 {
				dst[i] = 1
			}
		case e.kind == 'i' && e.size == 8:
			dst[i] = float64(int64(o.Uint64(b)))
		case e.kind == 'i' && e.size == 4:
			dst[i] = float64(int32(o.Uint32(b)))
		case e.kind == 'i' && e.size == 2:
			dst[i] = float64(int16(o.Uint16(b)))
		case e.kind == 'i':
			dst[i] = float64(int8(b[0]))
		case e.size == 4:
			dst[i] = float64(o.Uint32(b))
		case e.size == 2:
			dst[i] = float64(o.Uint16(b))
		default:
			dst[i] = float64(b[0])
		}
	}
}

// encode converts src into dst (len(src)*e.size bytes). Integer types truncate toward
// zero; bool is 1 for every non-zero value.
func (e elemType) encode(dst []byte, src []float64) {
	o := e.order
	for i, v := range src {
		b := dst[i*e.size : (i+1)*e.size]
		switch {
		case e.kind == 'f' && e.size == 8:
			o.PutUint64(b, math.Float64bits(v))
		case e.kind == 'f':
			o.PutUint32(b, math.Float32bits(float32(v)))
		case e.kind == 'b':
			b[0] = 0
			if v != 0 {
				b[0] = 1
			}
		case e.kind == 'i' && e.size == 8:
			o.PutUint64(b, uint64(int64(v)))
		case e.kind == 'i' && e.size == 4:
			o.PutUint32(b, uint32(int32(v)))
		case e.kind == 'i' && e.size == 2:
			o.PutUint16(b, uint16(int16(v)))
		case e.kind == 'i':
			b[0] = byte(int8(v))
		case e.size == 4:
			o.PutUint32(b, uint32(v))
		case e.size == 2:
			o.PutUint16(b, uint16(v))
		default:
			b[0] = byte(v)
		}
	}
}

// runs describes the region [start, start+shape) of a C-ordered array of fileShape as
// contiguous runs of runLen elements each: fn is called with each run's first element
// (its linear index in the file) in C order of the region.
func runs(fileShape, start, shape []int, fn func(first, runLen int) error) error {
	nd := len(shape)
	if nd == 0 {
		return fn(0, 1)
	}
	for _, s := range shape {
		if s == 0 {
			return nil
		}
	}
	st := cStrides(fileShape)
	// j is the outermost axis of the run: the axes after it are whole.
	j := nd - 1
	for j > 0 && shape[j] == fileShape[j] {
		j--
	}
	runLen := 1
	for _, s := range shape[j:] {
		runLen *= s
	}
	idx := make([]int, j)
	for {
		first := start[j] * st[j]
		for ax := range j {
			first += (start[ax] + idx[ax]) * st[ax]
		}
		if err := fn(first, runLen); err != nil {
			return err
		}
		ax := j - 1
		for ; ax >= 0; ax-- {
			idx[ax]++
			if idx[ax] < shape[ax] {
				break
			}
			idx[ax] = 0
		}
		if ax < 0 {
			return nil
		}
	}
}

// readRegion reads the region [start, start+shape) of a C-ordered array of fileShape
// stored at offset in r with items of size bytes, into a C-ordered byte slice. When the
// region's span in the file is not much bigger than the region it reads the span in
// one call, else each contiguous run.
func readRegion(r io.ReaderAt, offset int64, size int, fileShape, start, shape []int) ([]byte, error) {
	n, _ := numel(shape)
	out := make([]byte, n*size)
	if n == 0 {
		return out, nil
	}
	lo, hi := -1, 0
	_ = runs(fileShape, start, shape, func(first, runLen int) error {
		if lo < 0 {
			lo = first
		}
		hi = first + runLen
		return nil
	})
	pos := 0
	if span := (hi - lo) * size; span <= 2*len(out)+1<<16 {
		buf := make([]byte, span)
		if _, err := r.ReadAt(buf, offset+int64(lo*size)); err != nil {
			return nil, err
		}
		return out, runs(fileShape, start, shape, func(first, runLen int) error {
			pos += copy(out[pos:pos+runLen*size], buf[(first-lo)*size:])
			return nil
		})
	}
	return out, runs(fileShape, start, shape, func(first, runLen int) error {
		_, err := r.ReadAt(out[pos:pos+runLen*size], offset+int64(first*size))
		pos += runLen * size
		return err
	})
}

// writeRegion writes the C-ordered bytes of the region [start, start+shape) into a
// C-ordered array of fileShape stored at offset in w, one call per contiguous run.
func writeRegion(w io.WriterAt, offset int64, size int, fileShape, start, shape []int, data []byte) error {
	pos := 0
	return runs(fileShape, start, shape, func(first, runLen int) error {
		_, err := w.WriteAt(data[pos:pos+runLen*size], offset+int64(first*size))
		pos += runLen * size
		return err
	})
}

func reversed(s []int) []int {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
