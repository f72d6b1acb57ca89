package dataframe

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// fillNull replaces the nulls of d with the scalar or array fill, both first cast to
// typ. It releases nothing it was given.
func fillNull(ctx context.Context, d, fill compute.Datum, typ arrow.DataType) (compute.Datum, error) {
	d, err := castDatum(ctx, compute.NewDatum(d), typ) // a reference of our own
	if err != nil {
		return nil, err
	}
	defer d.Release()
	fill, err = castDatum(ctx, compute.NewDatum(fill), typ)
	if err != nil {
		return nil, err
	}
	defer fill.Release()
	ad, ok := d.(*compute.ArrayDatum)
	if !ok {
		return nil, fmt.Errorf("dataframe: fill_null of a scalar")
	}
	arr := ad.MakeArray()
	defer arr.Release()
	// fillAt returns the fill value's index-th element as an array slot source.
	var fillArr arrow.Array
	switch f := fill.(type) {
	case *compute.ArrayDatum:
		fillArr = f.MakeArray()
	case *compute.ScalarDatum:
		if !f.Value.IsValid() {
			arr.Retain()
			return compute.NewDatum(arr), nil
		}
		var err error
		fillArr, err = scalar.MakeArrayFromScalar(f.Value, 1, compute.GetAllocator(ctx))
		if err != nil {
			return nil, err
		}
	}
	defer fillArr.Release()
	pick := func(i int) int {
		if fillArr.Len() == 1 {
			return 0
		}
		return i
	}
	b := array.NewBuilder(compute.GetAllocator(ctx), typ)
	defer b.Release()
	b.Reserve(arr.Len())
	switch typ.ID() {
	case arrow.INT64, arrow.FLOAT64, arrow.STRING, arrow.BOOL:
	default:
		return nil, fmt.Errorf("dataframe: fill_null of %s is not supported", typ)
	}
	floats, _ := arr.(*array.Float64)
	for i := range arr.Len() {
		// pandas treats NaN in a float column as missing too.
		present := arr.IsValid(i) && (floats == nil || !math.IsNaN(floats.Value(i)))
		switch {
		case present:
			appendValue(b, arr, i)
		case fillArr.IsValid(pick(i)):
			appendValue(b, fillArr, pick(i))
		default:
			b.AppendNull()
		}
	}
	out := b.NewArray()
	defer out.Release()
	return compute.NewDatum(out), nil
}

// isIn is e.IsIn(values) over d: false for nulls, as pandas' isin.
func isIn(ctx context.Context, d compute.Datum, values []any) (compute.Datum, error) {
	typ := datumType(d)
	switch {
	case isInteger(typ):
		typ = arrow.PrimitiveTypes.Int64
	case isFloat(typ):
		typ = arrow.PrimitiveTypes.Float64
	case typ.ID() == arrow.LARGE_STRING:
		typ = arrow.BinaryTypes.String
	}
	d, err := castDatum(ctx, compute.NewDatum(d), typ) // a reference of our own
	if err != nil {
		return nil, err
	}
	defer d.Release()
	if ad, ok := d.(*compute.ArrayDatum); ok && ad.Len() == 0 {
		// Arrow's is_in leaks its value-set table when given no rows (arrow-go
		// v18.8.0); an empty input has an empty answer anyway.
		empty := array.MakeArrayOfNull(compute.GetAllocator(ctx), arrow.FixedWidthTypes.Boolean, 0)
		defer empty.Release()
		return compute.NewDatum(empty), nil
	}
	b := array.NewBuilder(compute.GetAllocator(ctx), typ)
	defer b.Release()
	for _, v := range values {
		if v == nil {
			continue
		}
		if err := appendLit(b, v); err != nil {
			return nil, fmt.Errorf("dataframe: is_in: %w", err)
		}
	}
	set := b.NewArray()
	defer set.Release()
	setD := compute.NewDatum(set)
	defer setD.Release()
	out, err := compute.IsIn(ctx, compute.SetOptions{ValueSet: setD, NullBehavior: compute.NullMatchingSkip}, d)
	if err != nil {
		return nil, fmt.Errorf("dataframe: is_in: %w", err)
	}
	// Skip leaves nulls null; pandas says false.
	defer out.Release()
	f := compute.NewDatum(litScalar(false))
	defer f.Release()
	return fillNull(ctx, out, f, arrow.FixedWidthTypes.Boolean)
}

// appendLit appends a literal to a builder of a compatible type.
func appendLit(b array.Builder, v any) error {
	switch bb := b.(type) {
	case *array.Int64Builder:
		switch x := v.(type) {
		case int64:
			bb.Append(x)
			return nil
		case float64:
			if x == math.Trunc(x) {
				bb.Append(int64(x))
			}
			return nil // a fractional value matches no integer
		}
	case *array.Float64Builder:
		switch x := v.(type) {
		case int64:
			bb.Append(float64(x))
			return nil
		case float64:
			bb.Append(x)
			return nil
		}
	case *array.StringBuilder:
		if x, ok := v.(string); ok {
			bb.Append(x)
			return nil
		}
	case *array.BooleanBuilder:
		if x, ok := v.(bool); ok {
			bb.Append(x)
			return nil
		}
	}
	return fmt.Errorf("cannot use %v (%T) with %s", v, v, b.Type())
}
