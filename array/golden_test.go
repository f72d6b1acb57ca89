package array_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
	"github.com/gask-dev/gask/internal/schedtest"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
)

func TestMain(m *testing.M) { schedtest.Main(m) }

var schedulers = schedtest.All()

func eachScheduler(t *testing.T, f func(t *testing.T, opt gask.Option)) { eachOf(t, schedulers, f) }

// eachLocal runs f on the in-process schedulers, for what cannot leave the process by
// design (closures).
func eachLocal(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	eachOf(t, schedtest.Local(), f)
}

func eachOf(t *testing.T, scheds []sched.Scheduler, f func(t *testing.T, opt gask.Option)) {
	for _, s := range scheds {
		t.Run(s.String(), func(t *testing.T) { f(t, gask.WithScheduler(s)) })
	}
}

// onProcs is the option computing on the subprocess scheduler of the matrix.
var onProcs = gask.WithScheduler(schedtest.Procs)

// checkUnshippable checks that the subprocess scheduler refuses a, which runs the
// closure labelled label, with an UnshippableError naming the task and the closure.
func checkUnshippable(t *testing.T, a *array.Array, label string) {
	t.Helper()
	_, err := a.Compute(context.Background(), onProcs)
	checkRefused(t, err, label)
}

// checkRefused checks that err is the subprocess scheduler's refusal of a task running
// the closure labelled label.
func checkRefused(t *testing.T, err error, label string) {
	t.Helper()
	var ue *procs.UnshippableError
	if !errors.As(err, &ue) || ue.Key == "" || !strings.Contains(ue.Func, label) ||
		!strings.Contains(err.Error(), string(ue.Key)) || !strings.Contains(err.Error(), "closure") {
		t.Fatalf("procs ran (or refused unclearly) a closure %s: %v", label, err)
	}
}

func squareBlock(_ context.Context, b *array.Dense) (*array.Dense, error) {
	out, err := array.NewDense(make([]float64, b.Size()), b.Shape...)
	if err != nil {
		return nil, err
	}
	c := b.Contiguous()
	for i, v := range c.Data {
		out.Data[i] = v * v
	}
	return out, nil
}

func init() { gask.Register("array_test.squareBlock", squareBlock) }

type packed struct {
	Shape []int `json:"shape"`
	Data  []any `json:"data"`
}

func (p packed) values(t *testing.T) []float64 {
	out := make([]float64, len(p.Data))
	for i, v := range p.Data {
		switch x := v.(type) {
		case float64:
			out[i] = x
		case string:
			switch x {
			case "nan":
				out[i] = math.NaN()
			case "inf":
				out[i] = math.Inf(1)
			case "-inf":
				out[i] = math.Inf(-1)
			default:
				t.Fatalf("bad golden value %q", x)
			}
		default:
			t.Fatalf("bad golden value %v", v)
		}
	}
	return out
}

type goldens struct {
	Inputs map[string]packed `json:"inputs"`
	Cases  map[string]packed `json:"cases"`
}

// readJSON decodes the JSON file at path (a golden file under testdata/array) into a T.
func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	var v T
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func loadGoldens(t *testing.T) goldens { return readJSON[goldens](t, "../testdata/array/goldens.json") }

// chunking variant v of an axis of length n: 0 blocks of 3, 1 irregular with an empty
// block, 2 the whole axis.
func chunkAxis(n, v int) []int {
	switch v {
	case 0:
		var out []int
		for left := n; left > 0; left -= 3 {
			out = append(out, min(3, left))
		}
		if n == 0 {
			out = []int{0}
		}
		return out
	case 1:
		if n == 0 {
			return []int{0}
		}
		out := []int{min(2, n), 0}
		for left := n - min(2, n); left > 0; left -= 4 {
			out = append(out, min(4, left))
		}
		return out
	}
	return []int{n}
}

func chunksFor(shape []int, v int) array.ChunkSpec {
	cs := make([][]int, len(shape))
	for ax, n := range shape {
		cs[ax] = chunkAxis(n, v)
	}
	return array.ChunksOf(cs)
}

type inputFn func(name string) *array.Array

