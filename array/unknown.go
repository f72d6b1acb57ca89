package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// Unknown is the size of a block, and of an axis, that is not known until the array is
// computed: Compress and Mask give such arrays, as Dask's NaN chunks. Compute,
// Persist, Transpose, MapBlocks, ComputeChunkSizes, elementwise operations over
// operands of the same chunks and reductions over the unknown axes take them;
// operations that need the sizes are errors naming the unknown axis.
const Unknown = -1

// unknownAxis is the first axis with unknown block sizes, or -1.
func (a *Array) unknownAxis() int {
	for ax, cs := range a.chunks {
		if slices.Contains(cs, Unknown) {
			return ax
		}
	}
	return -1
}

// KnownChunks reports whether every block size is known.
func (a *Array) KnownChunks() bool { return a.err == nil && a.unknownAxis() < 0 }

// needKnown is the error of an operation that needs a's block sizes.
func (a *Array) needKnown(op string) error {
	if a.err != nil {
		return a.err
	}
	if ax := a.unknownAxis(); ax >= 0 {
		return fmt.Errorf("array: %s: axis %d of %s has unknown chunk sizes %v (after Compress or Mask); call ComputeChunkSizes first", op, ax, a.name, a.chunks[ax])
	}
	return nil
}

// unknownOK is implemented by nodes whose lowering does not read their inputs' block
// sizes, so they take arrays with unknown chunks.
type unknownOK interface{ acceptsUnknown() bool }

func (n *mapNode) acceptsUnknown() bool { return true }

// Elementwise steps take unknown chunks when every operand has the same (checked by
// sameUnknownChunks), reductions when every unknown axis is reduced (checked by
// reduce).
func (n *ewNode) acceptsUnknown() bool     { return true }
func (n *reduceNode) acceptsUnknown() bool { return true }

// sameUnknownChunks is the error of an elementwise operation over arrays some of
// which have unknown chunk sizes, unless every array operand has the same shape and
// chunks as the others (as x.Compress(m).Add(1), or two arrays masked by one mask):
// then block i of the result is the elementwise result of blocks i, whatever their
// sizes turn out to be (checked when computed).
func sameUnknownChunks(op string, opnds []any) error {
	var ref *Array
	for _, o := range opnds {
		if x, ok := o.(*Array); ok && x != nil && x.err == nil && x.unknownAxis() >= 0 {
			ref = x
			break
		}
	}
	if ref == nil {
		return nil
	}
	for _, o := range opnds {
		x, ok := o.(*Array)
		if !ok || x == nil || x.err != nil || x == ref {
			continue
		}
		same := len(x.chunks) == len(ref.chunks)
		for ax := 0; same && ax < len(x.chunks); ax++ {
			same = slices.Equal(x.chunks[ax], ref.chunks[ax])
		}
		if same {
			continue
		}
		u, other := ref, x
		if ax := x.unknownAxis(); ax >= 0 && (len(x.chunks) != len(ref.chunks) || !slices.Equal(x.chunks[ax], ref.chunks[ax])) {
			u, other = x, ref
		}
		ax := u.unknownAxis()
		return fmt.Errorf("array: %s: axis %d of %s has unknown chunk sizes %v (after Compress or Mask) and %s has chunks %v: operands with unknown chunk sizes need the same chunks (shape %v); call ComputeChunkSizes first", op, ax, u.name, u.chunks[ax], other.name, other.chunks, u.shape)
	}
	return nil
}

// knownShape replaces the Unknown sizes of a block task's shape with its input
// blocks' (which must agree, as the blocks of arrays of the same chunks).
func (s *ewSpec) knownShape(ins []*Dense) error {
	if !slices.Contains(s.Shape, Unknown) {
		return nil
	}
	shape := slices.Clone(s.Shape)
	for ax, w := range s.Shape {
		if w != Unknown {
			continue
		}
		shape[ax] = Unknown
		for _, d := range ins {
			if d == nil {
				continue
			}
			switch {
			case len(d.Shape) != len(shape):
				return fmt.Errorf("array: elementwise: block of shape %v for an output block of %d axes", d.Shape, len(shape))
			case shape[ax] == Unknown:
				shape[ax] = d.Shape[ax]
			case shape[ax] != d.Shape[ax]:
				return fmt.Errorf("array: elementwise: blocks of shapes %v along unknown axis %d do not match (operands masked differently?)", d.Shape, ax)
			}
		}
		if shape[ax] == Unknown {
			return fmt.Errorf("array: elementwise: no input block gives the size of unknown axis %d", ax)
		}
	}
	s.Shape = shape
	return nil
}

