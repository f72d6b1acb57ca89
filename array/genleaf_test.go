package array_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

// Consumers of a random array draw its blocks themselves (no random tasks, no blocks
// in between) and get exactly the values of the materialised blocks.
func TestGeneratedInputsMatchBlocks(t *testing.T) {
	ctx := context.Background()
	shape, chunks := []int{37, 2100}, array.Chunks(10, 1500)
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		r := array.NewRNG(5)
		for _, x := range []*array.Array{
			r.Uniform(-1, 3, shape, chunks), r.Normal(2, 3, shape, chunks), r.Integers(-5, 9, shape, chunks),
		} {
			d, err := x.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			m := array.FromDense(d, chunks)
			cases := map[string]func(a *array.Array) *array.Array{
				"sum":        func(a *array.Array) *array.Array { return a.Sum() },
				"chain sum":  func(a *array.Array) *array.Array { return a.Add(1).Mul(2).Sum() },
				"twice":      func(a *array.Array) *array.Array { return a.Add(a.Mul(3)).Sum(array.Axis(1)) },
				"col mean":   func(a *array.Array) *array.Array { return a.Mean(array.Axis(0)) },
				"var":        func(a *array.Array) *array.Array { return a.Var() },
				"argmax":     func(a *array.Array) *array.Array { return a.Argmax() },
				"exp":        func(a *array.Array) *array.Array { return a.Exp() },
				"cumsum":     func(a *array.Array) *array.Array { return a.CumSum(1) },
				"broadcast":  func(a *array.Array) *array.Array { return a.Sub(a.Mean(array.Axis(0))) },
				"sum direct": func(a *array.Array) *array.Array { return a.Max(array.Axis(1)) },
			}
			for name, f := range cases {
				fx := f(x)
				if n := countFunc(t, fx, "array.random"); n != 0 && name != "broadcast" {
					t.Errorf("%s: %d random tasks", name, n)
				}
				got, err := fx.Compute(ctx, opt)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want, err := f(m).Compute(ctx, opt)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !slices.EqualFunc(got.Data, want.Data, func(a, b float64) bool {
					return a == b || math.IsNaN(a) && math.IsNaN(b)
				}) {
					t.Fatalf("%s: drawn in the consumer %v, from blocks %v", name, got.Data[:min(4, len(got.Data))], want.Data[:min(4, len(want.Data))])
				}
			}
		}
	})
}
