package array_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/array"
)

func ExampleMatMul() {
	ctx := context.Background()
	a := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, array.Chunks(1, 2))
	b := array.FromSlice([]float64{1, 0, 0, 1, 1, 1}, []int{3, 2}, array.Chunks(2, 1))
	c, err := array.MatMul(a, b).Compute(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Shape, c.Data)
	// Output:
	// [2 2] [4 5 10 11]
}

func ExampleQR() {
	ctx := context.Background()
	// a tall-and-skinny 4x2 array in blocks of 2 rows
	a := array.FromSlice([]float64{3, 0, 4, 0, 0, 2, 0, 0}, []int{4, 2}, array.Chunks(2, -1))
	q, r := array.QR(a)
	rd, err := r.Compute(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(rd.Data) // non-negative diagonal
	back, _ := array.MatMul(q, r).Compute(ctx)
	fmt.Printf("%.6g\n", back.Data)
	// Output:
	// [5 0 0 2]
	// [3 0 4 0 0 2 0 0]
}
