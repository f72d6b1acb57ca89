package dataframe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
)

// recordReader splits CSV records out of a buffer: RFC 4180 fields, quoted fields
// with "" escapes, delimiters and newlines inside quotes, \r\n line ends.
type recordReader struct {
	data    []byte
	pos     int
	delim   byte
	line    int64 // line number of the record about to be read
	fields  [][]byte
	scratch []byte // unescaped quoted fields
}

// next reads one record into r.fields and returns its first line number; ok is false
// at the end of the data.
func (r *recordReader) next() (line int64, ok bool, err error) {
	if r.pos >= len(r.data) {
		return 0, false, nil
	}
	line = r.line
	r.fields = r.fields[:0]
	r.scratch = r.scratch[:0]
	d := r.data
	p := r.pos
	for {
		if p < len(d) && d[p] == '"' {
			// Quoted field: up to the closing quote, "" standing for one quote.
			start := len(r.scratch)
			p++
			for {
				q := bytes.IndexByte(d[p:], '"')
				if q < 0 {
					return line, false, fmt.Errorf("line %d: a quoted field is not closed before the end of the data", line)
				}
				r.line += int64(bytes.Count(d[p:p+q], nl))
				r.scratch = append(r.scratch, d[p:p+q]...)
				p += q + 1
				if p < len(d) && d[p] == '"' {
					r.scratch = append(r.scratch, '"')
					p++
					continue
				}
				break
			}
			r.fields = append(r.fields, r.scratch[start:len(r.scratch):len(r.scratch)])
			switch {
			case p >= len(d):
				r.pos = p
				return line, true, nil
			case d[p] == r.delim:
				p++
				continue
			case d[p] == '\n':
				r.pos, r.line = p+1, r.line+1
				return line, true, nil
			case d[p] == '\r' && p+1 < len(d) && d[p+1] == '\n':
				r.pos, r.line = p+2, r.line+1
				return line, true, nil
			}
			return line, false, fmt.Errorf("line %d: unexpected %q after a quoted field", line, d[p])
		}
		// Unquoted field: up to the delimiter or the end of the line.
		end := p
		for end < len(d) && d[end] != r.delim && d[end] != '\n' {
			end++
		}
		f := d[p:end]
		if end == len(d) || d[end] == '\n' {
			if len(f) > 0 && f[len(f)-1] == '\r' {
				f = f[:len(f)-1]
			}
			r.fields = append(r.fields, f)
			r.pos = min(end+1, len(d)) // past the newline, or at the end of the data
			r.line++
			return line, true, nil
		}
		r.fields = append(r.fields, f)
		p = end + 1
	}
}

// nullSet recognises the null markers.
type nullSet struct {
	m      map[string]bool
	maxLen int
	empty  bool
}

func newNullSet(vs []string) nullSet {
	n := nullSet{m: map[string]bool{}}
	for _, v := range vs {
		n.m[v] = true
		n.maxLen = max(n.maxLen, len(v))
		if v == "" {
			n.empty = true
		}
	}
	return n
}

func (n nullSet) is(f []byte) bool {
	if len(f) == 0 {
		return n.empty
	}
	return len(f) <= n.maxLen && n.m[unsafe.String(&f[0], len(f))]
}

func parseInt(f []byte) (int64, bool) {
	if len(f) == 0 || len(f) > 19 {
		if len(f) > 19 {
			v, err := strconv.ParseInt(string(f), 10, 64)
			return v, err == nil
		}
		return 0, false
	}
	neg := false
	i := 0
	if f[0] == '-' || f[0] == '+' {
		neg = f[0] == '-'
		i = 1
		if len(f) == 1 {
			return 0, false
		}
	}
	var v int64
	for ; i < len(f); i++ {
		c := f[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int64(c)
	}
	if neg {
		v = -v
	}
	return v, true
}

func parseFloat(f []byte) (float64, bool) {
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(unsafe.String(&f[0], len(f)), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true // ±Inf or a denormal, as pandas reads it
		}
		return 0, false
	}
	return v, true
}