var goldenCases = map[string]func(in inputFn) *array.Array{
	"add_scalar":  func(in inputFn) *array.Array { return in("x").Add(1) },
	"chain":       func(in inputFn) *array.Array { return in("x").Add(1).Mul(2) },
	"chain_sum":   func(in inputFn) *array.Array { return in("x").Add(1).Mul(2).Sum() },
	"sub_div":     func(in inputFn) *array.Array { return in("x").Sub(in("y")).Div(in("y")) },
	"scalar_left": func(in inputFn) *array.Array { return array.Sub(1, in("x")).Div(2) },
	"rdiv":        func(in inputFn) *array.Array { return array.Div(2, in("y")).Add(1) },
	"chain3":      func(in inputFn) *array.Array { return in("x").Mul(3).Sub(1).Div(2).Add(5) },
	"subdiv":      func(in inputFn) *array.Array { return in("x").Sub(1).Div(4) },
	"mulsub":      func(in inputFn) *array.Array { return in("x").Mul(2).Sub(3) },
	"rpow":        func(in inputFn) *array.Array { return array.Pow(2, in("x")) },
	"pow":         func(in inputFn) *array.Array { return in("y").Pow(in("x")) },
	"pow_scalar":  func(in inputFn) *array.Array { return in("x").Pow(2) },
	"neg_abs":     func(in inputFn) *array.Array { return in("x").Neg().Abs() },
	"exp":         func(in inputFn) *array.Array { return in("x").Exp() },
	"log":         func(in inputFn) *array.Array { return in("y").Log() },
	"log_neg":     func(in inputFn) *array.Array { return in("x").Log() },
	"sqrt":        func(in inputFn) *array.Array { return in("y").Sqrt() },
	"trig":        func(in inputFn) *array.Array { return in("x").Sin().Add(in("y").Cos().Mul(in("x").Tan())) },
	"arctan_tanh": func(in inputFn) *array.Array { return in("x").Arctan().Sub(in("y").Tanh()) },
	"maximum":     func(in inputFn) *array.Array { return array.Maximum(in("x"), in("xn")) },
	"minimum":     func(in inputFn) *array.Array { return array.Minimum(in("x"), in("y")) },
	"lt":          func(in inputFn) *array.Array { return in("x").Lt(in("y")) },
	"ge_nan":      func(in inputFn) *array.Array { return in("xn").Ge(0) },
	"eq":          func(in inputFn) *array.Array { return in("x").Eq(in("x")) },
	"where":       func(in inputFn) *array.Array { return array.Where(in("x").Gt(0), in("x"), in("y")) },
	"clip":        func(in inputFn) *array.Array { return in("xn").Clip(-0.5, 0.5) },
	"div_zero":    func(in inputFn) *array.Array { return in("x").Div(in("m").Sub(in("m"))) },
	"bcast_row":   func(in inputFn) *array.Array { return in("x").Add(in("row")) },
	"bcast_col":   func(in inputFn) *array.Array { return in("x").Mul(in("col")) },
	"bcast_vec":   func(in inputFn) *array.Array { return in("x").Sub(in("vec")) },
	"bcast_outer": func(in inputFn) *array.Array { return in("col").Add(in("row")) },
	"bcast_3d":    func(in inputFn) *array.Array { return in("t").Add(in("t").Slice(array.S(0, 1))) },
	"slice_basic": func(in inputFn) *array.Array { return in("x").Slice(array.S(1, 6), array.S(2, 9)) },
	"slice_step": func(in inputFn) *array.Array {
		return in("x").Slice(array.S3(array.Open, array.Open, 2), array.S3(1, array.Open, 3))
	},
	"slice_neg": func(in inputFn) *array.Array {
		return in("x").Slice(array.S3(array.Open, array.Open, -1), array.S3(-2, -9, -2))
	},
	"slice_empty": func(in inputFn) *array.Array { return in("x").Slice(array.S(5, 2)) },
	"slice_sum": func(in inputFn) *array.Array {
		return in("x").Slice(array.S(1, array.Open), array.S3(0, array.Open, 2)).Sum(array.Axis(0))
	},
	"transpose":       func(in inputFn) *array.Array { return in("x").T() },
	"t_transpose":     func(in inputFn) *array.Array { return in("t").Transpose(1, 2, 0) },
	"transpose_fused": func(in inputFn) *array.Array { return in("x").T().Mul(2).Sum(array.Axis(1)) },
	"rechunk":         func(in inputFn) *array.Array { return in("x").Rechunk(array.ChunksOf([][]int{{4, 0, 3}, {1, 5, 5}})) },
	"rechunk_t":       func(in inputFn) *array.Array { return in("t").Rechunk(array.Chunks(3, -1, 4)) },
	"map_blocks": func(in inputFn) *array.Array {
		return in("x").MapBlocks(squareBlock)
	},

	"sum":           func(in inputFn) *array.Array { return in("x").Sum() },
	"sum_0":         func(in inputFn) *array.Array { return in("x").Sum(array.Axis(0)) },
	"sum_1":         func(in inputFn) *array.Array { return in("x").Sum(array.Axis(1), array.SplitEvery(2)) },
	"sum_keep":      func(in inputFn) *array.Array { return in("x").Sum(array.Axis(1), array.KeepDims()) },
	"mean_0":        func(in inputFn) *array.Array { return in("x").Mean(array.Axis(0)) },
	"mean":          func(in inputFn) *array.Array { return in("x").Mean(array.SplitEvery(3)) },
	"std":           func(in inputFn) *array.Array { return in("x").Std() },
	"var_1":         func(in inputFn) *array.Array { return in("x").Var(array.Axis(1)) },
	"std_ddof":      func(in inputFn) *array.Array { return in("x").Std(array.Axis(0), array.DDOF(1)) },
	"min_1":         func(in inputFn) *array.Array { return in("x").Min(array.Axis(1)) },
	"max":           func(in inputFn) *array.Array { return in("x").Max() },
	"prod_0":        func(in inputFn) *array.Array { return in("y").Prod(array.Axis(0)) },
	"argmin":        func(in inputFn) *array.Array { return in("x").Argmin(array.SplitEvery(2)) },
	"argmax_0":      func(in inputFn) *array.Array { return in("x").Argmax(array.Axis(0)) },
	"argmin_1":      func(in inputFn) *array.Array { return in("x").Argmin(array.Axis(1), array.SplitEvery(2)) },
	"ties_argmin_1": func(in inputFn) *array.Array { return in("ties").Argmin(array.Axis(1), array.SplitEvery(2)) },
	"ties_argmax_0": func(in inputFn) *array.Array { return in("ties").Argmax(array.Axis(0), array.SplitEvery(2)) },
	"any_1":         func(in inputFn) *array.Array { return in("m").Any(array.Axis(1)) },
	"all_1":         func(in inputFn) *array.Array { return in("m").All(array.Axis(1)) },
	"all":           func(in inputFn) *array.Array { return in("m").All() },
	"t_sum_02":      func(in inputFn) *array.Array { return in("t").Sum(array.Axis(0, 2), array.SplitEvery(2)) },
	"t_mean_1":      func(in inputFn) *array.Array { return in("t").Mean(array.Axis(1)) },
	"t_max_neg1":    func(in inputFn) *array.Array { return in("t").Max(array.Axis(-1)) },
	"t_argmax":      func(in inputFn) *array.Array { return in("t").Argmax(array.SplitEvery(2)) },
	"t_argmin_2":    func(in inputFn) *array.Array { return in("t").Argmin(array.Axis(2)) },
	"fused_reduce": func(in inputFn) *array.Array {
		return in("x").Exp().Mul(in("y")).Sub(1).Sum(array.Axis(0))
	},
	"nan_sum":     func(in inputFn) *array.Array { return in("xn").Sum(array.Axis(1)) },
	"nan_max":     func(in inputFn) *array.Array { return in("xn").Max(array.Axis(0), array.SplitEvery(2)) },
	"nansum_1":    func(in inputFn) *array.Array { return in("xn").NanSum(array.Axis(1)) },
	"nansum":      func(in inputFn) *array.Array { return in("xn").NanSum() },
	"nanmean_1":   func(in inputFn) *array.Array { return in("xn").NanMean(array.Axis(1)) },
	"nanmean_0":   func(in inputFn) *array.Array { return in("xn").NanMean(array.Axis(0)) },
	"nanstd_0":    func(in inputFn) *array.Array { return in("xn").NanStd(array.Axis(0), array.SplitEvery(2)) },
	"nanvar":      func(in inputFn) *array.Array { return in("xn").NanVar() },
	"nanmin_1":    func(in inputFn) *array.Array { return in("xn").NanMin(array.Axis(1)) },
	"nanmax_0":    func(in inputFn) *array.Array { return in("xn").NanMax(array.Axis(0)) },
	"nanprod_0":   func(in inputFn) *array.Array { return in("xn").NanProd(array.Axis(0)) },
	"nanargmax_0": func(in inputFn) *array.Array { return in("xn").NanArgmax(array.Axis(0), array.SplitEvery(2)) },
	"nanargmin":   func(in inputFn) *array.Array { return in("xn").NanArgmin(array.SplitEvery(2)) },
	"argmin_nan_1": func(in inputFn) *array.Array {
		return in("xn").Argmin(array.Axis(1), array.SplitEvery(2))
	},
	"any_nan":      func(in inputFn) *array.Array { return in("xn").IsNaN().Any(array.Axis(0)) },
	"e_sum_0":      func(in inputFn) *array.Array { return in("e").Sum(array.Axis(0)) },
	"e_sum_1":      func(in inputFn) *array.Array { return in("e").Sum(array.Axis(1)) },
	"e_mean_0":     func(in inputFn) *array.Array { return in("e").Mean(array.Axis(0)) },
	"e_add":        func(in inputFn) *array.Array { return in("e").Add(1) },
	"e_sum":        func(in inputFn) *array.Array { return in("e").Sum() },
	"cumsum_0":     func(in inputFn) *array.Array { return in("x").CumSum(0) },
	"cumsum_1":     func(in inputFn) *array.Array { return in("x").CumSum(-1) },
	"cumsum_chain": func(in inputFn) *array.Array { return in("x").Mul(2).Add(1).CumSum(1) },
	"t_cumsum_1":   func(in inputFn) *array.Array { return in("t").CumSum(1) },
	"cumsum_nan":   func(in inputFn) *array.Array { return in("xn").CumSum(0) },

	"arange":         func(in inputFn) *array.Array { return array.Arange(0.1, 3.3, 0.2, array.Chunks(4)) },
	"arange_neg":     func(in inputFn) *array.Array { return array.Arange(10, -3, -1.5, array.Chunks(2)) },
	"linspace":       func(in inputFn) *array.Array { return array.Linspace(-1, 2, 13, true, array.Chunks(5)) },
	"linspace_noend": func(in inputFn) *array.Array { return array.Linspace(0, 1, 10, false, array.Chunks(3)) },
	"eye":            func(in inputFn) *array.Array { return array.Eye(7, 9, 2, array.Chunks(3, 4)) },
	"eye_neg":        func(in inputFn) *array.Array { return array.Eye(6, 6, -1, array.ChunksOf([][]int{{1, 5}, {4, 2}})) },
	"full":           func(in inputFn) *array.Array { return array.Full([]int{3, 4}, 2.5, array.Chunks(2)) },
}

