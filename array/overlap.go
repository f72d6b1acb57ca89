package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// Boundary says what MapOverlap puts beyond the array's edges: Reflect (mirror
// including the edge value, Dask's "reflect", NumPy's pad mode "symmetric"), Nearest
// (repeat the edge value, pad mode "edge"), Periodic (wrap around, pad mode "wrap"),
// NoBoundary (nothing: edge blocks are extended on their inner sides only, Dask's
// "none") or Constant(v).
type Boundary struct {
	Mode  string
	Value float64
}

var (
	Reflect    = Boundary{Mode: "reflect"}
	Nearest    = Boundary{Mode: "nearest"}
	Periodic   = Boundary{Mode: "periodic"}
	NoBoundary = Boundary{Mode: "none"}
)

// Constant pads with v.
func Constant(v float64) Boundary { return Boundary{Mode: "constant", Value: v} }

// overlapPiece copies a region of input Dep (-1: the constant) to Dst in the extended
// block.
type overlapPiece struct {
	Dep  int
	Spec regionSpec
	Dst  []int
}

type overlapSpec struct {
	Shape  []int
	Value  float64
	DType  DType
	Pieces []overlapPiece
}

const overlapName = "array.overlap"

func init() {
	register(overlapName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(overlapSpec)
		ins, err := denseArgs(args[1:])
		if err != nil {
			return nil, err
		}
		out := newDense(spec.DType, slices.Clone(spec.Shape))
		if spec.Value != 0 {
			for i := range out.Data {
				out.Data[i] = spec.Value
			}
		}
		for _, p := range spec.Pieces {
			r, err := region(ins[p.Dep], p.Spec)
			if err != nil {
				return nil, err
			}
			copyInto(out, p.Dst, r)
		}
		return out, nil
	})
}

// MapOverlap applies fn to every block extended by depth elements of its neighbours
// along each axis (one depth per axis, or one for all), and trims the result back to
// the block, as Dask's map_overlap: fn sees the data around the block's edges, so
// stencils and filters of radius up to depth give the same result as on the whole
// array. Beyond the array's edges the boundary supplies the values. fn must keep the
// extended block's shape. Axes whose blocks are shorter than their depth are first
// rechunked to blocks of at least depth; a depth larger than the axis is an error.
func (a *Array) MapOverlap(fn BlockFunc, depth []int, boundary Boundary) *Array {
	if err := a.needKnown("map_overlap"); err != nil {
		return failed(err)
	}
	if fn == nil {
		return failed(fmt.Errorf("array: MapOverlap with a nil function"))
	}
	nd := len(a.shape)
	if len(depth) == 1 && nd != 1 {
		depth = slices.Repeat(depth, nd)
	}
	if len(depth) != nd {
		return failed(fmt.Errorf("array: map_overlap: depth %v for shape %v: want one per axis or one for all", depth, a.shape))
	}
	switch boundary.Mode {
	case "reflect", "nearest", "periodic", "none", "constant":
	default:
		return failed(fmt.Errorf("array: map_overlap: boundary %q: want reflect, nearest, periodic, none or constant", boundary.Mode))
	}
	chunks := a.Chunks()
	rechunk := false
	for ax, d := range depth {
		n := a.shape[ax]
		switch {
		case d < 0:
			return failed(fmt.Errorf("array: map_overlap: negative depth %d on axis %d", d, ax))
		case d > n:
			return failed(fmt.Errorf("array: map_overlap: depth %d on axis %d is larger than its length %d (shape %v)", d, ax, n, a.shape))
		case d > 0 && slices.Min(chunks[ax]) < d:
			cs := regular(n, max(d, slices.Max(chunks[ax])))
			if k := len(cs); k > 1 && cs[k-1] < d {
				cs = append(cs[:k-2], cs[k-2]+cs[k-1])
			}
			chunks[ax], rechunk = cs, true
		}
	}
	x := a
	if rechunk {
		x = a.Rechunk(ChunksOf(chunks))
	}
	out := &Array{shape: slices.Clone(a.shape), chunks: chunks, dtype: a.dtype}
	out.name = graph.Token("map-overlap")
	out.node = &overlapNode{in: x, fn: fn, depth: slices.Clone(depth), bound: boundary}
	return out
}

type overlapNode struct {
	in    *Array
	fn    BlockFunc
	depth []int
	bound Boundary
}

func (n *overlapNode) describe() string {
	return fmt.Sprintf("MapOverlap %s depth=%v boundary=%s", gask.FuncLabel(n.fn), n.depth, n.bound.Mode)
}
func (n *overlapNode) inputs() []*Array { return []*Array{n.in} }

