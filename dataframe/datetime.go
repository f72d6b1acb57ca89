package dataframe

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Date and time parts of date32 and timestamp columns (pandas' .dt accessor); a null
// gives a null. Timestamps with a time zone are read in that zone.

func (e Expr) dt(part string) Expr { return Expr{Op: "dt", Name: part, Args: []Expr{e}} }

// Year is the year.
func (e Expr) Year() Expr { return e.dt("year") }

// Month is the month, 1 to 12.
func (e Expr) Month() Expr { return e.dt("month") }

// Day is the day of the month, 1 to 31.
func (e Expr) Day() Expr { return e.dt("day") }

// Hour is the hour, 0 to 23.
func (e Expr) Hour() Expr { return e.dt("hour") }

// Weekday is the day of the week, Monday 0 to Sunday 6 (as pandas' dt.weekday).
func (e Expr) Weekday() Expr { return e.dt("weekday") }

// Truncate rounds a timestamp down to the start of its "year", "month", "day", "hour",
// "minute" or "second" (a date to its year, month or day), keeping the type.
func (e Expr) Truncate(unit string) Expr {
	return Expr{Op: "dt", Name: "truncate", Args: []Expr{e}, Lit: unit}
}

var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond}

func isTemporal(t arrow.DataType) bool {
	return t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP
}

func dtType(e Expr, in arrow.DataType) (arrow.DataType, error) {
	if !isTemporal(in) {
		return nil, &TypeError{Expr: e.String(), Msg: fmt.Sprintf("%s needs a date or timestamp, but %s is %s", e.Name, e.Args[0], in)}
	}
	if e.Name != "truncate" {
		return arrow.PrimitiveTypes.Int64, nil
	}
	unit, _ := e.Lit.(string)
	switch unit {
	case "year", "month", "day":
	case "hour", "minute", "second":
		if in.ID() == arrow.DATE32 {
			return nil, &TypeError{Expr: e.String(), Msg: "a date cannot be truncated to " + unit}
		}
	default:
		return nil, &TypeError{Expr: e.String(), Msg: fmt.Sprintf("unknown unit %q: want year, month, day, hour, minute or second", unit)}
	}
	return in, nil
}

// times converts element i of a date32 or timestamp array to a time.Time.
func timeAt(a arrow.Array, i int) time.Time {
	switch x := a.(type) {
	case *array.Date32:
		return x.Value(i).ToTime()
	case *array.Timestamp:
		t := x.DataType().(*arrow.TimestampType)
		tm := x.Value(i).ToTime(t.Unit)
		if t.TimeZone != "" {
			if loc, err := time.LoadLocation(t.TimeZone); err == nil {
				tm = tm.In(loc)
			}
		}
		return tm
	}
	return time.Time{}
}

func evalDt(ctx context.Context, e Expr, in compute.Datum, outType arrow.DataType) (compute.Datum, error) {
	ad, ok := in.(*compute.ArrayDatum)
	if !ok {
		return nil, fmt.Errorf("dataframe: %s of a literal: apply date parts to columns", e)
	}
	arr := ad.MakeArray()
	defer arr.Release()
	b := array.NewBuilder(compute.GetAllocator(ctx), outType)
	defer b.Release()
	b.Reserve(arr.Len())
	unit, _ := e.Lit.(string)
	for i := 0; i < arr.Len(); i++ {
		if arr.IsNull(i) {
			b.AppendNull()
			continue
		}
		t := timeAt(arr, i)
		switch e.Name {
		case "year":
			b.(*array.Int64Builder).Append(int64(t.Year()))
		case "month":
			b.(*array.Int64Builder).Append(int64(t.Month()))
		case "day":
			b.(*array.Int64Builder).Append(int64(t.Day()))
		case "hour":
			b.(*array.Int64Builder).Append(int64(t.Hour()))
		case "weekday":
			b.(*array.Int64Builder).Append(int64((t.Weekday() + 6) % 7))
		case "truncate":
			y, mo, d := t.Date()
			h, mi, s := t.Clock()
			switch unit {
			case "year":
				mo, d, h, mi, s = 1, 1, 0, 0, 0
			case "month":
				d, h, mi, s = 1, 0, 0, 0
			case "day":
				h, mi, s = 0, 0, 0
			case "hour":
				mi, s = 0, 0
			case "minute":
				s = 0
			}
			tt := time.Date(y, mo, d, h, mi, s, 0, t.Location())
			switch bb := b.(type) {
			case *array.Date32Builder:
				bb.Append(arrow.Date32FromTime(tt))
			case *array.TimestampBuilder:
				ts, err := arrow.TimestampFromTime(tt, outType.(*arrow.TimestampType).Unit)
				if err != nil {
					return nil, fmt.Errorf("dataframe: %s: %w", e, err)
				}
				bb.Append(ts)
			}
		}
	}
	out := b.NewArray()
	defer out.Release()
	return compute.NewDatum(out), nil
}

// parseDate reads an ISO date, YYYY-MM-DD.
func parseDate(f []byte) (arrow.Date32, bool) {
	if len(f) != 10 || f[4] != '-' || f[7] != '-' {
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, string(f))
	if err != nil {
		return 0, false
	}
	return arrow.Date32FromTime(t), true
}

// parseTimestamp reads an ISO date and time ("2026-11-21 10:30:00", optional
// fraction, "T" as separator, optional Z or ±hh:mm), in microseconds; zoned reports
// whether the text carried a zone (the value is then UTC).
func parseTimestamp(f []byte) (ts arrow.Timestamp, zoned, ok bool) {
	if len(f) < 19 || f[4] != '-' || f[10] != ' ' && f[10] != 'T' {
		return 0, false, false
	}
	s := string(f)
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return arrow.Timestamp(t.UnixMicro()), true, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return arrow.Timestamp(t.UnixMicro()), false, true
		}
	}
	return 0, false, false
}

// temporalToInt64 copies a date32 or timestamp array's raw values into an int64 array.
func temporalToInt64(mem memory.Allocator, a arrow.Array) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		switch x := a.(type) {
		case *array.Date32:
			if x.IsValid(i) {
				b.UnsafeAppend(int64(x.Value(i)))
				continue
			}
		case *array.Timestamp:
			if x.IsValid(i) {
				b.UnsafeAppend(int64(x.Value(i)))
				continue
			}
		}
		b.UnsafeAppendBoolToBitmap(false)
	}
	return b.NewArray()
}

// int64ToTemporal turns raw values back into a date32 or timestamp array of typ.
func int64ToTemporal(mem memory.Allocator, a arrow.Array, typ arrow.DataType) arrow.Array {
	b := array.NewBuilder(mem, typ)
	defer b.Release()
	ints := a.(*array.Int64)
	for i := 0; i < ints.Len(); i++ {
		if ints.IsNull(i) {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Date32Builder:
			bb.Append(arrow.Date32(ints.Value(i)))
		case *array.TimestampBuilder:
			bb.Append(arrow.Timestamp(ints.Value(i)))
		}
	}
	return b.NewArray()
}