// closeTo compares a result with NumPy's: same NaNs and infinities, values within a
// relative 1e-10 (partial sums are added in another order than NumPy's pairwise sum).
func closeTo(got, want float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= 1e-10*math.Max(1, math.Abs(want))
}

func checkDense(t *testing.T, got *array.Dense, shape []int, want []float64) {
	t.Helper()
	if !slices.Equal(got.Shape, shape) && !(len(got.Shape) == 0 && len(shape) == 0) {
		t.Fatalf("shape %v, want %v", got.Shape, shape)
	}
	c := got.Contiguous()
	if len(c.Data) != len(want) {
		t.Fatalf("%d values, want %d", len(c.Data), len(want))
	}
	for i := range want {
		if !closeTo(c.Data[i], want[i]) {
			t.Fatalf("value %d is %v, want %v\ngot  %v\nwant %v", i, c.Data[i], want[i], c.Data, want)
		}
	}
}

func TestGoldens(t *testing.T) {
	runGoldens(t, loadGoldens(t), goldenCases, "make_goldens.py")
}

// runGoldens computes every case on three chunkings (the second operand chunked
// differently) and both schedulers and compares it with NumPy's result (made by the
// script under testdata/array): the planned shape when the chunks are known, the
// values, and — when they are not — the same after ComputeChunkSizes.
func runGoldens(t *testing.T, g goldens, cases map[string]func(in inputFn) *array.Array, script string) {
	for name := range g.Cases {
		if _, ok := cases[name]; !ok {
			t.Errorf("golden %q has no Go case", name)
		}
	}
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	slices.Sort(names)
	ctx := context.Background()
	for _, name := range names {
		build := cases[name]
		want, ok := g.Cases[name]
		if !ok {
			t.Errorf("case %q has no golden; run testdata/array/%s", name, script)
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

func ExampleArray() {
	ctx := context.Background()
	x := array.Arange(0, 12, 1, array.Chunks(5)) // 0..11 in blocks of 5
	y := x.Add(1).Mul(2)                         // fused: one task per block
	s, err := y.Sum().Compute(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Data[0])
	m, _ := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, array.Chunks(1, 2)).
		Mean(array.Axis(0)).Compute(ctx)
	fmt.Println(m.Shape, m.Data)
	// Output:
	// 156
	// [3] [2.5 3.5 4.5]
}