// checkInputsKnown is lowering's guard for nodes that need their inputs' sizes.
func checkInputsKnown(a *Array) error {
	if u, ok := a.node.(unknownOK); ok && u.acceptsUnknown() {
		return nil
	}
	for _, in := range a.node.inputs() {
		if err := in.needKnown(a.node.describe()); err != nil {
			return err
		}
	}
	return nil
}

// observedChunks are the block sizes of a read from its computed block shapes, in
// Keys order.
func observedChunks(a *Array, shapes [][]int) ([][]int, error) {
	chunks := a.Chunks()
	i := 0
	var err error
	eachBlock(a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		s := shapes[i]
		i++
		if len(s) != len(chunks) {
			err = fmt.Errorf("array: block %v of %s has shape %v, want %d axes", idx, a.name, s, len(chunks))
			return
		}
		for ax, j := range idx {
			switch c := chunks[ax][j]; {
			case c == Unknown && a.chunks[ax][j] == Unknown:
				chunks[ax][j] = s[ax]
			case c != s[ax]:
				err = fmt.Errorf("array: block %v of %s has shape %v, but axis %d block %d has size %d", idx, a.name, s, ax, j, c)
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return chunks, nil
}

func sumChunks(chunks [][]int) []int {
	shape := make([]int, len(chunks))
	for ax, cs := range chunks {
		for _, c := range cs {
			shape[ax] += c
		}
	}
	return shape
}

const blockShapeName = "array.block-shape"

func init() {
	register(blockShapeName, func(_ context.Context, args []any) (any, error) {
		d, err := denseArg("block shape", args[0])
		if err != nil {
			return nil, err
		}
		return slices.Clone(d.Shape), nil
	})
}

// chunkSizes is the collection of the shapes of a's blocks.
type chunkSizes struct{ a *Array }

func (c chunkSizes) Graph() (*graph.Graph, error) {
	g, err := c.a.Graph()
	if err != nil {
		return nil, err
	}
	eachBlock(c.a.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		err = g.Add(graph.Task{Key: blockKey(c.a.name+"-shape", idx), Func: graph.Registered(blockShapeName),
			Args: []any{graph.Input(0)}, Deps: []graph.Key{blockKey(c.a.name, idx)}})
	})
	return g, err
}

func (c chunkSizes) Keys() []graph.Key {
	var keys []graph.Key
	eachBlock(c.a.NumBlocks(), func(idx []int) { keys = append(keys, blockKey(c.a.name+"-shape", idx)) })
	return keys
}

func (c chunkSizes) Finalize(results []any) ([][]int, error) {
	shapes := make([][]int, len(results))
	for i, r := range results {
		s, ok := r.([]int)
		if !ok {
			return nil, fmt.Errorf("array: block shape of %s is %T", c.a.name, r)
		}
		shapes[i] = s
	}
	return observedChunks(c.a, shapes)
}

// ComputeChunkSizes computes the array's blocks to learn their sizes and returns the
// same plan with known chunks, as Dask's compute_chunk_sizes. Only the block shapes
// are gathered; the returned array computes its blocks again when used. An array
// whose sizes are known is returned as is.
func (a *Array) ComputeChunkSizes(ctx context.Context, opts ...gask.Option) (*Array, error) {
	if a.err != nil {
		return nil, a.err
	}
	if a.unknownAxis() < 0 {
		return a, nil
	}
	chunks, err := gask.Compute[[][]int](ctx, chunkSizes{a}, opts...)
	if err != nil {
		return nil, err
	}
	out := *a
	out.chunks, out.shape = chunks, sumChunks(chunks)
	return &out, nil
}

// sameBlockShape compares a block's shape with a planned one whose Unknown sizes
// match any size.
func sameBlockShape(got, want []int) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		if w != Unknown && got[i] != w {
			return false
		}
	}
	return true
}
