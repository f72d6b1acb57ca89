package array_test

import (
	"context"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

type typedPacked struct {
	packed
	DType string `json:"dtype"`
}

type dtypeGoldens struct {
	Inputs map[string]typedPacked `json:"inputs"`
	Cases  map[string]typedPacked `json:"cases"`
}

func loadDTypeGoldens(t *testing.T) dtypeGoldens {
	return readJSON[dtypeGoldens](t, "../testdata/array/dtype_goldens.json")
}

// typedInput makes a golden input with its dtype, through FromSlice of the matching Go
// slice type, in blocks of 3 along every axis.
func typedInput(t *testing.T, p typedPacked) *array.Array {
	t.Helper()
	vals := p.values(t)
	chunks := array.Chunks(3)
	switch p.DType {
	case "float32":
		s := make([]float32, len(vals))
		for i, v := range vals {
			s[i] = float32(v)
		}
		return array.FromSlice(s, p.Shape, chunks)
	case "int64":
		s := make([]int64, len(vals))
		for i, v := range vals {
			s[i] = int64(v)
		}
		return array.FromSlice(s, p.Shape, chunks)
	case "bool":
		s := make([]bool, len(vals))
		for i, v := range vals {
			s[i] = v != 0
		}
		return array.FromSlice(s, p.Shape, chunks)
	}
	return array.FromSlice(vals, p.Shape, chunks)
}

func TestDTypeGoldens(t *testing.T) {
	g := loadDTypeGoldens(t)
	in := map[string]*array.Array{}
	for name, p := range g.Inputs {
		in[name] = typedInput(t, p)
		if got := in[name].DType().String(); got != p.DType {
			t.Fatalf("input %s: dtype %s, want %s", name, got, p.DType)
		}
	}
	a32, b32, x64, i64, mask := in["a32"], in["b32"], in["x64"], in["i64"], in["mask"]
	build := map[string]*array.Array{
		"edge_f32":  in["edge"].Astype(array.Float32),
		"edge_bool": in["edge"].Astype(array.Bool),
		"fin53_i64": in["fin53"].Astype(array.Int64),
		"ints_f32":  in["ints"].Astype(array.Float32),
		"ints_f64":  in["ints"].Astype(array.Float64),
		"ints_bool": in["ints"].Astype(array.Bool),
		"bools_f32": in["bools"].Astype(array.Float32),
		"bools_i64": in["bools"].Astype(array.Int64),
		"bools_f64": in["bools"].Astype(array.Float64),
		"a32_f64":   a32.Astype(array.Float64),
		"a32_i64":   a32.Astype(array.Int64),
		"chain_i64": x64.Add(1).Mul(10).Astype(array.Int64).Mul(2),
		"chain_f32": x64.Mul(3).Astype(array.Float32).Add(float32(1)),

		"f32_add":        a32.Add(b32),
		"f32_chain":      a32.Add(0.1).Mul(3).Sub(b32.Div(7)),
		"f32_div":        a32.Div(b32),
		"f32_rsub":       array.Sub(1, a32),
		"f32_sqrt":       b32.Sqrt(),
		"f32_neg_abs":    a32.Abs().Neg(),
		"f32_floor":      a32.Mul(10).Floor(),
		"f32_max":        array.Maximum(a32, b32),
		"f32_min_scalar": array.Minimum(a32, 0.3),
		"f32_clip":       a32.Clip(-0.5, 0.5),
		"f32_where":      array.Where(a32.Gt(0), a32, 0.1),
		"f32_gt":         a32.Gt(0.1),
		"f32_eq":         a32.Eq(0.1),
		"f32_bool_add":   a32.Add(mask),
		"f32_f64_add":    a32.Add(x64),
		"f32_i64_add":    a32.Add(i64),

		"where_i64":         array.Where(mask, i64, i64.Neg().Astype(array.Int64)),
		"where_int_scalars": array.Where(mask, 1, 0),
		"where_bool":        array.Where(mask, mask, true),
		"where_i64_float":   array.Where(mask, i64, 2.5),
		"max_i64":           array.Maximum(i64, 3),
		"max_bool":          array.Maximum(mask, mask.Not()),

		"zeros_i64":       array.Zeros([]int{4, 5}, array.Chunks(3), array.Int64),
		"ones_bool":       array.Ones([]int{3, 4}, array.Chunks(2), array.Bool),
		"ones_f32":        array.Ones([]int{5}, array.Chunks(2), array.Float32),
		"full_i64":        array.Full([]int{3, 3}, 2.7, array.Chunks(2), array.Int64),
		"full_i64_neg":    array.Full([]int{3}, -2.7, array.Chunks(2), array.Int64),
		"full_f32":        array.Full([]int{2, 5}, 0.1, array.Chunks(2), array.Float32),
		"full_bool":       array.Full([]int{4}, 3, array.Chunks(3), array.Bool),
		"arange_i64":      array.Arange(0.5, 5, 1.5, array.Chunks(2), array.Int64),
		"arange_i64_neg":  array.Arange(-2.5, 5, 1.7, array.Chunks(2), array.Int64),
		"arange_i64_int":  array.Arange(-3, 17, 2, array.Chunks(4), array.Int64),
		"arange_f32":      array.Arange(0, 1, 0.1, array.Chunks(3), array.Float32),
		"arange_f32_long": array.Arange(-5, 40, 0.3, array.Chunks(7), array.Float32),
	}
	for name := range g.Cases {
		if build[name] == nil {
			t.Fatalf("golden case %s has no Go counterpart", name)
		}
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		for name, want := range g.Cases {
			a := build[name]
			if a.Err() != nil {
				t.Fatalf("%s: %v", name, a.Err())
			}
			if a.DType().String() != want.DType {
				t.Fatalf("%s: dtype %s, want NumPy's %s", name, a.DType(), want.DType)
			}
			got, err := a.Compute(ctx, opt)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.DType.String() != want.DType {
				t.Fatalf("%s: computed dtype %s, want %s", name, got.DType, want.DType)
			}
			sameBits(t, name, got, want.Shape, want.values(t))
		}
	})
}