func parseBool(f []byte) (bool, bool) {
	switch string(f) {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// csvError is a malformed field or row, named by file, line and column.
func csvError(path string, line int64, column string, format string, args ...any) error {
	where := fmt.Sprintf("%s line %d", path, line)
	if column != "" {
		where += fmt.Sprintf(" column %q", column)
	}
	return fmt.Errorf("dataframe: read csv %s: %s", where, fmt.Sprintf(format, args...))
}

// readBlock reads one partition: the bytes of the block, parsed into the schema's
// columns (only the requested ones converted).
func readBlock(ctx context.Context, b csvBlock, bounds *csvBounds) (arrow.RecordBatch, error) {
	schema, err := parseFields(b.Fields)
	if err != nil {
		return nil, err
	}
	var data []byte
	line := int64(1)
	skipHeader := !b.Opts.NoHeader
	if bounds != nil {
		start, end := bounds.Offsets[b.Block], bounds.Offsets[b.Block+1]
		line = bounds.Lines[b.Block]
		skipHeader = false
		f, err := os.Open(b.File.Path)
		if err != nil {
			return nil, fmt.Errorf("dataframe: read csv: %w", err)
		}
		data = make([]byte, end-start)
		_, err = f.ReadAt(data, start)
		f.Close()
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("dataframe: read csv %s: %w", b.File.Path, err)
		}
	} else {
		rc, err := openCSV(b.File.Path, b.File.Compression)
		if err != nil {
			return nil, fmt.Errorf("dataframe: read csv %s: %w", b.File.Path, err)
		}
		data, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("dataframe: read csv %s: %w", b.File.Path, err)
		}
	}
	rr := &recordReader{data: data, delim: b.Opts.Delimiter, line: line}
	if skipHeader {
		if _, _, err := rr.next(); err != nil {
			return nil, fmt.Errorf("dataframe: read csv %s: %w", b.File.Path, err)
		}
	}
	return parseRecords(ctx, rr, schema, b)
}

