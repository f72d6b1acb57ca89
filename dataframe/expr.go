package dataframe

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// Expr is a column expression: plain data (an operator, its arguments, a column name
// or a literal), so plans that hold expressions can be printed, compared and sent to
// worker processes. Build expressions with Col and Lit and their methods:
//
//	dataframe.Col("v1").Add(dataframe.Col("v2")).Gt(dataframe.Lit(10))
//
// Expressions are type-checked against the schema when a DataFrame method uses them,
// and evaluated vectorized over Arrow arrays. Nulls propagate (a null input gives a null
// output), except in And/Or, which follow SQL's three-valued logic, IsNull and FillNull.
type Expr struct {
	Op   string // col, lit, add, sub, mul, div, neg, eq, ne, lt, le, gt, ge, and, or, not, is_null, fill_null, cast, is_in, between
	Name string // the column name (col) or target type (cast)
	Args []Expr
	Lit  any // the literal (lit): nil, bool, int64, float64 or string; []any for is_in
}

// Col refers to a column by name.
func Col(name string) Expr { return Expr{Op: "col", Name: name} }

// Lit is a literal value: nil, a bool, any Go integer (up to the largest int64) or
// float, a string or a time.Time.
func Lit(v any) Expr {
	v, err := normLit(v)
	if err != nil {
		return Expr{Op: "error", Name: err.Error()}
	}
	return Expr{Op: "lit", Lit: v}
}

func normLit(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return x, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return normLit(uint64(x))
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("dataframe: %d is beyond int64", x)
		}
		return int64(x), nil
	case float32:
		return float64(x), nil
	case time.Time:
		return x.UTC(), nil
	}
	return nil, fmt.Errorf("dataframe: literal of unsupported type %T", v)
}

func (e Expr) bin(op string, o Expr) Expr { return Expr{Op: op, Args: []Expr{e, o}} }

// Add is e + o.
func (e Expr) Add(o Expr) Expr { return e.bin("add", o) }

// Sub is e - o.
func (e Expr) Sub(o Expr) Expr { return e.bin("sub", o) }

// Mul is e * o.
func (e Expr) Mul(o Expr) Expr { return e.bin("mul", o) }

// Div is e / o, always in float64 (true division, as in pandas).
func (e Expr) Div(o Expr) Expr { return e.bin("div", o) }

// Neg is -e.
func (e Expr) Neg() Expr { return Expr{Op: "neg", Args: []Expr{e}} }

// Eq is e == o.
func (e Expr) Eq(o Expr) Expr { return e.bin("eq", o) }

// Ne is e != o.
func (e Expr) Ne(o Expr) Expr { return e.bin("ne", o) }

// Lt is e < o.
func (e Expr) Lt(o Expr) Expr { return e.bin("lt", o) }

// Le is e <= o.
func (e Expr) Le(o Expr) Expr { return e.bin("le", o) }

// Gt is e > o.
func (e Expr) Gt(o Expr) Expr { return e.bin("gt", o) }

// Ge is e >= o.
func (e Expr) Ge(o Expr) Expr { return e.bin("ge", o) }

// And is e AND o, with SQL's three-valued logic (false AND null is false).
func (e Expr) And(o Expr) Expr { return e.bin("and", o) }

// Or is e OR o, with SQL's three-valued logic (true OR null is true).
func (e Expr) Or(o Expr) Expr { return e.bin("or", o) }

// Not is NOT e.
func (e Expr) Not() Expr { return Expr{Op: "not", Args: []Expr{e}} }

// IsNull is true where e is null (false elsewhere, never null).
func (e Expr) IsNull() Expr { return Expr{Op: "is_null", Args: []Expr{e}} }

// IsMissing is true where e is null or NaN — pandas' isna — and false elsewhere.
func (e Expr) IsMissing() Expr { return Expr{Op: "is_missing", Args: []Expr{e}} }

// FillNull replaces nulls in e with v (and NaN too, in a float column: pandas' fillna).
func (e Expr) FillNull(v Expr) Expr { return e.bin("fill_null", v) }

