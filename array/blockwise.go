package array

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// BlocksFunc computes one output block from one block of each input, in argument
// order. Blockwise checks the result's shape.
type BlocksFunc func(ctx context.Context, blocks []*Dense) (*Dense, error)

// BlockArg is an input of Blockwise: an array and the index letters of its axes.
type BlockArg struct {
	a     *Array
	index string
}

// In pairs an array with the index letters of its axes ("ij" for a matrix).
func In(a *Array, index string) BlockArg { return BlockArg{a, index} }

// Blockwise applies fn block by block with Einstein-like index notation, as Dask's
// blockwise with concatenate=True: out names the output's axes by letter, and each
// input names its own. Axes sharing a letter must have the same length and are cut
// alike (the common refinement of their chunks); a letter missing from out is
// contracted: its axes are made one block, so fn sees them whole. Block (i, j) of
// Blockwise(fn, "ij", In(x, "ik"), In(y, "kj")) is fn(x block (i, whole k), y block
// (whole k, j)). fn must return a block of the output's block shape; the result is
// Float64. A plain function runs in process only; register it with
// gask.Register("pkg.name", fn) so subprocess and distributed workers find it.
func Blockwise(fn BlocksFunc, out string, args ...BlockArg) *Array {
	if fn == nil {
		return failed(fmt.Errorf("array: blockwise with a nil function"))
	}
	if len(args) == 0 {
		return failed(fmt.Errorf("array: blockwise %q with no inputs", out))
	}
	size := map[rune]int{}
	where := map[rune]int{}
	chunks := map[rune][]int{}
	for i, arg := range args {
		if arg.a == nil {
			return failed(fmt.Errorf("array: blockwise: argument %d is nil", i))
		}
		if err := arg.a.needKnown("blockwise"); err != nil {
			return failed(err)
		}
		ix := []rune(arg.index)
		if len(ix) != len(arg.a.shape) {
			return failed(fmt.Errorf("array: blockwise: argument %d has index %q for shape %v", i, arg.index, arg.a.shape))
		}
		for ax, l := range ix {
			if strings.Count(arg.index, string(l)) > 1 {
				return failed(fmt.Errorf("array: blockwise: argument %d repeats index %q in %q", i, l, arg.index))
			}
			if n, ok := size[l]; ok {
				if n != arg.a.shape[ax] {
					return failed(fmt.Errorf("array: blockwise: index %q has length %d in argument %d (shape %v) and %d in argument %d", l, arg.a.shape[ax], i, arg.a.shape, n, where[l]))
				}
				chunks[l] = refine(chunks[l], arg.a.chunks[ax])
				continue
			}
			size[l], where[l], chunks[l] = arg.a.shape[ax], i, slices.Clone(arg.a.chunks[ax])
		}
	}
	outIx := []rune(out)
	var shape []int
	var outChunks [][]int
	for _, l := range outIx {
		if strings.Count(out, string(l)) > 1 {
			return failed(fmt.Errorf("array: blockwise: output index %q repeats %q", out, l))
		}
		n, ok := size[l]
		if !ok {
			return failed(fmt.Errorf("array: blockwise: output index %q of %q is in no input", l, out))
		}
		shape = append(shape, n)
		outChunks = append(outChunks, chunks[l])
	}
	for l := range size {
		if !slices.Contains(outIx, l) {
			chunks[l] = []int{size[l]} // contracted: whole
		}
	}
	ins := make([]*Array, len(args))
	pos := make([][]int, len(args)) // for each input axis, its output axis or -1
	names := make([]string, len(args))
	for i, arg := range args {
		want := make([][]int, len(arg.a.shape))
		pos[i] = make([]int, len(want))
		for ax, l := range []rune(arg.index) {
			want[ax] = chunks[l]
			pos[i][ax] = slices.Index(outIx, l)
		}
		ins[i] = arg.a
		if !chunksEqual(want, arg.a.chunks) {
			ins[i] = arg.a.Rechunk(ChunksOf(want))
		}
		names[i] = ins[i].name
	}
	label, regName := gask.FuncLabel(fn), gask.RegisteredName(fn)
	f := userFunc(blockwiseName, label, regName, blockwiseKernel(fn))
	a := &Array{shape: shape, chunks: outChunks, dtype: Float64}
	a.name = graph.Token("blockwise") // functions cannot be compared: every call is its own key
	a.node = &blocksNode{ins: ins, what: fmt.Sprintf("Blockwise %s %s <- %v", label, out, names), task: func(idx []int) (graph.Func, []any, []graph.Key) {
		deps := make([]graph.Key, len(ins))
		for i, in := range ins {
			bi := make([]int, len(in.shape))
			for ax, p := range pos[i] {
				if p >= 0 {
					bi[ax] = idx[p]
				}
			}
			deps[i] = blockKey(in.name, bi)
		}
		return f, append([]any{regName, label, slices.Clone(idx), blockShape(outChunks, idx)}, inputs(len(deps))...), deps
	}}
	return a
}
