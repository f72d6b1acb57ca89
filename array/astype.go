package array

import (
	"context"
	"fmt"
	"math"
)

// Element is a Go element type an array can be made of and read back as.
type Element interface {
	float64 | float32 | int64 | bool
}

// toFloat64s is data in float64 storage with its dtype.
func toFloat64s[T Element](data []T) ([]float64, DType, error) {
	switch x := any(data).(type) {
	case []float64:
		return x, Float64, nil
	case []float32:
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out, Float32, nil
	case []int64:
		out := make([]float64, len(x))
		for i, v := range x {
			if v > maxExactInt || v < -maxExactInt {
				return nil, 0, fmt.Errorf("array: int64 value %d (index %d) is beyond ±2^53, not exact in gask's float64 storage", v, i)
			}
			out[i] = float64(v)
		}
		return out, Int64, nil
	case []bool:
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = b2f(v)
		}
		return out, Bool, nil
	}
	panic("unreachable")
}

// optDType is the dtype of a creation routine's optional dtype argument.
func optDType(what string, dtype []DType) (DType, error) {
	switch len(dtype) {
	case 0:
		return Float64, nil
	case 1:
		if !dtype[0].valid() {
			return 0, fmt.Errorf("array: %s: unknown %s", what, dtype[0])
		}
		return dtype[0], nil
	}
	return 0, fmt.Errorf("array: %s: %d dtypes given, want at most one", what, len(dtype))
}

// Float64s returns d's values in C order as float64s (the storage itself when d is
// contiguous).
func (d *Dense) Float64s() []float64 { return d.Contiguous().Data[:d.Size()] }

// Float32s returns d's values in C order as float32s.
func (d *Dense) Float32s() []float32 {
	vals := d.Float64s()
	out := make([]float32, len(vals))
	for i, v := range vals {
		out[i] = float32(v)
	}
	return out
}

// Int64s returns d's values in C order as int64s, truncated toward zero; NaN and ±Inf
// are errors (as Astype(Int64)).
func (d *Dense) Int64s() ([]int64, error) {
	vals := d.Float64s()
	out := make([]int64, len(vals))
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1<<63 {
			return nil, fmt.Errorf("array: cannot convert %v (index %d) to int64", v, i)
		}
		out[i] = int64(v)
	}
	return out, nil
}

// Bools returns d's values in C order as bools (non-zero is true).
func (d *Dense) Bools() []bool {
	vals := d.Float64s()
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != 0
	}
	return out
}

const arangeTypedName = "array.arange-typed"

func init() {
	register(arangeTypedName, func(_ context.Context, args []any) (any, error) {
		n, first, a0, delta, dt := args[0].(int), args[1].(int), args[2].(float64), args[3].(float64), args[4].(DType)
		d := newDense(dt, []int{n})
		switch dt {
		case Float32:
			// NumPy's float32 fill: start + i*delta, each step in float32
			s, dl := float32(a0), float32(delta)
			for i := range d.Data {
				d.Data[i] = float64(s + float32(first+i)*dl)
			}
		default:
			for i := range d.Data {
				d.Data[i] = a0 + float64(first+i)*delta // exact: checked within 2^53
			}
		}
		return d, nil
	})
}

// arangeTyped is Arange of n values with dtype Float32 or Int64, as NumPy fills them:
// a[0] = start and a[1] = start+step converted to the dtype, a[i] = a[0] + i*(a[1]-a[0]).
func arangeTyped(start, stop, step float64, n int, dt DType, chunks ChunkSpec) *Array {
	if dt == Bool {
		return failed(fmt.Errorf("array: arange(%v, %v, %v) of bool is not supported", start, stop, step))
	}
	a0, err := castValue(start, dt)
	if err == nil {
		var a1 float64
		if a1, err = castValue(start+step, dt); err == nil {
			delta := a1 - a0
			if dt == Float32 {
				delta = float64(float32(a1) - float32(a0))
			}
			if dt == Int64 && n > 0 && math.Abs(a0+float64(n-1)*delta) > maxExactInt {
				err = fmt.Errorf("array: arange(%v, %v, %v) as int64 goes beyond ±2^53, not exact in gask's float64 storage", start, stop, step)
			}
			if err == nil {
				node := &genNode{fn: arangeTypedName, what: fmt.Sprintf("Arange(%v, %v, %v, %s)", start, stop, step, dt),
					args: func(_, first, shape []int, _ int) []any { return []any{shape[0], first[0], a0, delta, dt} }}
				return newGen("arange", []int{n}, chunks, dt, node, start, stop, step)
			}
		}
	}
	return failed(fmt.Errorf("array: arange: %w", err))
}

// checkExactInts is an error when raw, of 64-bit integers (the only stored type whose
// values can leave float64's exact range), holds one beyond ±2^53: reading it into
// gask's float64 storage would round it silently.
func checkExactInts(e elemType, raw []byte) error {
	if e.kind != 'i' || e.size != 8 {
		return nil
	}
	for i := 0; i+8 <= len(raw); i += 8 {
		if v := int64(e.order.Uint64(raw[i:])); v > maxExactInt || v < -maxExactInt {
			return fmt.Errorf("int64 value %d is beyond ±2^53, not exact in gask's float64 storage", v)
		}
	}
	return nil
}
