package dataframe

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/klauspost/compress/zstd"

	"github.com/gask-dev/gask/graph"
)

// CSVOption configures ReadCSV.
type CSVOption func(*csvOptions)

// CSVOptions are ReadCSV's settings; they travel to worker processes with the tasks.
type csvOptions struct {
	Blocksize   int64
	Delimiter   byte
	NoHeader    bool
	Names       []string
	Types       map[string]string
	schema      *arrow.Schema // in process only: tasks carry it as plain fields
	NullValues  []string
	SampleBytes int
	NoQuotes    bool // quotes are ordinary characters (JSON lines)
	SkipBad     bool
	onBad       func(BadLines) // in process only
}

// BadLines reports the malformed rows a block of a CSV file skipped (SkipBadLines).
type BadLines struct {
	Path  string
	Count int   // rows skipped in this block
	First int64 // line number of the first
	Err   error // what was wrong with the first
}

// SkipBadLines skips rows with the wrong number of fields or a value that does not
// fit its column, instead of failing (pandas' on_bad_lines="skip"). Each block that
// skips rows reports them to report, when it is not nil, and logs a warning with
// log/slog. report is called from the goroutines that read, possibly at once.
func SkipBadLines(report func(BadLines)) CSVOption {
	return func(o *csvOptions) { o.SkipBad, o.onBad = true, report }
}

// Blocksize cuts files into partitions of about n bytes, at line boundaries (default
// 64 MiB). Compressed files are read whole, one partition each.
func Blocksize(n int64) CSVOption { return func(o *csvOptions) { o.Blocksize = n } }

// Delimiter sets the field separator (default ',').
func Delimiter(c byte) CSVOption { return func(o *csvOptions) { o.Delimiter = c } }

// NoHeader says the files have no header line; columns are named by Names or
// "column0", "column1", ….
func NoHeader() CSVOption { return func(o *csvOptions) { o.NoHeader = true } }

// Names names the columns (replacing the header's names when there is one).
func Names(names ...string) CSVOption { return func(o *csvOptions) { o.Names = names } }

// ColumnTypes fixes the types of some columns ("int64", "float64", "bool", "string",
// "date", "timestamp", "timestamp_utc"), inferring the others from the sample.
func ColumnTypes(types map[string]string) CSVOption {
	return func(o *csvOptions) { o.Types = types }
}

// WithSchema gives every column's name and type; nothing is inferred.
func WithSchema(s *arrow.Schema) CSVOption { return func(o *csvOptions) { o.schema = s } }

// NullValues sets the field values read as null (default: pandas' list: "", "NA",
// "N/A", "NULL", "null", "NaN", "nan", "-NaN", "-nan", "#N/A", "None", "n/a", "<NA>").
func NullValues(vs ...string) CSVOption { return func(o *csvOptions) { o.NullValues = vs } }

// SampleBytes is how much of the first file type inference reads (default 256 KiB).
func SampleBytes(n int) CSVOption { return func(o *csvOptions) { o.SampleBytes = n } }

var defaultNulls = []string{"", "NA", "N/A", "NULL", "null", "NaN", "nan", "-NaN", "-nan", "#N/A", "None", "n/a", "<NA>"}

// csvFile is one input file, with what the plan knows of it.
type csvFile struct {
	Path        string
	Size        int64
	Compression string // "", "gzip" or "zstd"
	Blocks      int    // partitions cut from it
}

// csvSource reads CSV files, each cut into blocks.
type csvSource struct {
	files  []csvFile
	opts   csvOptions
	sch    *arrow.Schema
	key    string
	starts []int // index of each file's first partition
	total  int
}

// ReadCSV reads CSV files — a path or a glob pattern — into a DataFrame, one partition
// per block of each file (see Blocksize). The schema comes from WithSchema, else from
// the header and a sample of the first file (integers, then floats, then booleans,
// else strings; a column with only nulls in the sample is float64, as in pandas).
// Quoted fields may contain delimiters, quotes ("") and newlines. A missing file is an
// error now; a malformed row is an error from Compute that names the file, line and
// column.
func ReadCSV(pattern string, opts ...CSVOption) *DataFrame {
	paths, err := expandPaths("csv", pattern)
	if err != nil {
		return failed(err)
	}
	return ReadCSVFiles(paths, opts...)
}

