package dataframe

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// FromArrow makes a DataFrame of record batches, one partition each. The records are
// borrowed, not copied: keep them (unreleased) while the DataFrame is in use. They
// must share a schema; a mismatch is an error naming the partition.
func FromArrow(recs ...arrow.RecordBatch) *DataFrame {
	if len(recs) == 0 {
		return failed(fmt.Errorf("dataframe: FromArrow without records"))
	}
	name := graph.Token("from-arrow")
	parts := make([]graph.Task, len(recs))
	for i, r := range recs {
		if !r.Schema().Equal(recs[0].Schema()) {
			return failed(fmt.Errorf("dataframe: FromArrow: record %d has schema %s, record 0 has %s", i, r.Schema(), recs[0].Schema()))
		}
		seal(r)
		parts[i] = graph.Literal(graph.K(name, i), r)
	}
	return fromSource(&taskSource{key: name, parts: parts, sch: recs[0].Schema(), what: "FromArrow"})
}

// FromTable makes a DataFrame of an Arrow table cut into npartitions partitions of
// nearly equal row counts. The table is borrowed: keep it while the DataFrame is in use.
// A partition is cut when its task runs, or, for a worker process (the procs
// scheduler), in this process when the task is sent.
func FromTable(tbl arrow.Table, npartitions int) *DataFrame {
	if npartitions < 1 {
		return failed(fmt.Errorf("dataframe: FromTable into %d partitions", npartitions))
	}
	name := graph.Token("from-table")
	n := tbl.NumRows()
	parts := make([]graph.Task, npartitions)
	for i := range parts {
		lo, hi := n*int64(i)/int64(npartitions), n*int64(i+1)/int64(npartitions)
		slice := func(ctx context.Context) (arrow.RecordBatch, error) { return tableSlice(ctx, tbl, lo, hi) }
		parts[i] = graph.Task{Key: graph.K(name, i), Func: graph.Registered(driverPartName).WithLabel("from-table"), Args: []any{&driverPart{label: "FromTable", build: slice}}}
	}
	return fromSource(&taskSource{key: name, parts: parts, sch: tbl.Schema(), what: "FromTable"})
}

// tableSlice returns rows [lo, hi) of tbl as one record batch (concatenating chunks).
func tableSlice(ctx context.Context, tbl arrow.Table, lo, hi int64) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, tbl.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		chunked := array.NewChunkedSlice(tbl.Column(i).Data(), lo, hi)
		var nonEmpty []arrow.Array
		for _, ch := range chunked.Chunks() {
			if ch.Len() > 0 {
				nonEmpty = append(nonEmpty, ch)
			}
		}
		var err error
		if len(nonEmpty) > 0 {
			cols[i], err = concatArrays(compute.GetAllocator(ctx), nonEmpty)
		}
		if len(nonEmpty) == 0 {
			cols[i], err = array.MakeArrayOfNull(compute.GetAllocator(ctx), tbl.Schema().Field(i).Type, 0), nil
		}
		chunked.Release()
		if err != nil {
			return nil, fmt.Errorf("dataframe: slice table column %q: %w", tbl.Schema().Field(i).Name, err)
		}
	}
	return array.NewRecordBatch(tbl.Schema(), cols, hi-lo), nil
}

// fieldInfo maps a struct field to a column.
type fieldInfo struct {
	index []int
	name  string
	typ   arrow.DataType
	ptr   bool // a pointer field: nil is null
}

var timeType = reflect.TypeFor[time.Time]()

// structFields lists the exported fields of a struct type as columns: the column name
// is the `gask:"name"` tag, else the field name; `gask:"-"` skips a field.
func structFields(t reflect.Type) ([]fieldInfo, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("dataframe: %s is not a struct type", t)
	}
	var out []fieldInfo
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("gask"); ok {
			if tag == "-" {
				continue
			}
			name = strings.Split(tag, ",")[0]
		}
		ft, ptr := f.Type, false
		if ft.Kind() == reflect.Pointer {
			ft, ptr = ft.Elem(), true
		}
		var at arrow.DataType
		switch {
		case ft == timeType:
			at = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		case ft.Kind() == reflect.Bool:
			at = arrow.FixedWidthTypes.Boolean
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
			at = arrow.PrimitiveTypes.Int64
		case ft.Kind() >= reflect.Uint && ft.Kind() <= reflect.Uint64:
			at = arrow.PrimitiveTypes.Uint64
		case ft.Kind() == reflect.Float32 || ft.Kind() == reflect.Float64:
			at = arrow.PrimitiveTypes.Float64
		case ft.Kind() == reflect.String:
			at = arrow.BinaryTypes.String
		default:
			return nil, fmt.Errorf("dataframe: field %s.%s has type %s, which has no column type", t, f.Name, f.Type)
		}
		out = append(out, fieldInfo{index: f.Index, name: name, typ: at, ptr: ptr})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dataframe: %s has no exported fields", t)
	}
	return out, nil
}

