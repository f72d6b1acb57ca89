package dataframe

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// String functions, pandas' .str accessor; a null string gives a null result.

func (e Expr) str(fn string, params ...any) Expr {
	return Expr{Op: "str", Name: fn, Args: []Expr{e}, Lit: params}
}

// Contains is true where the string contains sub (a plain substring, not a pattern).
func (e Expr) Contains(sub string) Expr { return e.str("contains", sub) }

// StartsWith is true where the string starts with prefix.
func (e Expr) StartsWith(prefix string) Expr { return e.str("startswith", prefix) }

// EndsWith is true where the string ends with suffix.
func (e Expr) EndsWith(suffix string) Expr { return e.str("endswith", suffix) }

// Lower is the string in lower case.
func (e Expr) Lower() Expr { return e.str("lower") }

// Upper is the string in upper case.
func (e Expr) Upper() Expr { return e.str("upper") }

// Len is the string's length in characters (not bytes), as pandas' str.len.
func (e Expr) Len() Expr { return e.str("len") }

// Slice is characters [start, stop) of the string, counted in characters; negative
// positions count from the end, as in Python.
func (e Expr) Slice(start, stop int) Expr { return e.str("slice", int64(start), int64(stop)) }

// Replace replaces every occurrence of old with new (plain text, not a pattern).
func (e Expr) Replace(old, new string) Expr { return e.str("replace", old, new) }

func strResultType(fn string) (arrow.DataType, bool) {
	switch fn {
	case "contains", "startswith", "endswith":
		return arrow.FixedWidthTypes.Boolean, true
	case "lower", "upper", "slice", "replace":
		return arrow.BinaryTypes.String, true
	case "len":
		return arrow.PrimitiveTypes.Int64, true
	}
	return nil, false
}

// evalStr applies a string function to a string array.
func evalStr(ctx context.Context, e Expr, in compute.Datum) (compute.Datum, error) {
	ad, ok := in.(*compute.ArrayDatum)
	if !ok {
		return nil, fmt.Errorf("dataframe: %s of a literal: apply string functions to columns", e)
	}
	arr := ad.MakeArray()
	defer arr.Release()
	// utf8 and large utf8 alike.
	s, ok := arr.(interface {
		arrow.Array
		Value(int) string
	})
	if !ok {
		return nil, fmt.Errorf("dataframe: %s: %s is not a string column", e, arr.DataType())
	}
	params, _ := e.Lit.([]any)
	str := func(i int) string { v, _ := params[i].(string); return v }
	num := func(i int) int { v, _ := params[i].(int64); return int(v) }
	mem := compute.GetAllocator(ctx)
	typ, _ := strResultType(e.Name)
	b := array.NewBuilder(mem, typ)
	defer b.Release()
	b.Reserve(s.Len())
	for i := 0; i < s.Len(); i++ {
		if s.IsNull(i) {
			b.AppendNull()
			continue
		}
		v := s.Value(i)
		switch e.Name {
		case "contains":
			b.(*array.BooleanBuilder).Append(strings.Contains(v, str(0)))
		case "startswith":
			b.(*array.BooleanBuilder).Append(strings.HasPrefix(v, str(0)))
		case "endswith":
			b.(*array.BooleanBuilder).Append(strings.HasSuffix(v, str(0)))
		case "lower":
			b.(*array.StringBuilder).Append(strings.ToLower(v))
		case "upper":
			b.(*array.StringBuilder).Append(strings.ToUpper(v))
		case "len":
			b.(*array.Int64Builder).Append(int64(utf8.RuneCountInString(v)))
		case "slice":
			b.(*array.StringBuilder).Append(runeSlice(v, num(0), num(1)))
		case "replace":
			b.(*array.StringBuilder).Append(strings.ReplaceAll(v, str(0), str(1)))
		}
	}
	out := b.NewArray()
	defer out.Release()
	return compute.NewDatum(out), nil
}

// runeSlice is Python's s[start:stop] over characters.
func runeSlice(s string, start, stop int) string {
	rs := []rune(s)
	n := len(rs)
	clamp := func(i int) int {
		if i < 0 {
			i += n
		}
		return max(0, min(i, n))
	}
	lo, hi := clamp(start), clamp(stop)
	if lo >= hi {
		return ""
	}
	return string(rs[lo:hi])
}

