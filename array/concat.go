package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/gask-dev/gask/graph"
)

const relabelName = "array.relabel"

func init() {
	register(relabelName, func(_ context.Context, args []any) (any, error) {
		dt := args[0].(DType)
		d, err := denseArg("concatenate", args[1])
		if err != nil {
			return nil, err
		}
		if d.DType == dt {
			return d, nil
		}
		out := *d // values are float64 whatever the dtype: only the label changes
		out.DType = dt
		return &out, nil
	})
}

// promote is NumPy's result type of two dtypes.
func promote(a, b DType) DType {
	switch {
	case a == b:
		return a
	case a == Float64 || b == Float64:
		return Float64
	case a == Bool:
		return b
	case b == Bool:
		return a
	}
	return Float64 // int64 with float32
}

// Concatenate joins arrays along an existing axis (negative counts from the end), as
// NumPy's concatenate. The other axes must agree in length; where their chunks differ
// the arrays are rechunked to the common refinement. Output blocks along axis are the
// inputs' blocks, in order, with no copy. The dtype is NumPy's result type.
func Concatenate(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return failed(fmt.Errorf("array: concatenate: need at least one array"))
	}
	for i, x := range arrays {
		if x == nil {
			return failed(fmt.Errorf("array: concatenate: array %d is nil", i))
		}
		if err := x.needKnown("concatenate"); err != nil {
			return failed(err)
		}
	}
	first := arrays[0]
	nd := len(first.shape)
	if nd == 0 {
		return failed(fmt.Errorf("array: concatenate: zero-dimensional arrays cannot be concatenated"))
	}
	ax, err := normAxis("concatenate", axis, nd, first.shape)
	if err != nil {
		return failed(err)
	}
	dt := first.dtype
	shape := slices.Clone(first.shape)
	shape[ax] = 0
	chunks := first.Chunks()
	for i, x := range arrays {
		ok := len(x.shape) == nd
		for d := 0; ok && d < nd; d++ {
			ok = d == ax || x.shape[d] == first.shape[d]
		}
		if !ok {
			return failed(fmt.Errorf("array: concatenate: array %d has shape %v, array 0 has %v: all but axis %d must match", i, x.shape, first.shape, ax))
		}
		dt = promote(dt, x.dtype)
		shape[ax] += x.shape[ax]
		for d := range nd {
			if d != ax {
				chunks[d] = refine(chunks[d], x.chunks[d])
			}
		}
	}
	ins := make([]*Array, len(arrays))
	type src struct{ in, block int }
	var srcs []src
	chunks[ax] = nil
	for i, x := range arrays {
		want := slices.Clone(chunks)
		want[ax] = x.chunks[ax]
		ins[i] = x
		if !chunksEqual(want, x.chunks) {
			ins[i] = x.Rechunk(ChunksOf(want))
		}
		for j, c := range x.chunks[ax] {
			srcs = append(srcs, src{i, j})
			chunks[ax] = append(chunks[ax], c)
		}
	}
	names := make([]string, len(ins))
	for i, x := range ins {
		names[i] = x.name
	}
	out := &Array{shape: shape, chunks: chunks, dtype: dt}
	out.name = hashName("concatenate", names, ax, dt)
	out.node = &blocksNode{ins: ins, what: fmt.Sprintf("Concatenate axis=%d (%d arrays)", ax, len(ins)), task: func(idx []int) (graph.Func, []any, []graph.Key) {
		s := srcs[idx[ax]]
		bi := slices.Clone(idx)
		bi[ax] = s.block
		return graph.Registered(relabelName), []any{dt, graph.Input(0)}, []graph.Key{blockKey(ins[s.in].name, bi)}
	}}
	return out
}

// Stack joins arrays of one shape along a new axis (negative counts from the end of
// the result), as NumPy's stack: each array becomes one block along that axis.
func Stack(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return failed(fmt.Errorf("array: stack: need at least one array"))
	}
	ex := make([]*Array, len(arrays))
	for i, x := range arrays {
		if x == nil {
			return failed(fmt.Errorf("array: stack: array %d is nil", i))
		}
		if x.err != nil {
			return x
		}
		if !slices.Equal(x.shape, arrays[0].shape) {
			return failed(fmt.Errorf("array: stack: array %d has shape %v, array 0 has %v: all must match", i, x.shape, arrays[0].shape))
		}
		ex[i] = x.ExpandDims(axis)
		if ex[i].err != nil {
			return ex[i]
		}
	}
	if axis < 0 {
		axis += len(arrays[0].shape) + 1
	}
	return Concatenate(ex, axis)
}