// parseRecords converts the remaining records of rr.
func parseRecords(ctx context.Context, rr *recordReader, schema *arrow.Schema, b csvBlock) (arrow.RecordBatch, error) {
	want := map[string]bool{}
	for _, c := range b.Columns {
		want[c] = true
	}
	mem := compute.GetAllocator(ctx)
	nf := schema.NumFields()
	// out lists the converted columns: their schema position and builder.
	type column struct {
		idx  int
		name string
		b    array.Builder
	}
	var cols []column
	var outFields []arrow.Field
	for i, f := range schema.Fields() {
		if b.Columns == nil || want[f.Name] {
			var bld array.Builder
			if isCategory(f.Type) {
				bld = newCategoryBuilder(mem)
			} else {
				bld = array.NewBuilder(mem, f.Type)
			}
			cols = append(cols, column{idx: i, name: f.Name, b: bld})
			outFields = append(outFields, f)
		}
	}
	defer func() {
		for _, c := range cols {
			c.b.Release()
		}
	}()
	if b.Columns != nil {
		// Keep the requested order.
		pos := map[string]int{}
		for i, c := range b.Columns {
			pos[c] = i
		}
		sortedCols := make([]column, len(cols))
		sortedFields := make([]arrow.Field, len(cols))
		for i, c := range cols {
			sortedCols[pos[c.name]] = c
			sortedFields[pos[c.name]] = outFields[i]
		}
		cols, outFields = sortedCols, sortedFields
	}
	// Reserve once for an upper bound of the rows (the block's line count).
	est := bytes.Count(rr.data[rr.pos:], nl) + 1
	for _, c := range cols {
		c.b.Reserve(est)
	}
	nulls := newNullSet(b.Opts.NullValues)
	hint := ""
	if len(b.Opts.Types) == 0 {
		hint = " (the type was inferred from a sample; set it with dataframe.ColumnTypes)"
	}
	rows := int64(0)
	var bad BadLines
	skip := func(line int64, err error) error {
		if !b.Opts.SkipBad {
			return err
		}
		if bad.Count == 0 {
			bad = BadLines{Path: b.File.Path, First: line, Err: err}
		}
		bad.Count++
		return nil
	}
	cells := make([]csvCell, len(cols))
	defer func() {
		if bad.Count > 0 {
			slog.Warn("dataframe: skipped malformed CSV rows", "file", bad.Path, "count", bad.Count, "first_line", bad.First, "first_error", bad.Err)
			if report := badLineReport(ctx); report != nil {
				report(bad)
			}
		}
	}()
	for {
		if rows&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line, ok, err := rr.next()
		if err != nil {
			return nil, fmt.Errorf("dataframe: read csv %s %w", b.File.Path, err)
		}
		if !ok {
			break
		}
		if len(rr.fields) == 1 && len(rr.fields[0]) == 0 && nf > 1 {
			continue // a blank line
		}
		if len(rr.fields) != nf {
			if err := skip(line, csvError(b.File.Path, line, "", "%d fields, want %d", len(rr.fields), nf)); err != nil {
				return nil, err
			}
			continue
		}
		if int(rows) == est { // more records than lines cannot happen; stay safe anyway
			for _, c := range cols {
				c.b.Reserve(est)
			}
			est *= 2
		}
		// Parse the row's fields first, append them only when all of them fit, so a
		// skipped row leaves nothing behind.
		var rowErr error
		for j, c := range cols {
			f := rr.fields[c.idx]
			cell := &cells[j]
			cell.null = false
			switch c.b.(type) {
			case *array.Int64Builder:
				if v, ok := parseInt(f); ok {
					cell.i = v
				} else if nulls.is(f) {
					cell.null = true
				} else {
					rowErr = csvError(b.File.Path, line, c.name, "cannot parse %q as int64%s", f, hint)
				}
			case *array.Float64Builder:
				if nulls.is(f) {
					cell.null = true
				} else if v, ok := parseFloat(f); ok {
					cell.f = v
				} else {
					rowErr = csvError(b.File.Path, line, c.name, "cannot parse %q as float64%s", f, hint)
				}
			case *array.BooleanBuilder:
				if v, ok := parseBool(f); ok {
					cell.b = v
				} else if nulls.is(f) {
					cell.null = true
				} else {
					rowErr = csvError(b.File.Path, line, c.name, "cannot parse %q as bool%s", f, hint)
				}
			case *array.StringBuilder, *categoryBuilder:
				cell.null = nulls.is(f)
				cell.s = f
			case *array.Date32Builder:
				if v, ok := parseDate(f); ok {
					cell.i = int64(v)
				} else if nulls.is(f) {
					cell.null = true
				} else {
					rowErr = csvError(b.File.Path, line, c.name, "cannot parse %q as a date (YYYY-MM-DD)%s", f, hint)
				}
			case *array.TimestampBuilder:
				if v, _, ok := parseTimestamp(f); ok {
					cell.i = int64(v)
				} else if d, ok := parseDate(f); ok {
					cell.i = int64(d) * 86400e6
				} else if nulls.is(f) {
					cell.null = true
				} else {
					rowErr = csvError(b.File.Path, line, c.name, "cannot parse %q as a timestamp (YYYY-MM-DD hh:mm:ss)%s", f, hint)
				}
			}
			if rowErr != nil {
				break
			}
		}
		if rowErr == nil {
			for j, c := range cols {
				cell := &cells[j]
				switch bb := c.b.(type) {
				case *array.Int64Builder:
					if cell.null {
						bb.UnsafeAppendBoolToBitmap(false)
					} else {
						bb.UnsafeAppend(cell.i)
					}
				case *array.Float64Builder:
					if cell.null {
						bb.UnsafeAppendBoolToBitmap(false)
					} else {
						bb.UnsafeAppend(cell.f)
					}
				case *array.BooleanBuilder:
					if cell.null {
						bb.UnsafeAppendBoolToBitmap(false)
					} else {
						bb.UnsafeAppend(cell.b)
					}
				case *array.StringBuilder:
					if cell.null {
						bb.AppendNull()
					} else {
						bb.BinaryBuilder.Append(cell.s)
					}
				case *categoryBuilder:
					if cell.null {
						bb.AppendNull()
					} else {
						bb.Append(cell.s)
					}
				case *array.Date32Builder:
					if cell.null {
						bb.AppendNull()
					} else {
						bb.Append(arrow.Date32(cell.i))
					}
				case *array.TimestampBuilder:
					if cell.null {
						bb.AppendNull()
					} else {
						bb.Append(arrow.Timestamp(cell.i))
					}
				}
			}
		}
		if rowErr != nil {
			if err := skip(line, rowErr); err != nil {
				return nil, err
			}
			continue
		}
		rows++
	}
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		arrs[i] = c.b.NewArray()
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	return array.NewRecordBatch(arrow.NewSchema(outFields, nil), arrs, rows), nil
}

