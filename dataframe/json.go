package dataframe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/graph"
)

// ReadJSON reads JSON lines files — one object per line, a path or a glob — into a
// DataFrame, one partition per block of each file (see Blocksize; compressed files are
// read whole). The schema comes from WithSchema or ColumnTypes, else from a sample of
// the first file: a key's values are int64 when all are integers, float64 when all are
// numbers, bool, else string (nested values are kept as their JSON text). A key missing
// from an object, or null, is a null. A malformed line is an error naming its file and
// line.
func ReadJSON(pattern string, opts ...CSVOption) *DataFrame {
	paths, err := expandPaths("json", pattern)
	if err != nil {
		return failed(err)
	}
	o := csvOptions{Blocksize: 64 << 20, SampleBytes: 256 << 10}
	for _, f := range opts {
		f(&o)
	}
	if o.Blocksize < 1 {
		return failed(fmt.Errorf("dataframe: read json: blocksize %d", o.Blocksize))
	}
	src := &jsonSource{opts: o}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return failed(fmt.Errorf("dataframe: read json: %w", err))
		}
		f := csvFile{Path: p, Size: st.Size(), Compression: compressionOf(p), Blocks: 1}
		if f.Compression == "" && f.Size > o.Blocksize {
			f.Blocks = int((f.Size + o.Blocksize - 1) / o.Blocksize)
		}
		for b := range f.Blocks {
			src.parts = append(src.parts, jsonBlock{File: f, Block: b, Blocksize: o.Blocksize})
		}
	}
	if src.sch, err = inferJSONSchema(src.parts[0].File, o); err != nil {
		return failed(err)
	}
	src.key = keyName("read-json", paths, []Step{{Kind: fmt.Sprint(o.Blocksize, o.Types), Names: fieldNames(src.sch)}})
	return fromSource(src)
}

type jsonBlock struct {
	File      csvFile
	Block     int
	Blocksize int64
	Fields    []string // name:type
	Columns   []string
}

type jsonSource struct {
	parts []jsonBlock
	opts  csvOptions
	sch   *arrow.Schema
	key   string
}

func (s *jsonSource) describe() string {
	seen := map[string]bool{}
	var names []string
	for _, p := range s.parts {
		if !seen[p.File.Path] {
			seen[p.File.Path] = true
			names = append(names, filepath.Base(p.File.Path))
		}
	}
	return "ReadJSON " + strings.Join(names, ", ")
}
func (s *jsonSource) name() string          { return s.key }
func (s *jsonSource) schema() *arrow.Schema { return s.sch }
func (s *jsonSource) npartitions() int      { return len(s.parts) }

const jsonReadName = "dataframe.read-json"

func (s *jsonSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	b := s.parts[i]
	b.Fields, b.Columns = schemaFields(s.sch), columns
	t := graph.Task{Key: key, Func: graph.Registered(jsonReadName), Args: []any{b, steps}}
	if b.File.Blocks == 1 {
		return []graph.Task{t}, nil
	}
	// One pass over the file finds the line starts nearest the block offsets (JSON
	// strings hold no raw newlines, so no quote tracking) and their line numbers.
	opts := csvOptions{Blocksize: b.Blocksize, NoHeader: true, NoQuotes: true}
	bounds := graph.Task{
		Key:  graph.K(keyName("json-bounds", []string{b.File.Path}, nil)+fmt.Sprintf("-%x-%x", b.File.Size, b.Blocksize), 0),
		Func: graph.Registered(csvBoundsName),
		Args: []any{csvBlock{File: b.File, Opts: opts}},
	}
	t.Args = append(t.Args, graph.Input(0))
	t.Deps = []graph.Key{bounds.Key}
	return []graph.Task{bounds, t}, nil
}

func init() {
	register(jsonReadName, func(ctx context.Context, args []any) (any, error) {
		b := args[0].(jsonBlock)
		return readThenSteps(ctx, args, func(bounds *csvBounds) (arrow.RecordBatch, error) { return readJSONBlock(ctx, b, bounds) })
	})
}