// axisPiece is one side or the middle of an extended block along one axis: count
// elements of block src from start by step (src -1: the constant).
type axisPiece struct{ src, start, step, count, dst int }

// axisPieces are the pieces of extended block j along one axis, its length and the
// width added on its left.
func (n *overlapNode) axisPieces(cs []int, j, d int) (ps []axisPiece, length, left int) {
	nb, mode := len(cs), n.bound.Mode
	last := cs[nb-1]
	if d > 0 {
		switch {
		case j > 0:
			ps = append(ps, axisPiece{j - 1, cs[j-1] - d, 1, d, 0})
		case mode == "reflect":
			ps = append(ps, axisPiece{0, d - 1, -1, d, 0})
		case mode == "nearest":
			ps = append(ps, axisPiece{0, 0, 0, d, 0})
		case mode == "periodic":
			ps = append(ps, axisPiece{nb - 1, last - d, 1, d, 0})
		case mode == "constant":
			ps = append(ps, axisPiece{-1, 0, 1, d, 0})
		}
	}
	if len(ps) > 0 {
		left = d
	}
	ps = append(ps, axisPiece{j, 0, 1, cs[j], left})
	length = left + cs[j]
	if d > 0 {
		var p axisPiece
		ok := true
		switch {
		case j < nb-1:
			p = axisPiece{j + 1, 0, 1, d, 0}
		case mode == "reflect":
			p = axisPiece{nb - 1, last - 1, -1, d, 0}
		case mode == "nearest":
			p = axisPiece{nb - 1, last - 1, 0, d, 0}
		case mode == "periodic":
			p = axisPiece{0, 0, 1, d, 0}
		case mode == "constant":
			p = axisPiece{-1, 0, 1, d, 0}
		default:
			ok = false
		}
		if ok {
			p.dst = length
			ps = append(ps, p)
			length += d
		}
	}
	return ps, length, left
}

func (n *overlapNode) lower(g *graph.Graph, a *Array) error {
	if err := n.in.lowerInto(g); err != nil {
		return err
	}
	nd := len(a.shape)
	fn := n.fn
	label, regName := gask.FuncLabel(fn), gask.RegisteredName(fn)
	f := userFunc(mapOverlapName, label, regName, mapOverlapKernel(fn))
	var err error
	eachBlock(a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		idx = slices.Clone(idx) // the closure below keeps it
		pieces := make([][]axisPiece, nd)
		ext := make([]int, nd)
		left := make([]int, nd)
		counts := make([]int, nd)
		for ax := range nd {
			pieces[ax], ext[ax], left[ax] = n.axisPieces(a.chunks[ax], idx[ax], n.depth[ax])
			counts[ax] = len(pieces[ax])
		}
		spec := overlapSpec{Shape: ext, DType: a.dtype}
		if n.bound.Mode == "constant" {
			spec.Value = n.bound.Value
		}
		var deps []graph.Key
		eachBlock(counts, func(pi []int) {
			src := make([]int, nd)
			p := overlapPiece{Spec: regionSpec{Start: make([]int, nd), Step: make([]int, nd), Shape: make([]int, nd)}, Dst: make([]int, nd)}
			for ax, k := range pi {
				ap := pieces[ax][k]
				if ap.src < 0 {
					return // constant: the fill
				}
				src[ax] = ap.src
				p.Spec.Start[ax], p.Spec.Step[ax], p.Spec.Shape[ax], p.Dst[ax] = ap.start, ap.step, ap.count, ap.dst
			}
			key := blockKey(n.in.name, src)
			p.Dep = slices.Index(deps, key)
			if p.Dep < 0 {
				p.Dep = len(deps)
				deps = append(deps, key)
			}
			spec.Pieces = append(spec.Pieces, p)
		})
		extKey := graph.K(a.name+"-ext", idx...)
		if err = g.Add(graph.Task{Key: extKey, Func: graph.Registered(overlapName), Args: append([]any{spec}, inputs(len(deps))...), Deps: deps}); err != nil {
			return
		}
		core := blockShape(a.chunks, idx)
		ones := make([]int, nd)
		for i := range ones {
			ones[i] = 1
		}
		trim := regionSpec{Start: left, Step: ones, Shape: core}
		err = g.Add(graph.Task{Key: blockKey(a.name, idx), Func: f, Args: []any{regName, label, idx, ext, trim, graph.Input(0)}, Deps: []graph.Key{extKey}})
	})
	return err
}
