package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/gask-dev/gask/graph"
)

const reshapeName = "array.reshape"

func init() {
	register(reshapeName, func(_ context.Context, args []any) (any, error) {
		shape := args[0].([]int)
		d, err := denseArg("reshape", args[1])
		if err != nil {
			return nil, err
		}
		if n, _ := numel(shape); n != d.Size() {
			return nil, fmt.Errorf("array: reshape: block of shape %v into %v", d.Shape, shape)
		}
		c := d.Contiguous()
		return &Dense{Shape: slices.Clone(shape), Strides: cStrides(shape), Data: c.Data[:d.Size()], DType: d.DType}, nil
	})
}

// reblock is an array whose blocks are a's blocks, in C order of block indices, each
// reshaped to the block of the given chunks: the two block grids must have the same
// number of blocks and corresponding blocks the same sizes.
func (a *Array) reblock(what string, shape []int, chunks [][]int) *Array {
	var srcs [][]int
	eachBlock(a.NumBlocks(), func(idx []int) { srcs = append(srcs, slices.Clone(idx)) })
	out := &Array{shape: slices.Clone(shape), chunks: chunks, dtype: a.dtype}
	nb := 1
	for _, cs := range chunks {
		nb *= len(cs)
	}
	if nb != len(srcs) {
		return failed(fmt.Errorf("array: %s: %d blocks from %d (chunks %v from %v)", what, nb, len(srcs), chunks, a.chunks))
	}
	out.name = hashName("reshape", a.name, shape, chunks)
	strides := cStrides(out.NumBlocks())
	out.node = &blocksNode{ins: []*Array{a}, what: what, task: func(idx []int) (graph.Func, []any, []graph.Key) {
		lin := 0
		for ax, i := range idx {
			lin += i * strides[ax]
		}
		return graph.Registered(reshapeName), []any{blockShape(chunks, idx), graph.Input(0)}, []graph.Key{blockKey(a.name, srcs[lin])}
	}}
	return out
}

