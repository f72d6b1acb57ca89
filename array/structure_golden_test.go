package array_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

// structure goldens: testdata/array/make_structure_goldens.py

func loadStructureGoldens(t *testing.T) goldens {
	t.Helper()
	b, err := os.ReadFile("../testdata/array/structure_goldens.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldens
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func mustKnown(a *array.Array) *array.Array {
	k, err := a.ComputeChunkSizes(context.Background())
	if err != nil {
		return array.Failed(err)
	}
	return k
}

var structureCases = map[string]func(in inputFn) *array.Array{
	"take_0":        func(in inputFn) *array.Array { return in("x").Take([]int{5, -1, 0, 0, 3}, 0) },
	"take_sorted_1": func(in inputFn) *array.Array { return in("x").Take([]int{0, 1, 2, 5, 6, 10}, 1) },
	"take_empty":    func(in inputFn) *array.Array { return in("x").Take(nil, 1) },
	"take_t_neg":    func(in inputFn) *array.Array { return in("t").Take([]int{3, -6, 2, 2}, -1) },
	"take_sum":      func(in inputFn) *array.Array { return in("x").Take([]int{6, 1, 4}, 0).Sum(array.Axis(0)) },

	"compress_0":    func(in inputFn) *array.Array { return in("x").Compress(in("mr").Ne(0), 0) },
	"compress_1":    func(in inputFn) *array.Array { return in("x").Compress(in("mc").Ne(0), 1) },
	"compress_none": func(in inputFn) *array.Array { return in("x").Compress(in("none7").Ne(0), 0) },
	"compress_t": func(in inputFn) *array.Array {
		return in("t").Compress(in("mc").Slice(array.S(0, 5)).Ne(0), 1)
	},
	"mask_full":      func(in inputFn) *array.Array { return in("x").Mask(in("x").Gt(0.3)) },
	"mask_none":      func(in inputFn) *array.Array { return in("x").Mask(in("x").Gt(100)) },
	"mask_rows":      func(in inputFn) *array.Array { return in("x").Mask(in("u").Gt(0)) },
	"mask_sizes_sum": func(in inputFn) *array.Array { return mustKnown(in("x").Mask(in("x").Gt(0))).Sum() },

	"reshape_flat":         func(in inputFn) *array.Array { return in("x").Reshape(77) },
	"reshape_11_7":         func(in inputFn) *array.Array { return in("x").Reshape(11, 7) },
	"reshape_infer":        func(in inputFn) *array.Array { return in("x").Reshape(-1, 7) },
	"reshape_t_20_6":       func(in inputFn) *array.Array { return in("t").Reshape(20, 6) },
	"reshape_t_4_30":       func(in inputFn) *array.Array { return in("t").Reshape(4, 30) },
	"reshape_t_split":      func(in inputFn) *array.Array { return in("t").Reshape(2, 2, 5, 6) },
	"reshape_t_swap":       func(in inputFn) *array.Array { return in("t").Reshape(5, 4, 6) },
	"reshape_t_flat_split": func(in inputFn) *array.Array { return in("t").Reshape(2, 3, 4, 5) },
	"reshape_t_ones":       func(in inputFn) *array.Array { return in("t").Reshape(4, 1, 5, 6, 1) },
	"reshape_e":            func(in inputFn) *array.Array { return in("e").Reshape(5, 0) },
	"reshape_sum":          func(in inputFn) *array.Array { return in("x").Reshape(11, 7).Sum(array.Axis(0)) },

	"squeeze_row": func(in inputFn) *array.Array { return in("row").Squeeze() },
	"squeeze_col": func(in inputFn) *array.Array { return in("col").Squeeze(1) },
	"expand_1":    func(in inputFn) *array.Array { return in("x").ExpandDims(1) },
	"expand_neg":  func(in inputFn) *array.Array { return in("x").ExpandDims(-1) },

	"concat_0": func(in inputFn) *array.Array { return array.Concatenate([]*array.Array{in("x"), in("y")}, 0) },
	"concat_1": func(in inputFn) *array.Array {
		return array.Concatenate([]*array.Array{in("x"), in("y"), in("x")}, 1)
	},
	"concat_empty": func(in inputFn) *array.Array {
		return array.Concatenate([]*array.Array{in("x").Slice(array.All(), array.S(0, 5)), in("e")}, 0)
	},
	"concat_neg": func(in inputFn) *array.Array {
		return array.Concatenate([]*array.Array{in("t"), in("t").Mul(2)}, -1)
	},
	"stack_0":   func(in inputFn) *array.Array { return array.Stack([]*array.Array{in("x"), in("y")}, 0) },
	"stack_neg": func(in inputFn) *array.Array { return array.Stack([]*array.Array{in("x"), in("y"), in("x")}, -1) },
	"stack_sum": func(in inputFn) *array.Array {
		return array.Stack([]*array.Array{in("x"), in("y")}, 1).Sum(array.Axis(1))
	},
}

func TestStructureGoldens(t *testing.T) {
	g := loadStructureGoldens(t)
	for name := range g.Cases {
		if _, ok := structureCases[name]; !ok {
			t.Errorf("golden %q has no Go case", name)
		}
	}
	names := make([]string, 0, len(structureCases))
	for name := range structureCases {
		names = append(names, name)
	}
	slices.Sort(names)
	ctx := context.Background()
	for _, name := range names {
		build := structureCases[name]
		want, ok := g.Cases[name]
		if !ok {
			t.Errorf("case %q has no golden; run testdata/array/make_structure_goldens.py", name)
			continue
		}
		wantVals := want.values(t)
		t.Run(name, func(t *testing.T) {
			for v := 0; v < 3; v++ {
				in := func(n string) *array.Array {
					p, ok := g.Inputs[n]
					if !ok {
						t.Fatalf("no input %q", n)
					}
					cv := v
					if n != "x" {
						cv = (v + 1) % 3 // other operands chunked differently
					}
					return array.FromSlice(p.values(t), p.Shape, chunksFor(p.Shape, cv))
				}
				a := build(in)
				if err := a.Err(); err != nil {
					t.Fatalf("chunking %d: %v", v, err)
				}
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					got, err := a.Compute(ctx, opt)
					if err != nil {
						t.Fatalf("chunking %d: %v", v, err)
					}
					if a.KnownChunks() && !slices.Equal(a.Shape(), want.Shape) && !(len(a.Shape()) == 0 && len(want.Shape) == 0) {
						t.Fatalf("planned shape %v, want %v", a.Shape(), want.Shape)
					}
					checkDense(t, got, want.Shape, wantVals)
					if !a.KnownChunks() {
						k, err := a.ComputeChunkSizes(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(k.Shape(), want.Shape) {
							t.Fatalf("computed chunk sizes give shape %v, want %v", k.Shape(), want.Shape)
						}
						again, err := k.Compute(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						checkDense(t, again, want.Shape, wantVals)
					}
				})
			}
		})
	}
}