// FromRecords makes a DataFrame of Go structs, npartitions partitions of nearly equal
// length. Exported fields become columns (named by a `gask:"name"` tag or the field
// name); pointer fields are nullable. The slice is borrowed: do not change it while
// the DataFrame is in use. A partition is built when its task runs, or, for a worker
// process (the procs scheduler), in this process when the task is sent.
func FromRecords[T any](rows []T, npartitions int) *DataFrame {
	fields, err := structFields(reflect.TypeFor[T]())
	if err != nil {
		return failed(err)
	}
	if npartitions < 1 {
		return failed(fmt.Errorf("dataframe: FromRecords into %d partitions", npartitions))
	}
	afs := make([]arrow.Field, len(fields))
	for i, f := range fields {
		afs[i] = arrow.Field{Name: f.name, Type: f.typ, Nullable: true}
	}
	schema := arrow.NewSchema(afs, nil)
	name := graph.Token("from-records")
	parts := make([]graph.Task, npartitions)
	n := len(rows)
	for i := range parts {
		chunk := rows[n*i/npartitions : n*(i+1)/npartitions]
		build := func(ctx context.Context) (arrow.RecordBatch, error) { return buildRecord(ctx, schema, fields, chunk) }
		parts[i] = graph.Task{Key: graph.K(name, i), Func: graph.Registered(driverPartName).WithLabel("from-records"), Args: []any{&driverPart{label: "FromRecords", build: build}}}
	}
	return fromSource(&taskSource{key: name, parts: parts, sch: schema, what: fmt.Sprintf("FromRecords[%s]", reflect.TypeFor[T]())})
}