// Cast converts e to a type: "int64", "float64", "string" or "bool".
func (e Expr) Cast(typ string) Expr { return Expr{Op: "cast", Name: typ, Args: []Expr{e}} }

// IsIn is true where e equals one of values, and false where e is null (as pandas' isin).
func (e Expr) IsIn(values ...any) Expr {
	vs := make([]any, len(values))
	for i, v := range values {
		n, err := normLit(v)
		if err != nil {
			return Expr{Op: "error", Name: err.Error()}
		}
		vs[i] = n
	}
	return Expr{Op: "is_in", Args: []Expr{e}, Lit: vs}
}

// Between is lo <= e <= hi (both ends inclusive, as pandas' between).
func (e Expr) Between(lo, hi Expr) Expr { return Expr{Op: "between", Args: []Expr{e, lo, hi}} }

// String prints the expression the way Explain shows it.
func (e Expr) String() string {
	switch e.Op {
	case "col":
		return e.Name
	case "lit":
		if s, ok := e.Lit.(string); ok {
			return fmt.Sprintf("%q", s)
		}
		if e.Lit == nil {
			return "null"
		}
		return fmt.Sprint(e.Lit)
	case "error":
		return "<error: " + e.Name + ">"
	case "neg":
		return "-" + e.Args[0].String()
	case "not":
		return "not " + e.Args[0].String()
	case "is_null":
		return e.Args[0].String() + ".is_null()"
	case "is_missing":
		return e.Args[0].String() + ".is_missing()"
	case "dt":
		if e.Name == "truncate" {
			return fmt.Sprintf("%s.dt.truncate(%q)", e.Args[0], e.Lit)
		}
		return fmt.Sprintf("%s.dt.%s", e.Args[0], e.Name)
	case "fill_null":
		return e.Args[0].String() + ".fill_null(" + e.Args[1].String() + ")"
	case "cast":
		return e.Args[0].String() + ".cast(" + e.Name + ")"
	case "is_in":
		return fmt.Sprintf("%s.is_in(%v)", e.Args[0], e.Lit)
	case "between":
		return fmt.Sprintf("%s.between(%s, %s)", e.Args[0], e.Args[1], e.Args[2])
	case "str":
		params, _ := e.Lit.([]any)
		ps := make([]string, len(params))
		for i, p := range params {
			ps[i] = fmt.Sprintf("%#v", p)
		}
		return fmt.Sprintf("%s.str.%s(%s)", e.Args[0], e.Name, strings.Join(ps, ", "))
	case "if_else":
		return fmt.Sprintf("when(%s, %s, %s)", e.Args[0], e.Args[1], e.Args[2])
	}
	if sym, ok := binarySymbols[e.Op]; ok {
		return "(" + e.Args[0].String() + " " + sym + " " + e.Args[1].String() + ")"
	}
	return e.Op
}

var binarySymbols = map[string]string{
	"add": "+", "sub": "-", "mul": "*", "div": "/", "eq": "==", "ne": "!=",
	"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "and": "and", "or": "or",
}