// expandPaths is the sorted files a glob pattern matches, or the path itself; a
// pattern that matches nothing and is not a file is an error naming it.
func expandPaths(kind, pattern string) ([]string, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read %s %s: %w", kind, pattern, err)
	}
	if len(paths) == 0 {
		if _, err := os.Stat(pattern); err != nil {
			return nil, fmt.Errorf("dataframe: read %s: %w", kind, err)
		}
		paths = []string{pattern}
	}
	slices.Sort(paths)
	return paths, nil
}

// ReadCSVFiles is ReadCSV of a list of files, read in that order.
func ReadCSVFiles(paths []string, opts ...CSVOption) *DataFrame {
	o := csvOptions{Blocksize: 64 << 20, Delimiter: ',', SampleBytes: 256 << 10}
	for _, f := range opts {
		f(&o)
	}
	if o.NullValues == nil {
		o.NullValues = defaultNulls
	}
	if o.Blocksize < 1 {
		return failed(fmt.Errorf("dataframe: read csv: blocksize %d", o.Blocksize))
	}
	if o.Delimiter == '"' || o.Delimiter == '\n' || o.Delimiter == '\r' {
		return failed(fmt.Errorf("dataframe: read csv: delimiter %q", o.Delimiter))
	}
	if len(paths) == 0 {
		return failed(errors.New("dataframe: read csv: no files"))
	}
	src := &csvSource{opts: o}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return failed(fmt.Errorf("dataframe: read csv: %w", err))
		}
		if st.IsDir() {
			return failed(fmt.Errorf("dataframe: read csv %s: is a directory", p))
		}
		f := csvFile{Path: p, Size: st.Size(), Compression: compressionOf(p), Blocks: 1}
		if f.Compression == "" && f.Size > o.Blocksize {
			f.Blocks = int((f.Size + o.Blocksize - 1) / o.Blocksize)
		}
		src.starts = append(src.starts, src.total)
		src.total += f.Blocks
		src.files = append(src.files, f)
	}
	sch, err := inferCSVSchema(src.files[0], &o)
	if err != nil {
		return failed(err)
	}
	if !o.NoHeader {
		// Every file must have the first file's columns, in order.
		want := fieldNames(sch)
		if o.Names != nil {
			want = nil // the given names replace every header
		}
		for _, f := range src.files[1:] {
			got, err := csvHeader(f, o)
			if err != nil {
				return failed(err)
			}
			if want != nil && !slices.Equal(got, want) {
				return failed(fmt.Errorf("dataframe: read csv: %s has columns %s, but %s has %s", f.Path, strings.Join(got, ","), src.files[0].Path, strings.Join(want, ",")))
			}
		}
	}
	src.sch = sch
	src.opts = o
	src.key = keyName("read-csv", paths, []Step{{Kind: fmt.Sprintf("%+v", o), Names: fieldNames(sch)}})
	return fromSource(src)
}

// csvHeader reads a file's header line.
func csvHeader(f csvFile, o csvOptions) ([]string, error) {
	rc, err := openCSV(f.Path, f.Compression)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read csv %s: %w", f.Path, err)
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(rc, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("dataframe: read csv %s: %w", f.Path, err)
	}
	rr := &recordReader{data: buf[:n], delim: o.Delimiter, line: 1}
	_, ok, err := rr.next()
	if err != nil || !ok {
		return nil, fmt.Errorf("dataframe: read csv %s: no header line", f.Path)
	}
	names := make([]string, len(rr.fields))
	for i, v := range rr.fields {
		names[i] = string(v)
	}
	return names, nil
}

func compressionOf(path string) string {
	switch {
	case strings.HasSuffix(path, ".gz"):
		return "gzip"
	case strings.HasSuffix(path, ".zst"):
		return "zstd"
	}
	return ""
}