// When starts a conditional expression: When(cond).Then(v).Otherwise(w) is v where
// cond is true and w elsewhere (where cond is false or null, as SQL's CASE). Chain more
// branches with When before Otherwise; the first true condition wins.
func When(cond Expr) WhenBuilder { return WhenBuilder{conds: []Expr{cond}} }

// WhenBuilder collects the branches of a When expression.
type WhenBuilder struct {
	conds, values []Expr
}

// Then gives the value for the last condition.
func (w WhenBuilder) Then(v Expr) WhenBuilder {
	w.values = append(append([]Expr(nil), w.values...), v)
	return w
}

// When adds another condition, tried when the earlier ones are not true.
func (w WhenBuilder) When(cond Expr) WhenBuilder {
	w.conds = append(append([]Expr(nil), w.conds...), cond)
	return w
}

// Otherwise gives the value where no condition is true and finishes the expression.
func (w WhenBuilder) Otherwise(v Expr) Expr {
	if len(w.values) != len(w.conds) {
		return Expr{Op: "error", Name: fmt.Sprintf("dataframe: When with %d conditions and %d values: every When needs a Then", len(w.conds), len(w.values))}
	}
	out := v
	for i := len(w.conds) - 1; i >= 0; i-- {
		out = Expr{Op: "if_else", Args: []Expr{w.conds[i], w.values[i], out}}
	}
	return out
}

// ifElseType is the common type of two branches.
func ifElseType(a, b arrow.DataType) (arrow.DataType, bool) {
	switch {
	case a.ID() == arrow.NULL:
		return b, true
	case b.ID() == arrow.NULL:
		return a, true
	case isNumeric(a) && isNumeric(b):
		return numericResult(a, b), true
	case isString(a) && isString(b):
		return arrow.BinaryTypes.String, true
	case arrow.TypeEqual(a, b):
		return a, true
	}
	return nil, false
}

// evalIfElse picks from then or otherwise row by row.
func evalIfElse(ctx context.Context, n int64, typ arrow.DataType, cond, then, other compute.Datum) (compute.Datum, error) {
	mem := compute.GetAllocator(ctx)
	arrays := make([]arrow.Array, 3)
	defer releaseArrays(arrays)
	for i, d := range []compute.Datum{cond, then, other} {
		want := typ
		if i == 0 {
			want = arrow.FixedWidthTypes.Boolean
		}
		var err error
		switch x := d.(type) {
		case *compute.ArrayDatum:
			arrays[i] = x.MakeArray()
		case *compute.ScalarDatum:
			sc := x.Value
			if !sc.IsValid() {
				arrays[i] = array.MakeArrayOfNull(mem, want, int(n))
				continue
			}
			if arrays[i], err = scalar.MakeArrayFromScalar(sc, int(n), mem); err != nil {
				return nil, err
			}
		}
		if !arrow.TypeEqual(arrays[i].DataType(), want) && arrays[i].DataType().ID() != arrow.NULL {
			c, err := compute.CastArray(ctx, arrays[i], compute.SafeCastOptions(want))
			if err != nil {
				return nil, fmt.Errorf("dataframe: when: %w", err)
			}
			arrays[i].Release()
			arrays[i] = c
		}
	}
	c := arrays[0].(*array.Boolean)
	b := array.NewBuilder(mem, typ)
	defer b.Release()
	b.Reserve(int(n))
	for i := 0; i < int(n); i++ {
		src := arrays[2]
		if c.IsValid(i) && c.Value(i) {
			src = arrays[1]
		}
		appendValue(b, src, i)
	}
	out := b.NewArray()
	defer out.Release()
	return compute.NewDatum(out), nil
}

// appendValue appends element i of a to a builder of the same type.
func appendValue(b array.Builder, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	switch x := a.(type) {
	case *array.Int64:
		b.(*array.Int64Builder).Append(x.Value(i))
	case *array.Float64:
		b.(*array.Float64Builder).Append(x.Value(i))
	case *array.String:
		b.(*array.StringBuilder).Append(x.Value(i))
	case *array.Boolean:
		b.(*array.BooleanBuilder).Append(x.Value(i))
	case *array.Date32:
		b.(*array.Date32Builder).Append(x.Value(i))
	case *array.Timestamp:
		b.(*array.TimestampBuilder).Append(x.Value(i))
	default:
		b.AppendNull()
	}
}