// columns appends the names of the columns e reads.
func (e Expr) columns(out []string) []string {
	if e.Op == "col" {
		return append(out, e.Name)
	}
	for _, a := range e.Args {
		out = a.columns(out)
	}
	return out
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isFloat(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64
}

func isNumeric(t arrow.DataType) bool { return isInteger(t) || isFloat(t) }

func isString(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING || isCategory(t)
}

// litType is the Arrow type of a literal; nil (the null literal) has type null.
func litType(v any) arrow.DataType {
	switch v.(type) {
	case bool:
		return arrow.FixedWidthTypes.Boolean
	case int64:
		return arrow.PrimitiveTypes.Int64
	case float64:
		return arrow.PrimitiveTypes.Float64
	case string:
		return arrow.BinaryTypes.String
	case time.Time:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return arrow.Null
}

// numericResult is the type arithmetic on a and b yields: int64 for integers, float64
// when either side is a float (pandas' promotion).
func numericResult(a, b arrow.DataType) arrow.DataType {
	if isFloat(a) || isFloat(b) {
		return arrow.PrimitiveTypes.Float64
	}
	return arrow.PrimitiveTypes.Int64
}

var castTypes = map[string]arrow.DataType{
	"int64":         arrow.PrimitiveTypes.Int64,
	"float64":       arrow.PrimitiveTypes.Float64,
	"string":        arrow.BinaryTypes.String,
	"bool":          arrow.FixedWidthTypes.Boolean,
	"date":          arrow.FixedWidthTypes.Date32,
	"timestamp":     &arrow.TimestampType{Unit: arrow.Microsecond},
	"timestamp_utc": &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
	"category":      categoryType,
}

// typeByName is the type a typeName names, timestamps of any unit and zone included.
func typeByName(name string) (arrow.DataType, bool) {
	if t, ok := castTypes[name]; ok {
		return t, true
	}
	if rest, ok := strings.CutPrefix(name, "timestamp["); ok {
		unit, tz, _ := strings.Cut(strings.TrimSuffix(rest, "]"), ",")
		for _, u := range []arrow.TimeUnit{arrow.Second, arrow.Millisecond, arrow.Microsecond, arrow.Nanosecond} {
			if u.String() == unit {
				return &arrow.TimestampType{Unit: u, TimeZone: tz}, true
			}
		}
	}
	return nil, false
}

// TypeError is an expression that does not fit the schema: an unknown column or an
// operation on types it does not apply to. It is reported when the DataFrame method
// that uses the expression is called, before anything runs.
type TypeError struct {
	Expr string
	Msg  string
}

func (e *TypeError) Error() string { return fmt.Sprintf("dataframe: %s: %s", e.Expr, e.Msg) }

// Type checks e against schema and returns its result type.
func (e Expr) Type(schema *arrow.Schema) (arrow.DataType, error) {
	fail := func(format string, args ...any) (arrow.DataType, error) {
		return nil, &TypeError{Expr: e.String(), Msg: fmt.Sprintf(format, args...)}
	}
	var ts []arrow.DataType
	for _, a := range e.Args {
		t, err := a.Type(schema)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	switch e.Op {
	case "error":
		return nil, fmt.Errorf("%s", e.Name)
	case "col":
		idx := schema.FieldIndices(e.Name)
		if len(idx) == 0 {
			return nil, &TypeError{Expr: e.Name, Msg: fmt.Sprintf("unknown column %q (columns: %s)", e.Name, strings.Join(fieldNames(schema), ", "))}
		}
		return schema.Field(idx[0]).Type, nil
	case "lit":
		return litType(e.Lit), nil
	case "add", "sub", "mul", "div":
		for i, t := range ts {
			if !isNumeric(t) && t.ID() != arrow.NULL {
				return fail("%s needs numbers, but %s is %s", e.Op, e.Args[i], t)
			}
		}
		if e.Op == "div" {
			return arrow.PrimitiveTypes.Float64, nil
		}
		return numericResult(ts[0], ts[1]), nil
	case "neg":
		if !isNumeric(ts[0]) {
			return fail("neg needs a number, but %s is %s", e.Args[0], ts[0])
		}
		return numericResult(ts[0], ts[0]), nil
	case "eq", "ne", "lt", "le", "gt", "ge":
		if !comparable(ts[0], ts[1]) {
			return fail("cannot compare %s (%s) with %s (%s)", e.Args[0], ts[0], e.Args[1], ts[1])
		}
		return arrow.FixedWidthTypes.Boolean, nil
	case "between":
		if !comparable(ts[0], ts[1]) || !comparable(ts[0], ts[2]) {
			return fail("cannot compare %s (%s) with bounds of types %s and %s", e.Args[0], ts[0], ts[1], ts[2])
		}
		return arrow.FixedWidthTypes.Boolean, nil
	case "and", "or", "not":
		for i, t := range ts {
			if t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
				return fail("%s needs booleans, but %s is %s", e.Op, e.Args[i], t)
			}
		}
		return arrow.FixedWidthTypes.Boolean, nil
	case "is_null", "is_missing":
		return arrow.FixedWidthTypes.Boolean, nil
	case "dt":
		return dtType(e, ts[0])
	case "str":
		if !isString(ts[0]) {
			return fail("%s needs strings, but %s is %s", e.Name, e.Args[0], ts[0])
		}
		t, ok := strResultType(e.Name)
		if !ok {
			return fail("unknown string function %q", e.Name)
		}
		return t, nil
	case "if_else":
		if ts[0].ID() != arrow.BOOL && ts[0].ID() != arrow.NULL {
			return fail("a When condition needs a boolean, but %s is %s", e.Args[0], ts[0])
		}
		t, ok := ifElseType(ts[1], ts[2])
		if !ok {
			return fail("When branches have incompatible types %s (%s) and %s (%s)", e.Args[1], ts[1], e.Args[2], ts[2])
		}
		return t, nil
	case "fill_null":
		switch {
		case isCategory(ts[0]) && (isString(ts[1]) || ts[1].ID() == arrow.NULL):
			return arrow.BinaryTypes.String, nil // categories are decoded to fill them
		case ts[1].ID() == arrow.NULL || arrow.TypeEqual(ts[0], ts[1]):
			return ts[0], nil
		case isNumeric(ts[0]) && isNumeric(ts[1]):
			if isInteger(ts[0]) && isFloat(ts[1]) {
				return arrow.PrimitiveTypes.Float64, nil
			}
			return ts[0], nil
		}
		return fail("cannot fill nulls of %s (%s) with %s (%s)", e.Args[0], ts[0], e.Args[1], ts[1])
	case "cast":
		t, ok := castTypes[e.Name]
		if !ok {
			return fail("unknown type %q: want int64, float64, string or bool", e.Name)
		}
		return t, nil
	case "is_in":
		vs, _ := e.Lit.([]any)
		for _, v := range vs {
			if !comparable(ts[0], litType(v)) {
				return fail("cannot look for %v (%T) in %s (%s)", v, v, e.Args[0], ts[0])
			}
		}
		return arrow.FixedWidthTypes.Boolean, nil
	}
	return fail("unknown operation %q", e.Op)
}

func comparable(a, b arrow.DataType) bool {
	switch {
	case a.ID() == arrow.NULL || b.ID() == arrow.NULL:
		return true
	case isNumeric(a) && isNumeric(b):
		return true
	case isString(a) && isString(b):
		return true
	case isTemporal(a) && isTemporal(b):
		return true
	}
	return arrow.TypeEqual(a, b)
}

func fieldNames(s *arrow.Schema) []string {
	names := make([]string, s.NumFields())
	for i := range names {
		names[i] = s.Field(i).Name
	}
	return names
}

// eval computes e over a record batch; the caller owns the returned datum.
func (e Expr) eval(ctx context.Context, rec arrow.RecordBatch) (compute.Datum, error) {
	schema := rec.Schema()
	switch e.Op {
	case "col":
		idx := schema.FieldIndices(e.Name)
		if len(idx) == 0 {
			return nil, &TypeError{Expr: e.Name, Msg: fmt.Sprintf("unknown column %q", e.Name)}
		}
		return compute.NewDatum(rec.Column(idx[0])), nil
	case "lit":
		return compute.NewDatum(litScalar(e.Lit)), nil
	}
	outType, err := e.Type(schema)
	if err != nil {
		return nil, err
	}
	args := make([]compute.Datum, len(e.Args))
	defer func() {
		for _, a := range args {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, a := range e.Args {
		if args[i], err = a.eval(ctx, rec); err != nil {
			return nil, err
		}
		// Operations work on plain values: categories are decoded.
		if args[i], err = decodeDatum(ctx, args[i]); err != nil {
			return nil, err
		}
	}
	call := func(fn string, opts compute.FunctionOptions, ds ...compute.Datum) (compute.Datum, error) {
		out, err := compute.CallFunction(ctx, fn, opts, ds...)
		if err != nil {
			return nil, fmt.Errorf("dataframe: evaluate %s: %w", e, err)
		}
		return out, nil
	}
	switch e.Op {
	case "add", "sub", "mul", "div", "neg":
		for i := range args {
			if args[i], err = castDatum(ctx, args[i], outType); err != nil {
				return nil, err
			}
		}
		fn := map[string]string{"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "neg": "negate"}[e.Op]
		return call(fn, nil, args...)
	case "eq", "ne", "lt", "le", "gt", "ge":
		if err := unifyNumeric(ctx, args); err != nil {
			return nil, err
		}
		if err := unifyTemporal(ctx, args); err != nil {
			return nil, err
		}
		fn := map[string]string{"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}[e.Op]
		return call(fn, nil, args...)
	case "between":
		if err := unifyNumeric(ctx, args); err != nil {
			return nil, err
		}
		lo, err := call("greater_equal", nil, args[0], args[1])
		if err != nil {
			return nil, err
		}
		defer lo.Release()
		hi, err := call("less_equal", nil, args[0], args[2])
		if err != nil {
			return nil, err
		}
		defer hi.Release()
		return call("and", nil, lo, hi)
	case "and":
		return call("and_kleene", nil, args...)
	case "or":
		return call("or_kleene", nil, args...)
	case "not":
		return call("not", nil, args...)
	case "is_null":
		return call("is_null", nil, args...)
	case "is_missing":
		isNull, err := call("is_null", nil, args...)
		if err != nil || !isFloat(datumType(args[0])) {
			return isNull, err
		}
		defer isNull.Release()
		isNaN, err := call("is_nan", nil, args...)
		if err != nil {
			return nil, err
		}
		defer isNaN.Release()
		return call("or_kleene", nil, isNull, isNaN)
	case "cast":
		// castDatum consumes its argument; args keeps what it returns, released below.
		if args[0], err = castDatum(ctx, args[0], outType); err != nil {
			return nil, err
		}
		return compute.NewDatum(args[0]), nil
	case "fill_null":
		return fillNull(ctx, args[0], args[1], outType)
	case "is_in":
		return isIn(ctx, args[0], e.Lit.([]any))
	case "str":
		return evalStr(ctx, e, args[0])
	case "dt":
		return evalDt(ctx, e, args[0], outType)
	case "if_else":
		return evalIfElse(ctx, rec.NumRows(), outType, args[0], args[1], args[2])
	}
	return nil, fmt.Errorf("dataframe: cannot evaluate %s", e)
}

func litScalar(v any) scalar.Scalar {
	switch x := v.(type) {
	case bool:
		return scalar.NewBooleanScalar(x)
	case int64:
		return scalar.NewInt64Scalar(x)
	case float64:
		return scalar.NewFloat64Scalar(x)
	case string:
		return scalar.NewStringScalar(x)
	case time.Time:
		return scalar.NewTimestampScalar(arrow.Timestamp(x.UnixMicro()), &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
	}
	return scalar.MakeNullScalar(arrow.Null)
}

func datumType(d compute.Datum) arrow.DataType {
	switch x := d.(type) {
	case *compute.ArrayDatum:
		return x.Type()
	case *compute.ScalarDatum:
		return x.Type()
	}
	return arrow.Null
}

// castDatum converts d to typ, releasing d when it makes a new datum.
func castDatum(ctx context.Context, d compute.Datum, typ arrow.DataType) (compute.Datum, error) {
	if arrow.TypeEqual(datumType(d), typ) {
		return d, nil
	}
	if ad, ok := d.(*compute.ArrayDatum); ok && typ.ID() == arrow.STRING {
		if src := datumType(d); isNumeric(src) || src.ID() == arrow.BOOL {
			arr := ad.MakeArray()
			out := formatStrings(ctx, arr)
			arr.Release()
			d.Release()
			defer out.Release()
			return compute.NewDatum(out), nil
		}
	}
	out, err := compute.CastDatum(ctx, d, compute.SafeCastOptions(typ))
	d.Release()
	if err != nil {
		return nil, fmt.Errorf("dataframe: cast to %s: %w", typ, err)
	}
	return out, nil
}

// unifyTemporal makes a time literal comparable with a date or timestamp column: the
// literal (an instant, microseconds UTC) is given the column's type — its unit, and its
// zone or none (a naive timestamp is read as UTC) — and a date column is widened to
// midnight timestamps.
func unifyTemporal(ctx context.Context, args []compute.Datum) error {
	if len(args) != 2 || !isTemporal(datumType(args[0])) || !isTemporal(datumType(args[1])) ||
		arrow.TypeEqual(datumType(args[0]), datumType(args[1])) {
		return nil
	}
	for i := range args {
		if datumType(args[i]).ID() != arrow.DATE32 {
			continue
		}
		ad, ok := args[i].(*compute.ArrayDatum)
		if !ok {
			continue
		}
		arr := ad.MakeArray()
		b := array.NewTimestampBuilder(compute.GetAllocator(ctx), &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
		for j := 0; j < arr.Len(); j++ {
			if arr.IsNull(j) {
				b.AppendNull()
			} else {
				b.Append(arrow.Timestamp(int64(arr.(*array.Date32).Value(j)) * 86400e6))
			}
		}
		wide := b.NewArray()
		b.Release()
		arr.Release()
		args[i].Release()
		args[i] = compute.NewDatum(wide)
		wide.Release()
	}
	for i := range args {
		sd, ok := args[i].(*compute.ScalarDatum)
		if !ok {
			continue
		}
		lit, ok := sd.Value.(*scalar.Timestamp)
		other, isTS := datumType(args[1-i]).(*arrow.TimestampType)
		if !ok || !isTS || !lit.IsValid() {
			continue
		}
		micros := int64(lit.Value)
		var v int64
		switch other.Unit {
		case arrow.Second:
			v = micros / 1e6
		case arrow.Millisecond:
			v = micros / 1e3
		case arrow.Microsecond:
			v = micros
		case arrow.Nanosecond:
			v = micros * 1e3
		}
		args[i] = compute.NewDatum(scalar.NewTimestampScalar(arrow.Timestamp(v), other))
	}
	return nil
}

// unifyNumeric casts numeric arguments of different types to their common type.
func unifyNumeric(ctx context.Context, args []compute.Datum) error {
	var common arrow.DataType
	for _, a := range args {
		t := datumType(a)
		if !isNumeric(t) {
			return nil
		}
		if common == nil {
			common = t
		} else if !arrow.TypeEqual(common, t) {
			common = numericResult(common, t)
		}
	}
	if common == nil {
		return nil
	}
	for i := range args {
		var err error
		if args[i], err = castDatum(ctx, args[i], common); err != nil {
			return err
		}
	}
	return nil
}

// formatStrings renders numbers and booleans as pandas' astype(str) does: integers in
// decimal, floats as Python's repr (1.0, 0.25, 1e+16), booleans as True and False.
// (It also avoids arrow-go v18.8.0's numeric-to-string cast, which leaks its buffers.)
func formatStrings(ctx context.Context, a arrow.Array) arrow.Array {
	b := array.NewStringBuilder(compute.GetAllocator(ctx))
	defer b.Release()
	b.Reserve(a.Len())
	var buf []byte
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = buf[:0]
		switch x := a.(type) {
		case *array.Boolean:
			if x.Value(i) {
				buf = append(buf, "True"...)
			} else {
				buf = append(buf, "False"...)
			}
		case *array.Float64:
			buf = pyFloat(buf, x.Value(i))
		case *array.Float32:
			buf = pyFloat(buf, float64(x.Value(i)))
		default:
			if n, ok := intValue(a, i); ok {
				if u, isU := a.(*array.Uint64); isU {
					buf = strconv.AppendUint(buf, u.Value(i), 10)
				} else {
					buf = strconv.AppendInt(buf, n, 10)
				}
			}
		}
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray()
}

// pyFloat appends f as Python's repr writes it.
func pyFloat(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "nan"...)
	case math.IsInf(f, 1):
		return append(buf, "inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-inf"...)
	}
	exp := 0
	if f != 0 {
		exp = int(math.Floor(math.Log10(math.Abs(f))))
	}
	if exp < -4 || exp >= 16 {
		return strconv.AppendFloat(buf, f, 'e', -1, 64) // 1e+16, 2.5e-05: as Python
	}
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
	if !bytes.ContainsAny(buf[start:], ".") {
		buf = append(buf, ".0"...)
	}
	return buf
}