// RecordSchema is the schema FromRecords gives a slice of T.
func RecordSchema[T any]() (*arrow.Schema, error) {
	fields, err := structFields(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	afs := make([]arrow.Field, len(fields))
	for i, f := range fields {
		afs[i] = arrow.Field{Name: f.name, Type: f.typ, Nullable: true}
	}
	return arrow.NewSchema(afs, nil), nil
}

// RecordBatchOf builds one record batch of rows, of RecordSchema[T], as FromRecords
// does for a partition (other collections, such as bags, convert with it).
func RecordBatchOf[T any](ctx context.Context, rows []T) (arrow.RecordBatch, error) {
	fields, err := structFields(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	schema, err := RecordSchema[T]()
	if err != nil {
		return nil, err
	}
	return buildRecord(ctx, schema, fields, rows)
}

func buildRecord[T any](ctx context.Context, schema *arrow.Schema, fields []fieldInfo, rows []T) (arrow.RecordBatch, error) {
	b := array.NewRecordBuilder(compute.GetAllocator(ctx), schema)
	defer b.Release()
	for _, row := range rows {
		v := reflect.ValueOf(row)
		for i, f := range fields {
			fv := v.FieldByIndex(f.index)
			fb := b.Field(i)
			if f.ptr {
				if fv.IsNil() {
					fb.AppendNull()
					continue
				}
				fv = fv.Elem()
			}
			switch bb := fb.(type) {
			case *array.BooleanBuilder:
				bb.Append(fv.Bool())
			case *array.Int64Builder:
				bb.Append(fv.Int())
			case *array.Uint64Builder:
				bb.Append(fv.Uint())
			case *array.Float64Builder:
				bb.Append(fv.Float())
			case *array.StringBuilder:
				bb.Append(fv.String())
			case *array.TimestampBuilder:
				bb.Append(arrow.Timestamp(fv.Interface().(time.Time).UnixMicro()))
			}
		}
	}
	return b.NewRecordBatch(), nil
}

// ToRecords computes df and scans its rows into structs of type T, matching columns to
// fields by `gask:"name"` tag or field name. A column without a field is skipped; a
// field without a column, or a null into a non-pointer field, is an error naming it.
func ToRecords[T any](ctx context.Context, df *DataFrame, opts ...gask.Option) ([]T, error) {
	tbl, err := df.Compute(ctx, opts...)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	return TableToRecords[T](tbl)
}

// TableToRecords scans an Arrow table's rows into structs of type T (see ToRecords).
func TableToRecords[T any](tbl arrow.Table) ([]T, error) {
	t := reflect.TypeFor[T]()
	fields, err := structFields(t)
	if err != nil {
		return nil, err
	}
	out := make([]T, tbl.NumRows())
	for _, f := range fields {
		idx := tbl.Schema().FieldIndices(f.name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("dataframe: no column %q for field of %s (columns: %s)", f.name, t, strings.Join(fieldNames(tbl.Schema()), ", "))
		}
		row := 0
		for _, chunk := range tbl.Column(idx[0]).Data().Chunks() {
			for i := 0; i < chunk.Len(); i, row = i+1, row+1 {
				fv := reflect.ValueOf(&out[row]).Elem().FieldByIndex(f.index)
				if chunk.IsNull(i) {
					if !f.ptr {
						return nil, fmt.Errorf("dataframe: column %q row %d is null, but field %s of %s is not a pointer", f.name, row, f.name, t)
					}
					continue
				}
				if f.ptr {
					fv.Set(reflect.New(fv.Type().Elem()))
					fv = fv.Elem()
				}
				if err := setField(fv, chunk, i); err != nil {
					return nil, fmt.Errorf("dataframe: column %q row %d: %w", f.name, row, err)
				}
			}
		}
	}
	return out, nil
}

func setField(fv reflect.Value, a arrow.Array, i int) error {
	switch x := a.(type) {
	case *array.Boolean:
		if fv.Kind() == reflect.Bool {
			fv.SetBool(x.Value(i))
			return nil
		}
	case *array.String:
		if fv.Kind() == reflect.String {
			fv.SetString(x.Value(i))
			return nil
		}
	case *array.LargeString:
		if fv.Kind() == reflect.String {
			fv.SetString(x.Value(i))
			return nil
		}
	case *array.Float64:
		if fv.CanFloat() {
			fv.SetFloat(x.Value(i))
			return nil
		}
	case *array.Float32:
		if fv.CanFloat() {
			fv.SetFloat(float64(x.Value(i)))
			return nil
		}
	case *array.Dictionary:
		if s, ok := x.Dictionary().(*array.String); ok && fv.Kind() == reflect.String {
			fv.SetString(s.Value(x.GetValueIndex(i)))
			return nil
		}
	case *array.Date32:
		if fv.Type() == timeType {
			fv.Set(reflect.ValueOf(x.Value(i).ToTime()))
			return nil
		}
	case *array.Timestamp:
		if fv.Type() == timeType {
			unit := x.DataType().(*arrow.TimestampType).Unit
			fv.Set(reflect.ValueOf(x.Value(i).ToTime(unit)))
			return nil
		}
	}
	if n, ok := intValue(a, i); ok {
		switch {
		case fv.CanInt():
			if fv.OverflowInt(n) {
				return fmt.Errorf("%d overflows %s", n, fv.Type())
			}
			fv.SetInt(n)
			return nil
		case fv.CanUint() && n >= 0:
			fv.SetUint(uint64(n))
			return nil
		case fv.CanFloat():
			fv.SetFloat(float64(n))
			return nil
		}
	}
	return fmt.Errorf("cannot store %s in a %s field", a.DataType(), fv.Type())
}

// intValue reads element i of an integer array as int64.
func intValue(a arrow.Array, i int) (int64, bool) {
	switch x := a.(type) {
	case *array.Int8:
		return int64(x.Value(i)), true
	case *array.Int16:
		return int64(x.Value(i)), true
	case *array.Int32:
		return int64(x.Value(i)), true
	case *array.Int64:
		return x.Value(i), true
	case *array.Uint8:
		return int64(x.Value(i)), true
	case *array.Uint16:
		return int64(x.Value(i)), true
	case *array.Uint32:
		return int64(x.Value(i)), true
	case *array.Uint64:
		return int64(x.Value(i)), true
	}
	return 0, false
}
