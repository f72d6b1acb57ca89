package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// Range selects along one axis, as Python's start:stop:step. Use S(start, stop),
// S3(start, stop, step) or All(); negative start and stop count from the end, and
// Open marks an omitted bound.
type Range struct {
	Start, Stop, Step int
	NoStart, NoStop   bool
}

// Open as a bound of S or S3 stands for an omitted one (x[:3], x[2:]).
const Open = int(^uint(0) >> 1)

// S is start:stop.
func S(start, stop int) Range { return S3(start, stop, 1) }

// S3 is start:stop:step (step may be negative, not zero).
func S3(start, stop, step int) Range {
	return Range{Start: start, Stop: stop, Step: step, NoStart: start == Open, NoStop: stop == Open}
}

// All is the whole axis (:).
func All() Range { return Range{Step: 1, NoStart: true, NoStop: true} }

// indices is Python's slice.indices: the first index, the step and the count.
func (r Range) indices(n int) (start, step, count int, err error) {
	step = r.Step
	if step == 0 {
		return 0, 0, 0, fmt.Errorf("slice step cannot be zero")
	}
	clamp := func(i, lo, hi int) int { return max(lo, min(i, hi)) }
	norm := func(i int) int {
		if i < 0 {
			i += n
		}
		return i
	}
	var stop int
	if step > 0 {
		start, stop = 0, n
		if !r.NoStart {
			start = clamp(norm(r.Start), 0, n)
		}
		if !r.NoStop {
			stop = clamp(norm(r.Stop), 0, n)
		}
		count = max(0, (stop-start+step-1)/step)
	} else {
		start, stop = n-1, -1
		if !r.NoStart {
			start = clamp(norm(r.Start), -1, n-1)
		}
		if !r.NoStop {
			stop = clamp(norm(r.Stop), -1, n-1)
		}
		count = max(0, (start-stop-step-1)/(-step))
	}
	return start, step, count, nil
}

// regionSpec extracts a strided region of one block: Start and Step per axis, Shape
// the result's.
type regionSpec struct {
	Start, Step, Shape []int
}

const (
	regionName   = "array.region"
	assembleName = "array.assemble"
	transName    = "array.transpose"
)

func init() {
	register(regionName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(regionSpec)
		d, err := denseArg("region", args[1])
		if err != nil {
			return nil, err
		}
		return region(d, spec)
	})
	register(assembleName, func(_ context.Context, args []any) (any, error) {
		shape, starts := args[0].([]int), args[1].([][]int)
		dt := args[2].(DType)
		out := newDense(dt, slices.Clone(shape))
		for i, a := range args[3:] {
			p, err := denseArg("rechunk piece", a)
			if err != nil {
				return nil, err
			}
			for ax := range shape {
				if starts[i][ax]+p.Shape[ax] > shape[ax] {
					return nil, fmt.Errorf("array: rechunk piece %v at %v outside block %v", p.Shape, starts[i], shape)
				}
			}
			copyInto(out, starts[i], p)
		}
		return out, nil
	})
	register(transName, func(_ context.Context, args []any) (any, error) {
		perm := args[0].([]int)
		d, err := denseArg("transpose", args[1])
		if err != nil {
			return nil, err
		}
		v := &Dense{Shape: make([]int, len(perm)), Strides: make([]int, len(perm)), Data: d.Data, DType: d.DType}
		for i, p := range perm {
			v.Shape[i], v.Strides[i] = d.Shape[p], d.Strides[p]
		}
		out := v.Contiguous()
		if out == v { // already C-ordered: still hand out a block of its own shape
			out = &Dense{Shape: v.Shape, Strides: cStrides(v.Shape), Data: v.Data, DType: v.DType}
		}
		return out, nil
	})
}

func region(d *Dense, spec regionSpec) (*Dense, error) {
	nd := len(d.Shape)
	if len(spec.Start) != nd {
		return nil, fmt.Errorf("array: region of %d axes from a block of shape %v", len(spec.Start), d.Shape)
	}
	off := 0
	st := make([]int, nd)
	for ax := range nd {
		if spec.Shape[ax] > 0 {
			last := spec.Start[ax] + (spec.Shape[ax]-1)*spec.Step[ax]
			if spec.Start[ax] < 0 || spec.Start[ax] >= d.Shape[ax] || last < 0 || last >= d.Shape[ax] {
				return nil, fmt.Errorf("array: region %v step %v shape %v outside block %v", spec.Start, spec.Step, spec.Shape, d.Shape)
			}
			off += spec.Start[ax] * d.Strides[ax]
		}
		st[ax] = spec.Step[ax] * d.Strides[ax]
	}
	out := newDense(d.DType, slices.Clone(spec.Shape))
	if out.Size() == 0 {
		return out, nil
	}
	idx := make([]int, nd)
	for i := range out.Data {
		o := off
		for ax := range nd {
			o += idx[ax] * st[ax]
		}
		out.Data[i] = d.Data[o]
		for ax := nd - 1; ax >= 0; ax-- {
			idx[ax]++
			if idx[ax] < spec.Shape[ax] {
				break
			}
			idx[ax] = 0
		}
	}
	return out, nil
}

