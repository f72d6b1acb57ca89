package bag

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
)

// convertible reports whether MapsToDataFrame fills columns of type t.
func convertible(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.LARGE_STRING, arrow.TIMESTAMP:
		return true
	}
	return false
}

// mapsRecord builds a record batch of schema from maps, one row a map.
func mapsRecord(ctx context.Context, schema *arrow.Schema, rows []map[string]any) (arrow.RecordBatch, error) {
	b := array.NewRecordBuilder(compute.GetAllocator(ctx), schema)
	defer b.Release()
	b.Reserve(len(rows))
	for j, row := range rows {
		for i, f := range schema.Fields() {
			v, ok := row[f.Name]
			if !ok || v == nil {
				if !f.Nullable {
					return nil, fmt.Errorf("element %d has no value for the non-nullable column %q", j, f.Name)
				}
				b.Field(i).AppendNull()
				continue
			}
			if err := appendValue(b.Field(i), v); err != nil {
				return nil, fmt.Errorf("element %d key %q: %w", j, f.Name, err)
			}
		}
	}
	return b.NewRecordBatch(), nil
}

// number reads a Go number or a json.Number as an int64 (exact) or a float64.
func number(v any) (i int64, f float64, isInt bool, err error) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, float64(n), true, nil
		}
		f, err := x.Float64()
		return 0, f, false, err
	case bool, string:
		return 0, 0, false, fmt.Errorf("%T %v is not a number", v, v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), float64(rv.Int()), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return 0, float64(u), false, nil
		}
		return int64(u), float64(u), true, nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), f, true, nil
		}
		return 0, f, false, nil
	}
	return 0, 0, false, fmt.Errorf("%T is not a number", v)
}

// integer reads v as an integer within [lo, hi].
func integer(v any, lo, hi int64) (int64, error) {
	i, f, isInt, err := number(v)
	if err != nil {
		return 0, err
	}
	if !isInt || i < lo || i > hi {
		return 0, fmt.Errorf("%v does not fit the integer column's [%d, %d]", f, lo, hi)
	}
	return i, nil
}

func appendValue(fb array.Builder, v any) error {
	switch bb := fb.(type) {
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%T %v is not a bool", v, v)
		}
		bb.Append(x)
	case *array.Int8Builder:
		i, err := integer(v, math.MinInt8, math.MaxInt8)
		bb.Append(int8(i))
		return err
	case *array.Int16Builder:
		i, err := integer(v, math.MinInt16, math.MaxInt16)
		bb.Append(int16(i))
		return err
	case *array.Int32Builder:
		i, err := integer(v, math.MinInt32, math.MaxInt32)
		bb.Append(int32(i))
		return err
	case *array.Int64Builder:
		i, err := integer(v, math.MinInt64, math.MaxInt64)
		bb.Append(i)
		return err
	case *array.Uint8Builder:
		i, err := integer(v, 0, math.MaxUint8)
		bb.Append(uint8(i))
		return err
	case *array.Uint16Builder:
		i, err := integer(v, 0, math.MaxUint16)
		bb.Append(uint16(i))
		return err
	case *array.Uint32Builder:
		i, err := integer(v, 0, math.MaxUint32)
		bb.Append(uint32(i))
		return err
	case *array.Uint64Builder:
		if u, ok := v.(uint64); ok {
			bb.Append(u)
			return nil
		}
		i, err := integer(v, 0, math.MaxInt64)
		bb.Append(uint64(i))
		return err
	case *array.Float32Builder:
		_, f, _, err := number(v)
		bb.Append(float32(f))
		return err
	case *array.Float64Builder:
		_, f, _, err := number(v)
		bb.Append(f)
		return err
	case *array.StringBuilder:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%T %v is not a string", v, v)
		}
		bb.Append(s)
	case *array.LargeStringBuilder:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%T %v is not a string", v, v)
		}
		bb.Append(s)
	case *array.TimestampBuilder:
		t, ok := v.(time.Time)
		if s, isStr := v.(string); isStr {
			var err error
			if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return err
			}
			ok = true
		}
		if !ok {
			return fmt.Errorf("%T %v is not a time or an RFC 3339 string", v, v)
		}
		ts, err := arrow.TimestampFromTime(t, fb.Type().(*arrow.TimestampType).Unit)
		if err != nil {
			return err
		}
		bb.Append(ts)
	default:
		return fmt.Errorf("column type %s", fb.Type())
	}
	return nil
}