// inferCSVSchema reads the header and a sample of the first file and fixes o.Names.
func inferCSVSchema(file csvFile, o *csvOptions) (*arrow.Schema, error) {
	if o.schema != nil {
		for _, f := range o.schema.Fields() {
			if _, ok := castTypes[typeName(f.Type)]; !ok {
				return nil, fmt.Errorf("dataframe: read csv: column %q has type %s; CSV columns can be int64, float64, bool or string", f.Name, f.Type)
			}
		}
		return o.schema, nil
	}
	rc, err := openCSV(file.Path, file.Compression)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read csv %s: %w", file.Path, err)
	}
	sample := make([]byte, o.SampleBytes)
	n, err := io.ReadFull(rc, sample)
	rc.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("dataframe: read csv %s: %w", file.Path, err)
	}
	sample = sample[:n]
	complete := n < o.SampleBytes
	if !complete {
		// Drop the last, possibly cut, line.
		if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
			sample = sample[:i+1]
		}
	}
	rr := &recordReader{data: sample, delim: o.Delimiter, line: 1}
	var names []string
	if !o.NoHeader {
		_, ok, err := rr.next()
		if err != nil {
			return nil, fmt.Errorf("dataframe: read csv %s: header: %w", file.Path, err)
		}
		if !ok {
			return nil, fmt.Errorf("dataframe: read csv %s: the file is empty: no header", file.Path)
		}
		for _, f := range rr.fields {
			names = append(names, string(f))
		}
	}
	var rows [][]string
	for len(rows) < 10000 {
		line, ok, err := rr.next()
		if err != nil {
			if complete {
				return nil, fmt.Errorf("dataframe: read csv %s %w", file.Path, err)
			}
			break // a record cut by the end of the sample
		}
		if !ok {
			break
		}
		if len(rr.fields) == 1 && len(rr.fields[0]) == 0 {
			continue
		}
		if names == nil {
			for i := range rr.fields {
				names = append(names, fmt.Sprintf("column%d", i))
			}
		}
		if len(rr.fields) != len(names) {
			if o.SkipBad {
				continue // skipped again, and reported, when the block is read
			}
			return nil, csvError(file.Path, line, "", "%d fields, want %d", len(rr.fields), len(names))
		}
		row := make([]string, len(rr.fields))
		for i, f := range rr.fields {
			row[i] = string(f)
		}
		rows = append(rows, row)
	}
	if o.Names != nil {
		if names != nil && len(o.Names) != len(names) {
			return nil, fmt.Errorf("dataframe: read csv %s: %d names for %d columns", file.Path, len(o.Names), len(names))
		}
		names = o.Names
	}
	if names == nil {
		return nil, fmt.Errorf("dataframe: read csv %s: no columns", file.Path)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, fmt.Errorf("dataframe: read csv %s: duplicate column name %q", file.Path, n)
		}
		seen[n] = true
	}
	nulls := newNullSet(o.NullValues)
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		fields[i] = arrow.Field{Name: name, Type: inferColumn(rows, i, nulls), Nullable: true}
	}
	for name, typ := range o.Types {
		i := slicesIndex(names, name)
		if i < 0 {
			return nil, fmt.Errorf("dataframe: read csv %s: ColumnTypes names column %q, which is not in the file (columns: %s)", file.Path, name, strings.Join(names, ", "))
		}
		t, ok := castTypes[typ]
		if !ok {
			return nil, fmt.Errorf("dataframe: read csv: column %q: unknown type %q: want int64, float64, bool or string", name, typ)
		}
		fields[i].Type = t
	}
	return arrow.NewSchema(fields, nil), nil
}

func slicesIndex(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// inferColumn picks the narrowest type every non-null sample value of column i fits.
func inferColumn(rows [][]string, i int, nulls nullSet) arrow.DataType {
	isInt, isFloat, isBool, any := true, true, true, false
	isDate, isTS, zoned := true, true, false
	for _, r := range rows {
		f := []byte(r[i])
		if nulls.is(f) {
			continue
		}
		any = true
		if isInt {
			_, isInt = parseInt(f)
		}
		if isFloat {
			_, isFloat = parseFloat(f)
		}
		if isBool {
			_, isBool = parseBool(f)
		}
		if isDate {
			_, isDate = parseDate(f)
		}
		if isTS {
			var z bool
			if _, z, isTS = parseTimestamp(f); !isTS {
				_, isTS = parseDate(f) // a date within timestamps is midnight
			}
			zoned = zoned || z
		}
		if !isInt && !isFloat && !isBool && !isDate && !isTS {
			break
		}
	}
	switch {
	case !any:
		return arrow.PrimitiveTypes.Float64 // all missing: NaN-filled, as pandas
	case isInt:
		return arrow.PrimitiveTypes.Int64
	case isFloat:
		return arrow.PrimitiveTypes.Float64
	case isBool:
		return arrow.FixedWidthTypes.Boolean
	case isDate:
		return arrow.FixedWidthTypes.Date32
	case isTS && zoned:
		return castTypes["timestamp_utc"]
	case isTS:
		return castTypes["timestamp"]
	}
	return arrow.BinaryTypes.String
}

// csvCell is one parsed field, held until its whole row has parsed.
type csvCell struct {
	null bool
	i    int64
	f    float64
	b    bool
	s    []byte
}

type badLineKey struct{}

func withBadLineReport(ctx context.Context, report func(BadLines)) context.Context {
	return context.WithValue(ctx, badLineKey{}, report)
}

func badLineReport(ctx context.Context) func(BadLines) {
	f, _ := ctx.Value(badLineKey{}).(func(BadLines))
	return f
}
