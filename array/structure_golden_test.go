package array_test

import (
	"context"
	"testing"

	"github.com/gask-dev/gask/array"
)

// structure goldens: testdata/array/make_structure_goldens.py

func loadStructureGoldens(t *testing.T) goldens {
	return readJSON[goldens](t, "../testdata/array/structure_goldens.json")
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
	runGoldens(t, loadStructureGoldens(t), structureCases, "make_structure_goldens.py")
}