// expandTuple splits each chunk into about factor parts (Dask's expand_tuple).
func expandTuple(chunks []int, factor int) []int {
	if factor <= 1 {
		return slices.Clone(chunks)
	}
	var out []int
	for _, c := range chunks {
		x := c
		part := max(float64(c)/float64(factor), 1)
		for float64(x) >= 2*part {
			out = append(out, int(part))
			x -= int(part)
		}
		if x > 0 {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		out = []int{0}
	}
	return out
}

// contractTuple merges chunks into multiples of factor (Dask's contract_tuple).
func contractTuple(chunks []int, factor int) []int {
	var out []int
	residual := 0
	for _, c := range chunks {
		c += residual
		good := c / factor * factor
		residual = c % factor
		if good > 0 {
			out = append(out, good)
		}
	}
	return out
}

func prodInts(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}

// reshapeRechunk is Dask's reshape_rechunk: the chunks to give the input so that the
// reshape is blockwise, and the output's chunks; ok is false when the shapes do not
// pair up into groups of axes with equal products.
func reshapeRechunk(inshape, outshape []int, inchunks [][]int) (in, out [][]int, ok bool) {
	in = make([][]int, len(inshape))
	out = make([][]int, len(outshape))
	ii, oi := len(inshape)-1, len(outshape)-1
	for ii >= 0 || oi >= 0 {
		switch {
		case ii < 0:
			if outshape[oi] != 1 {
				return nil, nil, false
			}
			out[oi] = []int{1}
			oi--
			continue
		case oi < 0:
			if inshape[ii] != 1 {
				return nil, nil, false
			}
			in[ii] = []int{1}
			ii--
			continue
		}
		din, dout := inshape[ii], outshape[oi]
		switch {
		case din == dout:
			in[ii], out[oi] = slices.Clone(inchunks[ii]), slices.Clone(inchunks[ii])
			ii--
			oi--
		case din == 1:
			in[ii] = []int{1}
			ii--
		case dout == 1:
			out[oi] = []int{1}
			oi--
		case din < dout: // several input axes merge into one
			ileft := ii - 1
			for ileft >= 0 && prodInts(inshape[ileft:ii+1]) < dout {
				ileft--
			}
			if ileft < 0 || prodInts(inshape[ileft:ii+1]) != dout {
				return nil, nil, false
			}
			for i := ileft + 1; i <= ii; i++ {
				in[i] = []int{inshape[i]}
			}
			reduction := 1
			for _, cs := range inchunks[ileft+1 : ii+1] {
				reduction *= len(cs)
			}
			in[ileft] = expandTuple(inchunks[ileft], reduction)
			inner := prodInts(inshape[ileft+1 : ii+1])
			for _, c := range in[ileft] {
				out[oi] = append(out[oi], c*inner)
			}
			oi--
			ii = ileft - 1
		default: // one input axis splits into several
			oleft := oi - 1
			for oleft >= 0 && prodInts(outshape[oleft:oi+1]) < din {
				oleft--
			}
			if oleft < 0 || prodInts(outshape[oleft:oi+1]) != din {
				return nil, nil, false
			}
			cs := prodInts(outshape[oleft+1 : oi+1])
			in[ii] = contractTuple(inchunks[ii], cs)
			for i := oleft + 1; i <= oi; i++ {
				out[i] = []int{outshape[i]}
			}
			for _, c := range in[ii] {
				out[oleft] = append(out[oleft], c/cs)
			}
			oi = oleft - 1
			ii--
		}
	}
	return in, out, true
}

// Reshape gives the array a new shape with the same number of elements, in C order,
// as NumPy's reshape; one size may be -1, inferred from the others. As Dask's
// reshape, it first rechunks the input so that every output block is one reshaped
// input block: axes that keep their length keep their chunks, axes merged into one
// are made whole except the first (whose chunks are split to keep block sizes down),
// and an axis split into several is cut at multiples of the trailing output axes.
// Shapes that do not pair up this way go through the flattened array.
func (a *Array) Reshape(shape ...int) *Array {
	if err := a.needKnown("reshape"); err != nil {
		return failed(err)
	}
	n := a.Size()
	shape = slices.Clone(shape)
	infer, known := -1, 1
	for i, s := range shape {
		switch {
		case s == -1 && infer < 0:
			infer = i
		case s < 0:
			return failed(fmt.Errorf("array: reshape: cannot reshape array of shape %v into shape %v (one size may be -1, others not negative)", a.shape, shape))
		default:
			known *= s
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return failed(fmt.Errorf("array: reshape: cannot reshape array of size %d (shape %v) into shape %v", n, a.shape, shape))
		}
		shape[infer] = n / known
		known = n
	}
	if known != n {
		return failed(fmt.Errorf("array: reshape: cannot reshape array of size %d (shape %v) into shape %v", n, a.shape, shape))
	}
	if slices.Equal(shape, a.shape) {
		return a
	}
	what := fmt.Sprintf("Reshape %v", shape)
	if n == 0 { // nothing to move: one empty block each side
		one := make([][]int, len(a.shape))
		for ax, s := range a.shape {
			one[ax] = []int{s}
		}
		outChunks := make([][]int, len(shape))
		for ax, s := range shape {
			outChunks[ax] = []int{s}
		}
		return a.Rechunk(ChunksOf(one)).reblock(what, shape, outChunks)
	}
	inChunks, outChunks, ok := reshapeRechunk(a.shape, shape, a.chunks)
	if !ok {
		return a.Reshape(n).Reshape(shape...)
	}
	x := a
	if !chunksEqual(inChunks, a.chunks) {
		x = a.Rechunk(ChunksOf(inChunks))
	}
	return x.reblock(what, shape, outChunks)
}

func chunksEqual(a, b [][]int) bool {
	return slices.EqualFunc(a, b, func(x, y []int) bool { return slices.Equal(x, y) })
}

// Squeeze removes axes of length one: those given (negative counts from the end; an
// axis of another length is an error naming it) or, without arguments, all of them.
func (a *Array) Squeeze(axes ...int) *Array {
	if err := a.needKnown("squeeze"); err != nil {
		return failed(err)
	}
	nd := len(a.shape)
	drop := make([]bool, nd)
	if len(axes) == 0 {
		for ax, s := range a.shape {
			drop[ax] = s == 1
		}
	}
	for _, axis := range axes {
		ax, err := normAxis("squeeze", axis, nd, a.shape)
		if err != nil {
			return failed(err)
		}
		if a.shape[ax] != 1 {
			return failed(fmt.Errorf("array: squeeze: cannot select axis %d of shape %v: its length is %d, not 1", axis, a.shape, a.shape[ax]))
		}
		drop[ax] = true
	}
	x := a
	rechunk := false
	chunks := a.Chunks()
	for ax := range nd {
		if drop[ax] && len(chunks[ax]) != 1 { // {0, 1} and the like
			chunks[ax], rechunk = []int{1}, true
		}
	}
	if rechunk {
		x = a.Rechunk(ChunksOf(chunks))
	}
	var shape []int
	var outChunks [][]int
	for ax := range nd {
		if !drop[ax] {
			shape = append(shape, x.shape[ax])
			outChunks = append(outChunks, slices.Clone(x.chunks[ax]))
		}
	}
	return x.reblock(fmt.Sprintf("Squeeze %v", axes), shape, outChunks)
}

// ExpandDims inserts an axis of length one at position axis of the result (negative
// counts from the end of the result), as NumPy's expand_dims.
func (a *Array) ExpandDims(axis int) *Array {
	if err := a.needKnown("expand_dims"); err != nil {
		return failed(err)
	}
	nd := len(a.shape) + 1
	ax, err := normAxis("expand_dims", axis, nd, a.shape)
	if err != nil {
		return failed(err)
	}
	shape := slices.Insert(slices.Clone(a.shape), ax, 1)
	chunks := slices.Insert(a.Chunks(), ax, []int{1})
	return a.reblock(fmt.Sprintf("ExpandDims %d", ax), shape, chunks)
}