// openCSV opens a file, decompressing it when its name says so.
func openCSV(path, compression string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	switch compression {
	case "gzip":
		z, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return struct {
			io.Reader
			io.Closer
		}{z, f}, nil
	case "zstd":
		z, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return readCloser{z, func() error { z.Close(); return f.Close() }}, nil
	}
	return f, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

func (s *csvSource) describe() string {
	names := make([]string, len(s.files))
	for i, f := range s.files {
		names[i] = filepath.Base(f.Path)
	}
	return "ReadCSV " + strings.Join(names, ", ")
}
func (s *csvSource) name() string          { return s.key }
func (s *csvSource) schema() *arrow.Schema { return s.sch }
func (s *csvSource) npartitions() int      { return s.total }

// csvBlock is the plain-data description of one partition's read.
type csvBlock struct {
	File    csvFile
	Block   int
	Opts    csvOptions
	Fields  []string // the schema's names and types, as "name:type"
	Columns []string // the columns to convert; nil converts all
}

const (
	csvBoundsName = "dataframe.csv-bounds"
	csvBlockName  = "dataframe.read-csv"
)

func init() {
	register(csvBoundsName, func(ctx context.Context, args []any) (any, error) {
		b := args[0].(csvBlock)
		return scanBounds(ctx, b.File, b.Opts)
	})
	register(csvBlockName, func(ctx context.Context, args []any) (any, error) {
		b := args[0].(csvBlock)
		return readThenSteps(ctx, args, func(bounds *csvBounds) (arrow.RecordBatch, error) { return readBlock(ctx, b, bounds) })
	})
}

func (s *csvSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	fi, _ := slices.BinarySearch(s.starts, i)
	if fi == len(s.starts) || s.starts[fi] > i {
		fi--
	}
	file := s.files[fi]
	blk := csvBlock{File: file, Block: i - s.starts[fi], Opts: s.opts, Fields: schemaFields(s.sch), Columns: columns}
	blk.Opts.schema = nil // the fields carry it as plain data
	t := graph.Task{Key: key, Func: graph.Registered(csvBlockName), Args: []any{blk, steps}}
	if report := s.opts.onBad; report != nil {
		// The report function is a closure: the read runs in process.
		blk.Opts.onBad = nil
		t.Args[0] = blk
		run := func(ctx context.Context, args []any) (any, error) {
			return graph.Registered(csvBlockName).Call(withBadLineReport(ctx, report), args)
		}
		t.Func = graph.Closure("read-csv(SkipBadLines)", run)
	}
	if file.Blocks == 1 {
		return []graph.Task{t}, nil
	}
	bounds := graph.Task{
		Key:  graph.K(keyName("csv-bounds", []string{file.Path}, nil)+fmt.Sprintf("-%x", file.Size), 0),
		Func: graph.Registered(csvBoundsName),
		Args: []any{csvBlock{File: file, Opts: blk.Opts}},
	}
	t.Args = append(t.Args, graph.Input(0))
	t.Deps = []graph.Key{bounds.Key}
	return []graph.Task{bounds, t}, nil
}

func schemaFields(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name + ":" + typeName(f.Type)
	}
	return out
}

func typeName(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT64:
		return "int64"
	case arrow.FLOAT64:
		return "float64"
	case arrow.BOOL:
		return "bool"
	case arrow.STRING:
		return "string"
	case arrow.DATE32:
		return "date"
	case arrow.DICTIONARY:
		if isCategory(t) {
			return "category"
		}
	case arrow.TIMESTAMP:
		ts := t.(*arrow.TimestampType)
		switch {
		case ts.Unit == arrow.Microsecond && ts.TimeZone == "":
			return "timestamp"
		case ts.Unit == arrow.Microsecond && ts.TimeZone == "UTC":
			return "timestamp_utc"
		}
		return fmt.Sprintf("timestamp[%s,%s]", ts.Unit, ts.TimeZone) // see typeByName
	}
	return t.String()
}

