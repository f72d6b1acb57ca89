package array_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

func TestIndexReshapeErrors(t *testing.T) {
	x := array.FromSlice(seq(60), []int{6, 10}, array.Chunks(4, 3))
	m := x.Gt(30).Mask(x.Gt(30)) // unknown along axis 0
	u2 := x.Compress(x.Slice(array.All(), array.S(0, 1)).Reshape(6).Gt(20), 0)
	for i, c := range []struct {
		a    *array.Array
		want string
	}{
		{x.Take([]int{0, 10}, 1), "index 10 is out of bounds for axis 1 with size 10"},
		{x.Take([]int{-7}, 0), "index -7 is out of bounds for axis 0 with size 6"},
		{x.Take([]int{0}, 2), "axis 2 is out of bounds"},
		{x.Compress(x.Slice(array.All(), array.S(0, 1)).Gt(0), 0), "mask of shape [6 1]"},
		{x.Compress(array.Ones([]int{6}, array.Chunks(2)), 0), "dtype float64, want bool"},
		{x.Mask(x.Slice(array.S(0, 2)).Gt(0)), "mask of shape [2 10] for an array of shape [6 10]"},
		{m.Add(array.Arange(0, 30, 1, array.Chunks(10))), "add: axis 0 of"},
		{array.Arange(0, 30, 1, array.Chunks(10)).Mul(m), "unknown chunk sizes [-1"},
		{u2.Add(1).Sum(array.Axis(1)), "sum: axis 0"},
		{m.Argmax(), "argmax: axis 0"},
		{m.Reshape(2, -1), "reshape: axis 0"},
		{m.Rechunk(array.Chunks(2)), "rechunk: axis 0"},
		{m.Slice(array.S(0, 1)), "slice: axis 0"},
		{m.Take([]int{0}, 0), "take: axis 0"},
		{array.Concatenate([]*array.Array{m, m}, 0), "concatenate: axis 0"},
		{x.Reshape(7, 9), "cannot reshape array of size 60 (shape [6 10]) into shape [7 9]"},
		{x.Reshape(-1, 7), "into shape [-1 7]"},
		{x.Reshape(-1, -1), "into shape [-1 -1]"},
		{x.Squeeze(0), "axis 0 of shape [6 10]: its length is 6"},
		{x.ExpandDims(3), "axis 3 is out of bounds"},
		{array.Concatenate([]*array.Array{x, x.T()}, 0), "array 1 has shape [10 6], array 0 has [6 10]"},
		{array.Concatenate(nil, 0), "at least one"},
		{array.Stack([]*array.Array{x, x.Slice(array.S(0, 5))}, 0), "array 1 has shape [5 10]"},
	} {
		if err := c.a.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want one mentioning %q", i, err, c.want)
		}
	}
	// Transpose plans with unknown sizes
	if _, err := m.Transpose().Graph(); err != nil {
		t.Fatalf("transpose of unknown chunks: %v", err)
	}
}

func TestUnknownChunks(t *testing.T) {
	ctx := context.Background()
	x := array.FromSlice(seq(60), []int{6, 10}, array.Chunks(4, 3))
	sel := x.Mask(x.Gt(44)) // 15 values, 45..59
	if sel.KnownChunks() || sel.Shape()[0] != array.Unknown {
		t.Fatalf("masked array: shape %v chunks %v", sel.Shape(), sel.Chunks())
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		got, err := sel.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape, []int{15}) || got.Data[0] != 45 || got.Data[14] != 59 {
			t.Fatalf("masked values %v", got)
		}
		k, err := sel.ComputeChunkSizes(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range k.Chunks()[0] {
			sum += c
		}
		if !k.KnownChunks() || sum != 15 || len(k.Chunks()[0]) != len(sel.Chunks()[0]) {
			t.Fatalf("computed chunks %v", k.Chunks())
		}
		s, err := k.Mul(2).Sum().Compute(ctx, opt)
		if err != nil || s.Data[0] != 2*(45+59)*15/2 {
			t.Fatalf("sum after ComputeChunkSizes: %v %v", s, err)
		}
		// transpose and MapBlocks keep unknown sizes
		tt, err := x.Compress(x.Slice(array.All(), array.S(0, 1)).Reshape(6).Gt(20), 0).T().MapBlocks(doubleBlock).Compute(ctx, opt)
		if err != nil || !slices.Equal(tt.Shape, []int{10, 3}) || tt.At(0, 0) != 60 || tt.At(9, 2) != 2*59 {
			t.Fatalf("transposed compress: %v %v", tt, err)
		}
		p, err := sel.Persist(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := p.Compute(ctx, opt); err != nil || got.Shape[0] != 15 {
			t.Fatalf("persisted masked array: %v %v", got, err)
		}
	})
	if k, err := x.ComputeChunkSizes(ctx); err != nil || k != x {
		t.Fatalf("ComputeChunkSizes of known chunks: %v %v", k, err)
	}
}

func TestReshapeChunks(t *testing.T) {
	// Dask's reshape_rechunk: axes of unchanged length keep their chunks, merged axes
	// are whole but the first, whose chunks are split (expand_tuple) to keep block
	// sizes, and a split axis is cut at multiples of the trailing output axes
	x := array.FromSlice(seq(24*10), []int{4, 6, 10}, array.Chunks(2, 3, 5))
	for _, c := range []struct {
		shape []int
		want  [][]int
	}{
		{[]int{24, 10}, [][]int{{6, 6, 6, 6}, {5, 5}}},
		{[]int{4, 60}, [][]int{{2, 2}, {10, 20, 10, 20}}},
		{[]int{2, 2, 6, 10}, [][]int{{1, 1}, {2}, {3, 3}, {5, 5}}},
		{[]int{4, 6, 2, 5}, [][]int{{2, 2}, {3, 3}, {1, 1}, {5}}},
	} {
		r := x.Reshape(c.shape...)
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if got := r.Chunks(); !slices.EqualFunc(got, c.want, func(a, b []int) bool { return slices.Equal(a, b) }) {
			t.Errorf("reshape %v: chunks %v, want %v", c.shape, got, c.want)
		}
	}
}
