package array_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/array"
)

func ExampleArray_Mask() {
	ctx := context.Background()
	x := array.Arange(0, 10, 1, array.Chunks(4))
	big := x.Mask(x.Gt(6)) // sizes unknown until computed
	fmt.Println(big.Chunks(), big.KnownChunks())
	d, _ := big.Compute(ctx)
	fmt.Println(d.Data)
	k, _ := big.ComputeChunkSizes(ctx)
	fmt.Println(k.Chunks())
	// Output:
	// [[-1 -1 -1]] false
	// [7 8 9]
	// [[0 1 2]]
}

func ExampleArray_Reshape() {
	ctx := context.Background()
	x := array.Arange(0, 12, 1, array.Chunks(6))
	m := x.Reshape(-1, 3) // blockwise: each block of 6 becomes a 2x3 block
	fmt.Println(m.Shape(), m.Chunks())
	d, _ := m.Take([]int{3, 0}, 0).Compute(ctx)
	fmt.Println(d.Shape, d.Data)
	// Output:
	// [4 3] [[2 2] [3]]
	// [2 3] [9 10 11 0 1 2]
}

func ExampleConcatenate() {
	ctx := context.Background()
	a := array.Ones([]int{2, 2}, array.Chunks(1))
	b := array.Zeros([]int{1, 2}, array.Chunks(1))
	c := array.Concatenate([]*array.Array{a, b}, 0)
	d, _ := c.Compute(ctx)
	fmt.Println(c.Shape(), c.Chunks(), d.Data)
	s, _ := array.Stack([]*array.Array{a, a}, 0).Sum(array.Axis(0)).Compute(ctx)
	fmt.Println(s.Data)
	// Output:
	// [3 2] [[1 1 1] [1 1]] [1 1 1 1 0 0]
	// [2 2 2 2]
}

func ExampleArray_MapOverlap() {
	ctx := context.Background()
	x := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{6}, array.Chunks(2))
	// a moving sum of three, computed block by block with one neighbour on each side
	sum3 := func(_ context.Context, b *array.Dense) (*array.Dense, error) {
		out, _ := array.NewDense(make([]float64, b.Shape[0]), b.Shape[0])
		for i := 1; i < b.Shape[0]-1; i++ {
			out.Data[i] = b.Data[i-1] + b.Data[i] + b.Data[i+1]
		}
		return out, nil
	}
	d, _ := x.MapOverlap(sum3, []int{1}, array.Nearest).Compute(ctx)
	fmt.Println(d.Data)
	// Output:
	// [4 6 9 12 15 17]
}

func ExampleBlockwise() {
	ctx := context.Background()
	x := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, array.Chunks(1, 2))
	// out_i = sum_j x_ij: j is contracted, so each call sees whole rows
	rowSum := func(_ context.Context, bs []*array.Dense) (*array.Dense, error) {
		b := bs[0]
		out, _ := array.NewDense(make([]float64, b.Shape[0]), b.Shape[0])
		for i := range b.Shape[0] {
			for j := range b.Shape[1] {
				out.Data[i] += b.At(i, j)
			}
		}
		return out, nil
	}
	d, _ := array.Blockwise(rowSum, "i", array.In(x, "ij")).Compute(ctx)
	fmt.Println(d.Data)
	// Output:
	// [6 15]
}
