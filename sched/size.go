package sched

import (
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"gonum.org/v1/gonum/mat"
)

// Sizer is implemented by results that know their own size in bytes.
type Sizer interface {
	SizeBytes() int64
}

// SizeOf measures a result's size in bytes: exactly for Arrow records, arrays and
// tables (their buffers), gonum matrices and vectors, strings, byte slices and slices of
// fixed-size values; by a bounded walk of slices, maps and structs otherwise. Every
// stored result is measured, so the memory manager knows what it holds.
func SizeOf(v any) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case Sizer:
		return x.SizeBytes()
	case bool, int8, uint8:
		return 1
	case int16, uint16:
		return 2
	case int32, uint32, float32:
		return 4
	case int, int64, uint, uint64, uintptr, float64, complex64:
		return 8
	case complex128:
		return 16
	case string:
		return int64(len(x))
	case []byte:
		return int64(cap(x))
	case []float64:
		return 8 * int64(cap(x))
	case []int:
		return 8 * int64(cap(x))
	case arrow.RecordBatch:
		return recordSize(x)
	case arrow.Array:
		return arrayDataSize(x.Data())
	case arrow.Table:
		var n int64
		for i := 0; i < int(x.NumCols()); i++ {
			for _, c := range x.Column(i).Data().Chunks() {
				n += arrayDataSize(c.Data())
			}
		}
		return n
	case *mat.Dense:
		r, c := x.Dims()
		return 8 * int64(r) * int64(c)
	case *mat.VecDense:
		return 8 * int64(x.Len())
	}
	return reflectSize(reflect.ValueOf(v), 3)
}

func recordSize(r arrow.RecordBatch) int64 {
	var n int64
	for _, c := range r.Columns() {
		n += arrayDataSize(c.Data())
	}
	return n
}

func arrayDataSize(d arrow.ArrayData) int64 {
	if d == nil {
		return 0
	}
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += arrayDataSize(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		n += arrayDataSize(d.Dictionary())
	}
	return n
}

// reflectSize estimates a value's footprint, walking at most depth levels and sampling
// large containers.
func reflectSize(v reflect.Value, depth int) int64 {
	if !v.IsValid() {
		return 0
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 8
		}
		if depth == 0 {
			return 8
		}
		return 8 + reflectSize(v.Elem(), depth-1)
	case reflect.String:
		return 16 + int64(v.Len())
	case reflect.Slice, reflect.Array:
		n := v.Len()
		base := int64(0)
		if v.Kind() == reflect.Slice {
			base = 24
			n = v.Cap()
		}
		et := v.Type().Elem()
		if isFlat(et) {
			return base + int64(n)*int64(et.Size())
		}
		if n == 0 || depth == 0 {
			return base + int64(n)*int64(et.Size())
		}
		// Sample up to 16 elements and extrapolate.
		m := min(v.Len(), 16)
		var s int64
		for i := 0; i < m; i++ {
			s += reflectSize(v.Index(i), depth-1)
		}
		if m == 0 {
			return base + int64(n)*int64(et.Size())
		}
		return base + s*int64(n)/int64(m)
	case reflect.Map:
		n := v.Len()
		if n == 0 || depth == 0 {
			return 48 + int64(n)*int64(v.Type().Key().Size()+v.Type().Elem().Size())
		}
		var s int64
		it := v.MapRange()
		m := 0
		for it.Next() && m < 16 {
			s += reflectSize(it.Key(), depth-1) + reflectSize(it.Value(), depth-1)
			m++
		}
		return 48 + s*int64(n)/int64(m)
	case reflect.Struct:
		t := v.Type()
		if isFlat(t) || depth == 0 {
			return int64(t.Size())
		}
		var s int64
		for i := 0; i < v.NumField(); i++ {
			s += reflectSize(v.Field(i), depth-1)
		}
		return s
	default:
		return int64(v.Type().Size())
	}
}

// isFlat reports whether a type holds no pointers, so its size is its footprint.
func isFlat(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return isFlat(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if !isFlat(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}