func parseFields(fields []string) (*arrow.Schema, error) {
	fs := make([]arrow.Field, len(fields))
	for i, f := range fields {
		name, typ, _ := strings.Cut(f, ":")
		t, ok := castTypes[typ]
		if !ok {
			return nil, fmt.Errorf("dataframe: read csv: column %q has type %q; CSV columns can be int64, float64, bool, string, date, timestamp or timestamp_utc", name, typ)
		}
		fs[i] = arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return arrow.NewSchema(fs, nil), nil
}

// readThenSteps runs a block reader's task: args are the block, the steps and, when
// the file was cut, the bounds its scan found; the block is read, then the steps run.
func readThenSteps(ctx context.Context, args []any, read func(*csvBounds) (arrow.RecordBatch, error)) (any, error) {
	steps, _ := args[1].([]Step)
	var bounds *csvBounds
	if len(args) > 2 {
		bounds, _ = args[2].(*csvBounds)
	}
	rec, err := read(bounds)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	return applySteps(ctx, rec, nil, steps)
}

// csvBounds are the byte offsets where a file's blocks start (one more for the end),
// each at the start of a record, and the line number there.
type csvBounds struct {
	Offsets []int64
	Lines   []int64
}

// scanBounds finds record starts near every multiple of the blocksize, counting lines
// so errors can name them. It follows the parser's quoting rules — a quote opens a
// quoted field only at the start of a field, and "" inside one is a quote — so a
// newline inside a quoted field never splits a record. Outside quotes it jumps from
// newline to newline.
func scanBounds(ctx context.Context, file csvFile, o csvOptions) (*csvBounds, error) {
	f, err := os.Open(file.Path)
	if err != nil {
		return nil, fmt.Errorf("dataframe: read csv: %w", err)
	}
	defer f.Close()
	b := &csvBounds{Offsets: make([]int64, 0, file.Blocks+1), Lines: make([]int64, 0, file.Blocks+1)}
	var pos, line int64 = 0, 1
	inQuote, recordStart := false, true
	closing := false   // in a quoted field, a quote ended the last chunk: "" or the end?
	last := byte('\n') // the byte before the current one; a quote after it may open a field
	next := int64(0)   // a record starting at or after this offset opens the next block
	if !o.NoHeader {
		next = 1 // the header never starts a data block
	}
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, rerr := io.ReadFull(f, buf)
		chunk := buf[:n]
		i := 0
		if closing && n > 0 {
			closing = false
			if chunk[0] == '"' {
				i = 1 // an escaped quote: still inside the field
			} else {
				inQuote = false
			}
		}
		for i < len(chunk) {
			if recordStart {
				recordStart = false
				if pos+int64(i) >= next && len(b.Offsets) < file.Blocks {
					b.Offsets = append(b.Offsets, pos+int64(i))
					b.Lines = append(b.Lines, line)
					next = int64(len(b.Offsets)) * o.Blocksize
				}
			}
			if o.NoQuotes {
				j := bytes.IndexByte(chunk[i:], '\n')
				if j < 0 {
					i = len(chunk)
					break
				}
				line++
				recordStart, i = true, i+j+1
				continue
			}
			if inQuote {
				q := bytes.IndexByte(chunk[i:], '"')
				if q < 0 {
					line += int64(bytes.Count(chunk[i:], nl))
					i = len(chunk)
					break
				}
				line += int64(bytes.Count(chunk[i:i+q], nl))
				k := i + q + 1
				switch {
				case k == len(chunk):
					closing, i = true, k
				case chunk[k] == '"':
					i = k + 1 // "" is a quote inside the field
				default:
					inQuote, i = false, k
				}
				continue
			}
			j := bytes.IndexByte(chunk[i:], '\n')
			end := len(chunk)
			if j >= 0 {
				end = i + j
			}
			// A quote before the line's end opens a quoted field only at a field start
			// (after a delimiter or a newline); elsewhere it is an ordinary character.
			if q := bytes.IndexByte(chunk[i:end], '"'); q >= 0 {
				open := -1
				for p := i + q; p < end; p++ {
					if chunk[p] != '"' {
						continue
					}
					prev := last
					if p > 0 {
						prev = chunk[p-1]
					}
					if prev == o.Delimiter || prev == '\n' {
						open = p
						break
					}
				}
				if open >= 0 {
					inQuote, i = true, open+1
					continue
				}
			}
			if j < 0 {
				i = len(chunk)
				break
			}
			line++
			recordStart, i = true, end+1
		}
		if n > 0 {
			last = chunk[n-1]
		}
		pos += int64(n)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("dataframe: read csv %s: %w", file.Path, rerr)
		}
	}
	for len(b.Offsets) < file.Blocks+1 {
		b.Offsets = append(b.Offsets, pos)
		b.Lines = append(b.Lines, line)
	}
	return b, nil
}

var nl = []byte{'\n'}
