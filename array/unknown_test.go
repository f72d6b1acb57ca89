package array_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

// TestUnknownChunksGoldens: elementwise operations over arrays with unknown chunk
// sizes of the same chunks, and reductions over their unknown axes, against NumPy
// (testdata/array/make_unknown_goldens.py).
func TestUnknownChunksGoldens(t *testing.T) {
	g := readJSON[dtypeGoldens](t, "../testdata/array/unknown_goldens.json")
	in := map[string]*array.Array{}
	for name, p := range g.Inputs {
		in[name] = typedInput(t, p) // blocks of 3
	}
	x, y, i, rows, m := in["x"], in["y"], in["i"], in["rows"], in["m"]
	xr, yr, xm, ym := x.Compress(rows, 0), y.Compress(rows, 0), x.Mask(m), y.Mask(m)
	build := map[string]*array.Array{
		"rows_add":         xr.Add(1),
		"rows_chain":       xr.Mul(2).Sub(yr).Div(3),
		"mask_mul":         xm.Mul(ym),
		"mask_where":       array.Where(xm.Gt(0), xm, ym),
		"mask_sum":         xm.Sum(),
		"mask_chain_sum":   xm.Add(1).Mul(ym).Sum(),
		"mask_mean":        xm.Mean(),
		"mask_max":         xm.Max(),
		"rows_sum_ax0":     xr.Sum(array.Axis(0)),
		"rows_var_ax0":     xr.Var(array.Axis(0)),
		"int_mask_sum":     i.Mask(m).Sum(),
		"int_rows_add_sum": i.Compress(rows, 0).Add(1).Sum(),
	}
	if len(build) != len(g.Cases) {
		t.Fatalf("%d cases built, %d golden", len(build), len(g.Cases))
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		for name, want := range g.Cases {
			a := build[name]
			if a == nil || a.Err() != nil {
				t.Fatalf("%s: %v", name, a.Err())
			}
			if a.DType().String() != want.DType {
				t.Fatalf("%s: dtype %s, want %s", name, a.DType(), want.DType)
			}
			got, err := a.Compute(ctx, opt)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			w := want.values(t)
			if len(got.Data) != len(w) {
				t.Fatalf("%s: shape %v, want %v", name, got.Shape, want.Shape)
			}
			got = got.Contiguous()
			for k := range w {
				if d := math.Abs(got.Data[k] - w[k]); !(d <= 1e-12*math.Max(1, math.Abs(w[k]))) {
					t.Fatalf("%s: element %d is %v, want %v", name, k, got.Data[k], w[k])
				}
			}
		}
	})
	// arrays masked by different masks plan (their chunks look alike) and fail when
	// computed, naming the mismatch
	_, err := xm.Add(x.Mask(m.Not())).Compute(context.Background())
	if err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Fatalf("differently masked operands: %v", err)
	}
}