// mapNode makes every output block from one input block with a kernel whose
// arguments depend on the block.
type mapNode struct {
	in   *Array
	what string
	task func(idx []int) (graph.Func, []any, []int) // function, args (Input(0) is the input block), input block
}

func (n *mapNode) describe() string { return n.what }
func (n *mapNode) inputs() []*Array { return []*Array{n.in} }
func (n *mapNode) lower(g *graph.Graph, a *Array) error {
	if err := n.in.lowerInto(g); err != nil {
		return err
	}
	var err error
	eachBlock(a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		fn, args, src := n.task(slices.Clone(idx))
		err = g.Add(graph.Task{Key: blockKey(a.name, idx), Func: fn, Args: args, Deps: []graph.Key{blockKey(n.in.name, src)}})
	})
	return err
}

// Slice selects a strided region, one Range per axis (missing trailing axes are whole),
// as NumPy's x[a:b:c, ...]. Every output block comes from one input block; the output
// keeps the input's block boundaries (empty pieces dropped).
func (a *Array) Slice(ranges ...Range) *Array {
	if err := a.needKnown("slice"); err != nil {
		return failed(err)
	}
	nd := len(a.shape)
	if len(ranges) > nd {
		return failed(fmt.Errorf("array: slice: %d ranges for an array of shape %v", len(ranges), a.shape))
	}
	type piece struct{ block, start, count int }
	axes := make([][]piece, nd)
	shape := make([]int, nd)
	chunks := make([][]int, nd)
	for ax := range nd {
		r := All()
		if ax < len(ranges) {
			r = ranges[ax]
		}
		start, step, count, err := r.indices(a.shape[ax])
		if err != nil {
			return failed(fmt.Errorf("array: slice axis %d of shape %v: %w", ax, a.shape, err))
		}
		shape[ax] = count
		// walk the selected indices block by block
		bounds := make([]int, len(a.chunks[ax])+1)
		for b, c := range a.chunks[ax] {
			bounds[b+1] = bounds[b] + c
		}
		for k := 0; k < count; {
			i := start + k*step
			b := 0
			for bounds[b+1] <= i {
				b++
			}
			// how many further indices stay in block b
			var n int
			if step > 0 {
				n = min(count-k, (bounds[b+1]-1-i)/step+1)
			} else {
				n = min(count-k, (i-bounds[b])/(-step)+1)
			}
			axes[ax] = append(axes[ax], piece{b, i - bounds[b], n})
			chunks[ax] = append(chunks[ax], n)
			k += n
		}
		if count == 0 {
			axes[ax] = []piece{{0, 0, 0}}
			chunks[ax] = []int{0}
		}
	}
	steps := make([]int, nd)
	for ax := range nd {
		r := All()
		if ax < len(ranges) {
			r = ranges[ax]
		}
		steps[ax] = r.Step
	}
	out := &Array{shape: shape, chunks: chunks, dtype: a.dtype}
	out.name = hashName("slice", a.name, ranges)
	out.node = &mapNode{in: a, what: fmt.Sprintf("Slice %v", ranges), task: func(idx []int) (graph.Func, []any, []int) {
		spec := regionSpec{Start: make([]int, nd), Step: steps, Shape: make([]int, nd)}
		src := make([]int, nd)
		for ax, i := range idx {
			p := axes[ax][i]
			src[ax], spec.Start[ax], spec.Shape[ax] = p.block, p.start, p.count
		}
		return graph.Registered(regionName), []any{spec, graph.Input(0)}, src
	}}
	return out
}

// Transpose permutes the axes (reverses them without arguments), as NumPy's
// transpose; blocks are transposed one by one.
func (a *Array) Transpose(axes ...int) *Array {
	if a.err != nil {
		return a
	}
	nd := len(a.shape)
	perm := make([]int, nd)
	if len(axes) == 0 {
		for i := range perm {
			perm[i] = nd - 1 - i
		}
	} else {
		if len(axes) != nd {
			return failed(fmt.Errorf("array: transpose: axes %v for an array of shape %v", axes, a.shape))
		}
		seen := make([]bool, nd)
		for i, ax := range axes {
			if ax < 0 {
				ax += nd
			}
			if ax < 0 || ax >= nd || seen[ax] {
				return failed(fmt.Errorf("array: transpose: axes %v are not a permutation of the %d axes of shape %v", axes, nd, a.shape))
			}
			seen[ax] = true
			perm[i] = ax
		}
	}
	shape := make([]int, nd)
	chunks := make([][]int, nd)
	for i, p := range perm {
		shape[i], chunks[i] = a.shape[p], slices.Clone(a.chunks[p])
	}
	out := &Array{shape: shape, chunks: chunks, dtype: a.dtype}
	out.name = hashName("transpose", a.name, perm)
	out.node = &mapNode{in: a, what: fmt.Sprintf("Transpose %v", perm), task: func(idx []int) (graph.Func, []any, []int) {
		src := make([]int, nd)
		for i, p := range perm {
			src[p] = idx[i]
		}
		return graph.Registered(transName), []any{perm, graph.Input(0)}, src
	}}
	return out
}

