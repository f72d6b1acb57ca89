package array_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
)

// TestAstypeErrors: NaN, ±Inf and values beyond ±2^53 never become Int64 silently;
// the error names the value, fused or not.
func TestAstypeErrors(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		for _, c := range []struct {
			a    *array.Array
			want string
		}{
			{array.FromSlice([]float64{1, math.NaN(), 3}, []int{3}, array.Chunks(2)).Astype(array.Int64), "array: astype int64: cannot convert NaN to int64"},
			{array.FromSlice([]float64{1, 2, math.Inf(-1)}, []int{3}, array.Chunks(2)).Add(1).Astype(array.Int64).Mul(2), "array: astype int64: cannot convert -Inf to int64"},
			{array.FromSlice([]float64{math.Ldexp(1, 60)}, []int{1}, array.Chunks(1)).Astype(array.Int64), "cannot convert 1.152921504606847e+18 to int64 exactly"},
			{array.FromSlice([]int64{1 << 52}, []int{1}, array.Chunks(1)).Mul(4), "cannot convert 1.8014398509481984e+16 to int64 exactly"},
		} {
			_, err := c.a.Compute(ctx, opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		}
	})
	for _, c := range []struct {
		a    *array.Array
		want string
	}{
		{array.FromSlice([]int64{1, 1<<53 + 1}, []int{2}, array.Chunks(1)), "array: int64 value 9007199254740993 (index 1) is beyond ±2^53"},
		{array.Full([]int{2}, math.NaN(), array.Chunks(1), array.Int64), "array: full: cannot convert NaN to int64"},
		{array.Arange(0, 3, 1, array.Chunks(1), array.Bool), "array: arange(0, 3, 1) of bool is not supported"},
		{array.Zeros([]int{2}, array.Chunks(1), array.Int64, array.Bool), "array: full: 2 dtypes given"},
		{array.Zeros([]int{2}, array.Chunks(1)).Astype(array.DType(9)), "array: astype to unknown dtype(9)"},
	} {
		if err := c.a.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("error %v, want %q", err, c.want)
		}
	}
	if _, err := array.ParseDType("int32"); err == nil || !strings.Contains(err.Error(), `unknown dtype "int32"`) {
		t.Fatal(err)
	}
	if d, err := array.ParseDType("float32"); err != nil || d != array.Float32 {
		t.Fatal(d, err)
	}
}

// TestAstypeFuses: a cast is a step of the elementwise expression, one task per block.
func TestAstypeFuses(t *testing.T) {
	x := array.Arange(0, 10, 1, array.Chunks(5))
	y := x.Add(0.7).Astype(array.Int64).Mul(3).Astype(array.Float32)
	if n := strings.Count(y.Explain(), "\n"); n != 2 {
		t.Fatalf("Astype did not fuse:\n%s", y.Explain())
	}
	if !strings.Contains(y.Explain(), "cast_i64") || y.DType() != array.Float32 {
		t.Fatalf("%s %s", y.Explain(), y.DType())
	}
	if same := x.Astype(array.Float64); same != x {
		t.Fatal("Astype to the same dtype should return the array")
	}
}

// TestDTypeStoreRoundTrip: every dtype is written as itself (<f8, <f4, <i8, |b1) to
// .npy and Zarr and read back with its dtype and values.
func TestDTypeStoreRoundTrip(t *testing.T) {
	cases := []struct {
		a     *array.Array
		descr string
	}{
		{array.FromSlice([]float64{0.1, -2, math.NaN(), 4, 5, 6}, []int{2, 3}, array.Chunks(1, 2)), "<f8"},
		{array.FromSlice([]float32{0.1, -2, float32(math.Inf(1)), 4, 5.5, 6}, []int{2, 3}, array.Chunks(1, 2)), "<f4"},
		{array.FromSlice([]int64{1, -2, 1 << 53, -(1 << 53), 5, 6}, []int{2, 3}, array.Chunks(1, 2)), "<i8"},
		{array.FromSlice([]bool{true, false, true, true, false, false}, []int{2, 3}, array.Chunks(1, 2)), "|b1"},
		{array.Arange(0, 1, 0.1, array.Chunks(3), array.Float32).Mul(3), "<f4"},
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		dir := t.TempDir()
		for i, c := range cases {
			want, err := c.a.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			npy := filepath.Join(dir, c.a.DType().String()+string(rune('a'+i))+".npy")
			if err := array.ToNPY(ctx, c.a, npy, opt); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(npy)
			if !strings.Contains(string(raw[:128]), "'descr': '"+c.descr+"'") {
				t.Fatalf("%s: header %q, want descr %s", npy, raw[:64], c.descr)
			}
			zdir := strings.TrimSuffix(npy, ".npy") + ".zarr"
			if err := array.ToZarr(ctx, c.a, zdir, array.ZarrZlib, opt); err != nil {
				t.Fatal(err)
			}
			meta, _ := os.ReadFile(filepath.Join(zdir, ".zarray"))
			if !strings.Contains(string(meta), `"dtype": "`+c.descr+`"`) {
				t.Fatalf("%s: .zarray %s, want dtype %s", zdir, meta, c.descr)
			}
			for _, back := range []*array.Array{array.FromNPY(npy, array.Chunks(1)), array.FromZarr(zdir)} {
				if back.DType() != c.a.DType() {
					t.Fatalf("%s: read back dtype %s, wrote %s", npy, back.DType(), c.a.DType())
				}
				got, err := back.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				if got.DType != c.a.DType() {
					t.Fatalf("computed dtype %s", got.DType)
				}
				sameBits(t, npy, got, want.Shape, want.Float64s())
			}
		}
	})
}

func TestDenseTypedValues(t *testing.T) {
	ctx := context.Background()
	d, err := array.FromSlice([]float32{1.5, -2.25}, []int{2}, array.Chunks(1)).Compute(ctx)
	if err != nil || d.DType != array.Float32 || !slices.Equal(d.Float32s(), []float32{1.5, -2.25}) {
		t.Fatal(d, err)
	}
	i, err := array.FromSlice([]float64{1.9, -2.9}, []int{2}, array.Chunks(1)).Astype(array.Int64).Compute(ctx)
	if err != nil || i.DType != array.Int64 {
		t.Fatal(i, err)
	}
	if v, err := i.Int64s(); err != nil || !slices.Equal(v, []int64{1, -2}) {
		t.Fatal(v, err)
	}
	b, err := array.FromSlice([]int64{0, 3}, []int{2}, array.Chunks(1)).Astype(array.Bool).Compute(ctx)
	if err != nil || b.DType != array.Bool || !slices.Equal(b.Bools(), []bool{false, true}) {
		t.Fatal(b, err)
	}
	nan, _ := array.NewDense([]float64{math.NaN()}, 1)
	if _, err := nan.Int64s(); err == nil || !strings.Contains(err.Error(), "cannot convert NaN (index 0) to int64") {
		t.Fatal(err)
	}
}

// TestInt64BeyondExactRead: an int64 .npy file holding a value beyond ±2^53 is an
// error when read, not a silent rounding.
func TestInt64BeyondExactRead(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "big.npy")
	if err := array.ToNPY(ctx, array.FromSlice([]int64{1 << 53, 5}, []int{2}, array.Chunks(1)), path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	raw[len(raw)-16] = 1 // 2^53 + 1 in the first element (little-endian)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := array.FromNPY(path, array.Chunks(1)).Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), "int64 value 9007199254740993 is beyond ±2^53") {
		t.Fatal(err)
	}
}
