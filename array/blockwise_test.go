package array_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

func newLike(shape ...int) *array.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	d, _ := array.NewDense(make([]float64, n), shape...)
	return d
}

// addTransposed is a + b.T for 2-d blocks.
func addTransposed(_ context.Context, bs []*array.Dense) (*array.Dense, error) {
	a, b := bs[0], bs[1]
	out := newLike(a.Shape...)
	for i := range a.Shape[0] {
		for j := range a.Shape[1] {
			out.Data[i*a.Shape[1]+j] = a.At(i, j) + b.At(j, i)
		}
	}
	return out, nil
}

func matmulBlocks(_ context.Context, bs []*array.Dense) (*array.Dense, error) {
	a, b := bs[0], bs[1]
	n, k, m := a.Shape[0], a.Shape[1], b.Shape[1]
	out := newLike(n, m)
	for i := range n {
		for j := range m {
			s := 0.0
			for l := range k {
				s += a.At(i, l) * b.At(l, j)
			}
			out.Data[i*m+j] = s
		}
	}
	return out, nil
}

func wrongShapeBlocks(context.Context, []*array.Dense) (*array.Dense, error) { return newLike(1), nil }

func outerBlocks(_ context.Context, bs []*array.Dense) (*array.Dense, error) {
	u, v := bs[0], bs[1]
	out := newLike(u.Shape[0], v.Shape[0])
	for i := range u.Shape[0] {
		for j := range v.Shape[0] {
			out.Data[i*v.Shape[0]+j] = u.At(i) * v.At(j)
		}
	}
	return out, nil
}

func rowSumBlocks(_ context.Context, bs []*array.Dense) (*array.Dense, error) {
	x := bs[0]
	out := newLike(x.Shape[0])
	for i := range x.Shape[0] {
		for j := range x.Shape[1] {
			out.Data[i] += x.At(i, j)
		}
	}
	return out, nil
}

// stencil is a weighted sum over the (2*d0+1) x (2*d1+1) window of each element,
// within the block only (zero outside), with asymmetric weights so that mirrored or
// shifted neighbours would show.
func stencil(d0, d1 int, b *array.Dense) (*array.Dense, error) {
	r, c := b.Shape[0], b.Shape[1]
	out := newLike(r, c)
	for i := range r {
		for j := range c {
			s := 0.0
			for a := 0; a <= 2*d0; a++ {
				for k := 0; k <= 2*d1; k++ {
					ii, jj := i+a-d0, j+k-d1
					if ii < 0 || ii >= r || jj < 0 || jj >= c {
						continue
					}
					s += float64(a*(2*d1+1)+k+1) / 10 * b.At(ii, jj)
				}
			}
			out.Data[i*c+j] = s
		}
	}
	return out, nil
}

// The stencils of the cases, one registered function each (a closure over d0 and d1
// could not leave the process).
func stencil11(_ context.Context, b *array.Dense) (*array.Dense, error) { return stencil(1, 1, b) }
func stencil21(_ context.Context, b *array.Dense) (*array.Dense, error) { return stencil(2, 1, b) }
func stencil12(_ context.Context, b *array.Dense) (*array.Dense, error) { return stencil(1, 2, b) }
func stencil10(_ context.Context, b *array.Dense) (*array.Dense, error) { return stencil(1, 0, b) }
func stencil02(_ context.Context, b *array.Dense) (*array.Dense, error) { return stencil(0, 2, b) }

func init() {
	gask.Register("array_test.addTransposed", addTransposed)
	gask.Register("array_test.matmulBlocks", matmulBlocks)
	gask.Register("array_test.outerBlocks", outerBlocks)
	gask.Register("array_test.wrongShapeBlocks", wrongShapeBlocks)
	gask.Register("array_test.rowSumBlocks", rowSumBlocks)
	gask.Register("array_test.stencil11", stencil11)
	gask.Register("array_test.stencil21", stencil21)
	gask.Register("array_test.stencil12", stencil12)
	gask.Register("array_test.stencil10", stencil10)
	gask.Register("array_test.stencil02", stencil02)
}

func init() {
	structureCases["bw_add_t"] = func(in inputFn) *array.Array {
		return array.Blockwise(addTransposed, "ij", array.In(in("x"), "ij"), array.In(in("y").T(), "ji"))
	}
	structureCases["bw_matmul"] = func(in inputFn) *array.Array {
		return array.Blockwise(matmulBlocks, "ik", array.In(in("x"), "ij"), array.In(in("z"), "jk"))
	}
	structureCases["bw_outer"] = func(in inputFn) *array.Array {
		return array.Blockwise(outerBlocks, "ij", array.In(in("u"), "i"), array.In(in("v"), "j"))
	}
	structureCases["bw_rowsum"] = func(in inputFn) *array.Array {
		return array.Blockwise(rowSumBlocks, "i", array.In(in("x"), "ij"))
	}
	structureCases["overlap_reflect_11"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil11, []int{1}, array.Reflect)
	}
	structureCases["overlap_nearest_21"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil21, []int{2, 1}, array.Nearest)
	}
	structureCases["overlap_periodic_12"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil12, []int{1, 2}, array.Periodic)
	}
	structureCases["overlap_none_11"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil11, []int{1, 1}, array.NoBoundary)
	}
	structureCases["overlap_const_10"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil10, []int{1, 0}, array.Constant(2.5))
	}
	structureCases["overlap_reflect_02"] = func(in inputFn) *array.Array {
		return in("x").MapOverlap(stencil02, []int{0, 2}, array.Reflect)
	}
}

