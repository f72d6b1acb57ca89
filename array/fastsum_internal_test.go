package array

import (
	"math/rand/v2"
	"testing"
)

// The fast sum loops give exactly the general path's sums (same order, same
// arithmetic), for every chain they cover, over blocks that end mid-tile.
func TestChainSumMatchesGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c := func(v float64) Expr { return Expr{Op: "const", Val: v} }
	x := Expr{Op: "in"}
	bin := func(op string, a, b Expr) Expr { return Expr{Op: op, Args: []Expr{a, b}} }
	exprs := []Expr{
		x,
		bin("add", x, c(1.5)), bin("mul", x, c(3)), bin("sub", x, c(0.25)), bin("div", x, c(7)),
		bin("mul", bin("add", x, c(1)), c(2)), bin("add", bin("mul", x, c(1.1)), c(2)),
		bin("div", bin("sub", x, c(0.3)), c(3)), bin("sub", bin("mul", x, c(3)), c(0.7)),
	}
	for _, n := range []int{0, 3, 1024, 2500, 4099} {
		d := newDense(Float64, []int{n})
		for i := range d.Data {
			d.Data[i] = r.NormFloat64() * 1e3
		}
		for _, e := range exprs {
			spec := ewSpec{Expr: e, Shape: []int{n}, Views: []View{{Start: []int{0}, Bcast: []bool{false}}}}
			steps, data, _, ok := wholeChain(&spec, []*Dense{d})
			if !ok {
				t.Fatalf("%s: not a whole chain", e)
			}
			got, ok := chainSum(steps, data)
			if !ok {
				t.Fatalf("%s: no fast loop", e)
			}
			rs := redSpec{Op: "sum", Reduce: []bool{true}}
			p := rs.newPartial([]int{1})
			if err := evalBlock(&spec, []*Dense{d}, false, func(_ int, vals []float64) {
				rs.accumulate(p, 0, 0, vals, 0, 0)
			}); err != nil {
				t.Fatal(err)
			}
			if got != p.A[0] {
				t.Fatalf("%s over %d values: fast %v, general %v", e, n, got, p.A[0])
			}
		}
	}
}