// T is Transpose().
func (a *Array) T() *Array { return a.Transpose() }

// Rechunk cuts the array into new blocks. Each input block is split into the pieces
// the new blocks need (one task per overlapping pair), and each new block is assembled
// from its pieces, so no task holds more than one old and one new block.
func (a *Array) Rechunk(chunks ChunkSpec) *Array {
	if err := a.needKnown("rechunk"); err != nil {
		return failed(err)
	}
	cs, err := chunks.normalize(a.shape)
	if err != nil {
		return failed(fmt.Errorf("array: rechunk %v: %w", a.shape, err))
	}
	out := &Array{shape: slices.Clone(a.shape), chunks: cs, dtype: a.dtype, node: &rechunkNode{in: a}}
	out.name = hashName("rechunk", a.name, cs)
	return out
}

type rechunkNode struct{ in *Array }

func (n *rechunkNode) describe() string { return "Rechunk" }
func (n *rechunkNode) inputs() []*Array { return []*Array{n.in} }

// overlap lists, for output block j along one axis, the input blocks it overlaps:
// (input block, start in it, length, start in the output block).
func overlaps(in, out []int) [][][4]int {
	res := make([][][4]int, len(out))
	ib := make([]int, len(in)+1)
	for i, c := range in {
		ib[i+1] = ib[i] + c
	}
	pos := 0
	for j, c := range out {
		if c == 0 {
			// an empty block: an empty piece of the first input block
			b := 0
			for b < len(in)-1 && ib[b+1] <= pos {
				b++
			}
			res[j] = [][4]int{{b, min(pos-ib[b], in[b]), 0, 0}}
			continue
		}
		for b := range in {
			lo, hi := max(pos, ib[b]), min(pos+c, ib[b+1])
			if lo < hi {
				res[j] = append(res[j], [4]int{b, lo - ib[b], hi - lo, lo - pos})
			}
		}
		pos += c
	}
	return res
}

func (n *rechunkNode) lower(g *graph.Graph, a *Array) error {
	if err := n.in.lowerInto(g); err != nil {
		return err
	}
	nd := len(a.shape)
	ov := make([][][][4]int, nd)
	for ax := range nd {
		ov[ax] = overlaps(n.in.chunks[ax], a.chunks[ax])
	}
	ones := make([]int, nd)
	for i := range ones {
		ones[i] = 1
	}
	var err error
	eachBlock(a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		counts := make([]int, nd)
		for ax, j := range idx {
			counts[ax] = len(ov[ax][j])
		}
		var deps []graph.Key
		var starts [][]int
		eachBlock(counts, func(pi []int) {
			if err != nil {
				return
			}
			src := make([]int, nd)
			spec := regionSpec{Start: make([]int, nd), Step: ones, Shape: make([]int, nd)}
			dst := make([]int, nd)
			for ax, p := range pi {
				o := ov[ax][idx[ax]][p]
				src[ax], spec.Start[ax], spec.Shape[ax], dst[ax] = o[0], o[1], o[2], o[3]
			}
			k := graph.K(a.name+"-piece", append(slices.Clone(idx), src...)...)
			err = g.Add(graph.Task{Key: k, Func: graph.Registered(regionName), Args: []any{spec, graph.Input(0)},
				Deps: []graph.Key{blockKey(n.in.name, src)}})
			deps = append(deps, k)
			starts = append(starts, dst)
		})
		if err != nil {
			return
		}
		args := append([]any{blockShape(a.chunks, idx), starts, a.dtype}, inputs(len(deps))...)
		err = g.Add(graph.Task{Key: blockKey(a.name, idx), Func: graph.Registered(assembleName), Args: args, Deps: deps})
	})
	return err
}

// BlockFunc computes one block from another. MapBlocks checks the result's shape.
type BlockFunc func(ctx context.Context, block *Dense) (*Dense, error)

// MapBlocks applies fn to every block, as Dask's map_blocks; each output block must
// keep its input block's shape. A plain function runs in process only; register it
// with gask.Register("pkg.name", fn) so subprocess and distributed workers find it.
func (a *Array) MapBlocks(fn BlockFunc) *Array {
	if a.err != nil {
		return a
	}
	if fn == nil {
		return failed(fmt.Errorf("array: MapBlocks with a nil function"))
	}
	label, regName := gask.FuncLabel(fn), gask.RegisteredName(fn)
	out := &Array{shape: slices.Clone(a.shape), chunks: a.Chunks(), dtype: a.dtype}
	out.name = graph.Token("map-blocks") // functions cannot be compared: every call is its own key
	f := userFunc(mapBlocksName, label, regName, mapBlocksKernel(fn))
	out.node = &mapNode{in: a, what: "MapBlocks " + label, task: func(idx []int) (graph.Func, []any, []int) {
		return f, []any{regName, label, idx, blockShape(a.chunks, idx), graph.Input(0)}, idx
	}}
	return out
}