func TestBlockwiseOverlapErrors(t *testing.T) {
	ctx := context.Background()
	x := array.FromSlice(seq(60), []int{6, 10}, array.Chunks(4, 3))
	id := func(_ context.Context, b *array.Dense) (*array.Dense, error) { return b, nil }
	first := func(_ context.Context, bs []*array.Dense) (*array.Dense, error) { return bs[0], nil }
	for i, c := range []struct {
		a    *array.Array
		want string
	}{
		{array.Blockwise(first, "ij", array.In(x, "ij"), array.In(x, "ij"), array.In(x.T(), "ij")), "index 'i' has length 10 in argument 2"},
		{array.Blockwise(first, "ij", array.In(x, "i")), `index "i" for shape [6 10]`},
		{array.Blockwise(first, "ik", array.In(x, "ij")), "output index 'k' of \"ik\" is in no input"},
		{array.Blockwise(first, "ii", array.In(x, "ij")), "repeats"},
		{array.Blockwise(nil, "ij", array.In(x, "ij")), "nil function"},
		{x.MapOverlap(id, []int{7, 0}, array.Reflect), "depth 7 on axis 0 is larger than its length 6"},
		{x.MapOverlap(id, []int{1, 1, 1}, array.Reflect), "depth [1 1 1] for shape [6 10]"},
		{x.MapOverlap(id, []int{1}, array.Boundary{Mode: "mirror"}), `boundary "mirror"`},
		{x.MapOverlap(id, []int{-1}, array.Nearest), "negative depth -1 on axis 0"},
		{x.Mask(x.Gt(3)).MapOverlap(id, []int{1}, array.Nearest), "map_overlap: axis 0"},
	} {
		if err := c.a.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want one mentioning %q", i, err, c.want)
		}
	}
	bad := array.Blockwise(func(context.Context, []*array.Dense) (*array.Dense, error) { return newLike(1), nil }, "ij", array.In(x, "ij"))
	boom := errors.New("boom")
	failing := x.MapOverlap(func(context.Context, *array.Dense) (*array.Dense, error) { return nil, boom }, []int{1}, array.Reflect)
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		if _, err := bad.Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with shape [1], want [4 3]") {
			t.Fatalf("Blockwise returning a wrong shape: %v", err)
		}
		if _, err := failing.Compute(ctx, opt); !errors.Is(err, boom) {
			t.Fatalf("MapOverlap error: %v", err)
		}
		if _, err := x.MapOverlap(func(context.Context, *array.Dense) (*array.Dense, error) { return newLike(1, 1), nil }, []int{1}, array.Reflect).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with shape [1 1], want [") {
			t.Fatalf("MapOverlap returning a wrong shape: %v", err)
		}
	})
	checkUnshippable(t, bad, "array_test.TestBlockwiseOverlapErrors.func")
	checkUnshippable(t, failing, "array_test.TestBlockwiseOverlapErrors.func")
	// registered functions: the same checks wherever the block is computed
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		if _, err := array.Blockwise(wrongShapeBlocks, "ij", array.In(x, "ij")).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with shape [1], want [4 3]") {
			t.Fatalf("Blockwise returning a wrong shape: %v", err)
		}
		if _, err := x.MapOverlap(failingBlock, []int{1}, array.Reflect).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), errBoom.Error()) {
			t.Fatalf("MapOverlap error: %v", err)
		}
		if _, err := x.MapOverlap(wrongShapeBlock, []int{1}, array.Reflect).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with shape [1], want [") {
			t.Fatalf("MapOverlap returning a wrong shape: %v", err)
		}
	})
	// closures stay in process; registered functions ship
	g, _ := array.Blockwise(matmulBlocks, "ik", array.In(x, "ij"), array.In(x.T(), "jk")).Graph()
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("registered Blockwise: %v", err)
	}
	g, _ = array.Blockwise(first, "ij", array.In(x, "ij")).Graph()
	if g.CheckShippable() == nil {
		t.Fatal("a Blockwise closure was reported shippable")
	}
	g, _ = x.MapOverlap(doubleBlock, []int{1}, array.Periodic).Graph()
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("registered MapOverlap: %v", err)
	}
}