// jsonLines returns the bytes of block b — whole lines, cut where the bounds scan
// found line starts — and the line number of the first.
func jsonLines(b jsonBlock, bounds *csvBounds) (data []byte, first int64, err error) {
	if bounds == nil {
		rc, err := openCSV(b.File.Path, b.File.Compression)
		if err != nil {
			return nil, 0, err
		}
		defer rc.Close()
		data, err = io.ReadAll(rc)
		return data, 1, err
	}
	f, err := os.Open(b.File.Path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	start, end := bounds.Offsets[b.Block], bounds.Offsets[b.Block+1]
	data = make([]byte, end-start)
	if _, err := f.ReadAt(data, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, err
	}
	return data, bounds.Lines[b.Block], nil
}

func readJSONBlock(ctx context.Context, b jsonBlock, bounds *csvBounds) (arrow.RecordBatch, error) {
	schema, err := parseFields(b.Fields)
	if err != nil {
		return nil, err
	}
	data, line, err := jsonLines(b, bounds)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read json %s: %w", b.File.Path, err)
	}
	want := map[string]int{}
	var fields []arrow.Field
	for _, f := range schema.Fields() {
		if b.Columns == nil || slices.Contains(b.Columns, f.Name) {
			want[f.Name] = len(fields)
			fields = append(fields, f)
		}
	}
	if b.Columns != nil { // the requested order
		sorted := make([]arrow.Field, 0, len(fields))
		for _, c := range b.Columns {
			sorted = append(sorted, fields[want[c]])
		}
		fields = sorted
		for i, f := range fields {
			want[f.Name] = i
		}
	}
	out := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBuilder(compute.GetAllocator(ctx), out)
	defer rb.Release()
	seen := make([]bool, len(fields))
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		raw := data
		if i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			line++
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, fmt.Errorf("dataframe: read json %s line %d: %w", b.File.Path, line, err)
		}
		clear(seen)
		for k, v := range obj {
			c, ok := want[k]
			if !ok {
				continue
			}
			seen[c] = true
			if err := appendJSON(rb.Field(c), v); err != nil {
				return nil, fmt.Errorf("dataframe: read json %s line %d key %q: %w", b.File.Path, line, k, err)
			}
		}
		for c, ok := range seen {
			if !ok {
				rb.Field(c).AppendNull()
			}
		}
		line++
	}
	return rb.NewRecordBatch(), nil
}

func appendJSON(b array.Builder, v json.RawMessage) error {
	if string(v) == "null" {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.Int64Builder:
		var n int64
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("%s is not an int64 (the type was inferred from a sample; set it with dataframe.ColumnTypes)", v)
		}
		bb.Append(n)
	case *array.Float64Builder:
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("%s is not a number", v)
		}
		bb.Append(f)
	case *array.BooleanBuilder:
		var t bool
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("%s is not a boolean", v)
		}
		bb.Append(t)
	case *array.StringBuilder:
		var s string
		if len(v) > 0 && v[0] == '"' {
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
		} else {
			s = string(v) // numbers, booleans, objects, arrays: their JSON text
		}
		bb.Append(s)
	}
	return nil
}

// inferJSONSchema reads a sample of the first file's lines.
func inferJSONSchema(file csvFile, o csvOptions) (*arrow.Schema, error) {
	if o.schema != nil {
		return o.schema, nil
	}
	rc, err := openCSV(file.Path, file.Compression)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read json %s: %w", file.Path, err)
	}
	sample := make([]byte, o.SampleBytes)
	n, err := io.ReadFull(rc, sample)
	rc.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("dataframe: read json %s: %w", file.Path, err)
	}
	sample = sample[:n]
	if n == o.SampleBytes {
		if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
			sample = sample[:i]
		}
	}
	type stat struct{ isInt, isFloat, isBool, any bool }
	var order []string
	stats := map[string]*stat{}
	for ln, raw := range bytes.Split(sample, nl) {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, fmt.Errorf("dataframe: read json %s line %d: %w", file.Path, ln+1, err)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		// Keys in the order of the line (a map forgets it): find them in the text.
		slices.SortFunc(keys, func(a, b string) int {
			ia, _ := json.Marshal(a)
			ib, _ := json.Marshal(b)
			return bytes.Index(raw, ia) - bytes.Index(raw, ib)
		})
		for _, k := range keys {
			st, ok := stats[k]
			if !ok {
				st = &stat{isInt: true, isFloat: true, isBool: true}
				stats[k] = st
				order = append(order, k)
			}
			v := obj[k]
			if string(v) == "null" {
				continue
			}
			st.any = true
			var i int64
			var f float64
			var b bool
			st.isInt = st.isInt && json.Unmarshal(v, &i) == nil
			st.isFloat = st.isFloat && v[0] != '"' && json.Unmarshal(v, &f) == nil
			st.isBool = st.isBool && json.Unmarshal(v, &b) == nil
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("dataframe: read json %s: no objects in the first %d bytes", file.Path, n)
	}
	fields := make([]arrow.Field, len(order))
	for i, k := range order {
		st := stats[k]
		var t arrow.DataType = arrow.BinaryTypes.String
		switch {
		case !st.any:
			t = arrow.PrimitiveTypes.Float64
		case st.isInt:
			t = arrow.PrimitiveTypes.Int64
		case st.isFloat:
			t = arrow.PrimitiveTypes.Float64
		case st.isBool:
			t = arrow.FixedWidthTypes.Boolean
		}
		if name, ok := o.Types[k]; ok {
			ct, ok := castTypes[name]
			if !ok {
				return nil, fmt.Errorf("dataframe: read json: column %q: unknown type %q", k, name)
			}
			t = ct
		}
		fields[i] = arrow.Field{Name: k, Type: t, Nullable: true}
	}
	for k := range o.Types {
		if _, ok := stats[k]; !ok {
			return nil, fmt.Errorf("dataframe: read json %s: ColumnTypes names key %q, which is not in the sample", file.Path, k)
		}
	}
	return arrow.NewSchema(fields, nil), nil
}
