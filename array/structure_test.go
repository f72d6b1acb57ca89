package array_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

func doubleBlock(_ context.Context, b *array.Dense) (*array.Dense, error) {
	c := b.Contiguous()
	out, _ := array.NewDense(make([]float64, len(c.Data)), c.Shape...)
	for i, v := range c.Data {
		out.Data[i] = 2 * v
	}
	return out, nil
}

var errBoom = errors.New("boom from a registered block function")

func wrongShapeBlock(context.Context, *array.Dense) (*array.Dense, error) {
	return array.NewDense([]float64{1}, 1)
}

func failingBlock(context.Context, *array.Dense) (*array.Dense, error) { return nil, errBoom }

func init() {
	gask.Register("array_test.double", doubleBlock)
	gask.Register("array_test.wrongShapeBlock", wrongShapeBlock)
	gask.Register("array_test.failingBlock", failingBlock)
}

func TestStructure(t *testing.T) {
	ctx := context.Background()
	x := array.FromSlice(seq(60), []int{6, 10}, array.Chunks(4, 3))
	r := x.Rechunk(array.Chunks(5, 7))
	if got := r.Chunks(); !slices.Equal(got[0], []int{5, 1}) || !slices.Equal(got[1], []int{7, 3}) {
		t.Fatalf("rechunked chunks %v", got)
	}
	if s := x.Slice(array.S(1, 5), array.S3(0, array.Open, 2)); !slices.Equal(s.Chunks()[0], []int{3, 1}) || !slices.Equal(s.Chunks()[1], []int{2, 1, 2}) {
		t.Fatalf("slice chunks %v", s.Chunks())
	}
	for i, c := range []struct {
		a    *array.Array
		want string
	}{
		{x.Slice(array.All(), array.All(), array.All()), "3 ranges"},
		{x.Slice(array.S3(0, 3, 0)), "step cannot be zero"},
		{x.Transpose(0, 0), "not a permutation"},
		{x.Transpose(0), "axes [0]"},
		{x.Rechunk(array.ChunksOf([][]int{{6}, {5, 4}})), "axis 1"},
		{x.MapBlocks(nil), "nil function"},
	} {
		if err := c.a.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want one mentioning %q", i, err, c.want)
		}
	}
	bad := x.MapBlocks(func(_ context.Context, b *array.Dense) (*array.Dense, error) {
		return array.NewDense([]float64{1}, 1)
	})
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		if _, err := bad.Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "shape [1]") {
			t.Fatalf("MapBlocks returning a wrong shape: %v", err)
		}
		boom := errors.New("boom")
		failing := x.MapBlocks(func(context.Context, *array.Dense) (*array.Dense, error) { return nil, boom })
		if _, err := failing.Compute(ctx, opt); !errors.Is(err, boom) {
			t.Fatalf("MapBlocks error: %v", err)
		}
	})
	checkUnshippable(t, bad, "array_test.TestStructure.func")
	// registered functions: the same checks wherever the block is computed
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		if _, err := x.MapBlocks(wrongShapeBlock).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with shape [1], want [4 3]") {
			t.Fatalf("MapBlocks returning a wrong shape: %v", err)
		}
		if _, err := x.MapBlocks(failingBlock).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), errBoom.Error()) {
			t.Fatalf("MapBlocks error: %v", err)
		}
		got, err := x.MapBlocks(doubleBlock).Sum().Compute(ctx, opt)
		if err != nil || got.Data[0] != 2*59*60/2 {
			t.Fatalf("registered MapBlocks sum %v, %v", got, err)
		}
	})
	// a closure cannot leave the process; a registered function can
	g, _ := x.MapBlocks(func(_ context.Context, b *array.Dense) (*array.Dense, error) { return b, nil }).Graph()
	if g.CheckShippable() == nil {
		t.Fatal("a MapBlocks closure was reported shippable")
	}
	g, _ = x.MapBlocks(doubleBlock).Graph()
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("a registered MapBlocks function: %v", err)
	}
}
