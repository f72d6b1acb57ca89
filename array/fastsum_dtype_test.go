package array_test

import (
	"context"
	"testing"

	"github.com/gask-dev/gask/array"
)

// TestFusedSumKeepsDTypes: the fused sum of a scalar chain rounds Float32 steps and
// checks Int64 ranges as the elementwise path does.
func TestFusedSumKeepsDTypes(t *testing.T) {
	ctx := context.Background()
	vals := []float32{0.1, 0.2, 0.3, 1e7, 3.3}
	x := array.FromSlice(vals, []int{5}, array.Chunks(5))
	y := x.Add(0.1).Mul(3)
	s1, err := y.Sum().Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := y.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range d.Data {
		sum += v
	}
	if d.DType != array.Float32 {
		t.Fatalf("dtype %v", d.DType)
	}
	// a Float32 sum is accumulated in float64 and rounded to float32 at the end
	if s1.DType != array.Float32 || s1.Data[0] != float64(float32(sum)) {
		t.Fatalf("fast path %v %v != float32(%v)", s1.DType, s1.Data[0], sum)
	}
	xi := array.FromSlice([]int64{1 << 52, 1 << 52}, []int{2}, array.Chunks(2))
	_, err = xi.Mul(4).Sum().Compute(ctx)
	if err == nil {
		t.Fatal("int64 beyond 2^53 summed without error")
	}
}
