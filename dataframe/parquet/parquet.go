package parquet

import (
	"context"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/arrowcheck"
)

// pqPart is one partition of a Parquet read: a row group of a file, with the file's
// hive-style key=value directory values.
type pqPart struct {
	Path     string
	RowGroup int
	Hive     []string // values of the hive columns, in pqSource.hiveCols order
}

type pqSource struct {
	parts     []pqPart
	sch       *arrow.Schema // the files' columns, then the hive columns
	fileCols  int
	hiveTypes []string
	key       string
	desc      string
}

// Read reads Parquet files — a file, a glob, or a directory searched for
// *.parquet files — one partition per row group. Directories named key=value (hive
// style) become columns (int64 when every value is an integer, else string). Only the
// columns the result needs are read, and a row group whose statistics show that a
// filter right after the read keeps none of its rows is not read at all. The files must
// share a schema; a mismatch names both files, and a corrupt file is named.
func Read(pattern string) *dataframe.DataFrame {
	failed := dataframe.Failed
	paths, root, err := parquetPaths(pattern)
	if err != nil {
		return failed(err)
	}
	src := &pqSource{}
	var hiveCols []string
	for fi, p := range paths {
		keys, vals := hiveValues(root, p)
		if fi == 0 {
			hiveCols = keys
		} else if !slices.Equal(keys, hiveCols) {
			return failed(fmt.Errorf("parquet: read: %s has directory keys %v, but %s has %v", p, keys, paths[0], hiveCols))
		}
		sch, nrg, err := parquetFooter(p)
		if err != nil {
			return failed(fmt.Errorf("parquet: read %s: %w", p, err))
		}
		if src.sch == nil {
			src.sch = sch
		} else if !src.sch.Equal(sch) {
			return failed(fmt.Errorf("parquet: read: %s has schema %s, but %s has %s", p, sch, paths[0], src.sch))
		}
		for rg := range nrg {
			src.parts = append(src.parts, pqPart{Path: p, RowGroup: rg, Hive: vals})
		}
	}
	src.fileCols = src.sch.NumFields()
	fields := slices.Clone(src.sch.Fields())
	for i, k := range hiveCols {
		typ := "int64"
		for _, part := range src.parts {
			if part.Hive[i] == hiveNull {
				continue
			}
			if _, err := strconv.ParseInt(part.Hive[i], 10, 64); err != nil {
				typ = "string"
				break
			}
		}
		src.hiveTypes = append(src.hiveTypes, typ)
		fields = append(fields, arrow.Field{Name: k, Type: hiveType(typ), Nullable: true})
	}
	src.sch = arrow.NewSchema(fields, nil)
	src.key = keyName("read-parquet", paths)
	src.desc = "ReadParquet " + pattern
	return dataframe.FromSource(src)
}

func hiveType(name string) arrow.DataType {
	if name == "int64" {
		return arrow.PrimitiveTypes.Int64
	}
	return arrow.BinaryTypes.String
}

// keyName makes a deterministic key name from a prefix and the files read.
func keyName(prefix string, paths []string) string {
	h := fnv.New64a()
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00", p)
	}
	return fmt.Sprintf("%s-%016x", prefix, h.Sum64())
}

func parquetPaths(pattern string) ([]string, string, error) {
	st, err := os.Stat(pattern)
	if err == nil && st.IsDir() {
		var paths []string
		err := filepath.WalkDir(pattern, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, "", fmt.Errorf("parquet: read %s: %w", pattern, err)
		}
		if len(paths) == 0 {
			return nil, "", fmt.Errorf("parquet: read %s: no .parquet files", pattern)
		}
		slices.Sort(paths)
		return paths, pattern, nil
	}
	paths, gerr := filepath.Glob(pattern)
	if gerr != nil {
		return nil, "", fmt.Errorf("parquet: read %s: %w", pattern, gerr)
	}
	if len(paths) == 0 {
		if err != nil {
			return nil, "", fmt.Errorf("parquet: read: %w", err)
		}
		paths = []string{pattern}
	}
	slices.Sort(paths)
	return paths, filepath.Dir(paths[0]), nil
}

// hiveValues lists the key=value directories between root and the file.
func hiveValues(root, path string) (keys, vals []string) {
	rel, err := filepath.Rel(root, filepath.Dir(path))
	if err != nil || rel == "." {
		return nil, nil
	}
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if k, v, ok := strings.Cut(part, "="); ok && k != "" {
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			keys, vals = append(keys, k), append(vals, v)
		}
	}
	return keys, vals
}

func parquetFooter(path string) (_ *arrow.Schema, _ int, err error) {
	defer func() {
		if r := recover(); r != nil { // a corrupt file must not crash the planner
			err = fmt.Errorf("corrupt file: %v", r)
		}
	}()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, 0, err
	}
	defer pf.Close()
	if err := checkArrowSchema(pf); err != nil {
		return nil, 0, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, nil)
	if err != nil {
		return nil, 0, err
	}
	sch, err := fr.Schema()
	if err != nil {
		return nil, 0, err
	}
	for _, f := range sch.Fields() {
		if _, nested := f.Type.(arrow.NestedType); nested {
			return nil, 0, fmt.Errorf("column %q is nested (%s), which this version does not read", f.Name, f.Type)
		}
	}
	return sch, pf.NumRowGroups(), nil
}

// Describe implements dataframe.Source.
func (s *pqSource) Describe() string { return s.desc }

// Name implements dataframe.Source.
func (s *pqSource) Name() string { return s.key }

// Schema implements dataframe.Source.
func (s *pqSource) Schema() *arrow.Schema { return s.sch }

// NPartitions implements dataframe.Source.
func (s *pqSource) NPartitions() int { return len(s.parts) }

// pqRead is the plain-data description of one row group's read.
type pqRead struct {
	Part      pqPart
	Fields    []string // the output columns, in order
	FileIdx   []int    // for each output column, its index in the file, or -1 for a hive column
	HiveIdx   []int    // for hive columns, the index into Part.Hive
	HiveTypes []string
}

const pqReadName = "dataframe.read-parquet"

// Tasks implements dataframe.Source: one task reads a row group's needed columns and
// applies the steps.
func (s *pqSource) Tasks(key graph.Key, i int, columns []string, steps []dataframe.Step) ([]graph.Task, error) {
	if columns == nil {
		for _, f := range s.sch.Fields() {
			columns = append(columns, f.Name)
		}
	}
	r := pqRead{Part: s.parts[i]}
	for _, c := range columns {
		idx := s.sch.FieldIndices(c)[0]
		r.Fields = append(r.Fields, c)
		if idx < s.fileCols {
			r.FileIdx, r.HiveIdx = append(r.FileIdx, idx), append(r.HiveIdx, -1)
		} else {
			r.FileIdx, r.HiveIdx = append(r.FileIdx, -1), append(r.HiveIdx, idx-s.fileCols)
		}
	}
	r.HiveTypes = s.hiveTypes
	return []graph.Task{{Key: key, Func: graph.Registered(pqReadName), Args: []any{r, steps}}}, nil
}

func init() {
	// The kernels' parameters travel to worker processes by gob.
	gob.Register(pqRead{})
	gob.Register(hiveSpec{})
	graph.Register(pqReadName, func(ctx context.Context, args []any) (any, error) {
		r := args[0].(pqRead)
		steps, _ := args[1].([]dataframe.Step)
		rec, err := readRowGroup(ctx, r, steps)
		if err != nil {
			return nil, fmt.Errorf("parquet: read %s row group %d: %w", r.Part.Path, r.Part.RowGroup, err)
		}
		defer rec.Release()
		return dataframe.ApplySteps(ctx, rec, nil, steps)
	})
}

func readRowGroup(ctx context.Context, r pqRead, steps []dataframe.Step) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	pf, err := file.OpenParquetFile(r.Part.Path, false)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	if err := checkArrowSchema(pf); err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		return nil, err
	}
	fileSchema, err := fr.Schema()
	if err != nil {
		return nil, err
	}
	rg := pf.MetaData().RowGroup(r.Part.RowGroup)
	nrows := rg.NumRows()
	// Output schema.
	fields := make([]arrow.Field, len(r.Fields))
	for j, name := range r.Fields {
		if r.FileIdx[j] >= 0 {
			fields[j] = fileSchema.Field(r.FileIdx[j])
		} else {
			fields[j] = arrow.Field{Name: name, Type: hiveType(r.HiveTypes[r.HiveIdx[j]]), Nullable: true}
		}
	}
	schema := arrow.NewSchema(fields, nil)
	if pred, ok := dataframe.LeadingFilter(steps); ok && !rowGroupMayMatch(pred, rg, fileSchema) {
		empty := make([]arrow.Array, schema.NumFields())
		for j, f := range schema.Fields() {
			empty[j] = array.MakeArrayOfNull(mem, f.Type, 0)
		}
		defer releaseArrays(empty)
		return array.NewRecordBatch(schema, empty, 0), nil // pruned by the statistics
	}
	var fileIdx []int
	for _, fi := range r.FileIdx {
		if fi >= 0 {
			fileIdx = append(fileIdx, fi)
		}
	}
	cols := make([]arrow.Array, len(r.Fields))
	defer releaseArrays(cols)
	if len(fileIdx) > 0 {
		tbl, err := fr.ReadRowGroups(ctx, fileIdx, []int{r.Part.RowGroup})
		if err != nil {
			return nil, err
		}
		defer tbl.Release()
		k := 0
		for j := range r.Fields {
			if r.FileIdx[j] < 0 {
				continue
			}
			chunks := tbl.Column(k).Data().Chunks()
			k++
			if len(chunks) == 1 {
				chunks[0].Retain()
				cols[j] = chunks[0]
			} else if cols[j], err = array.Concatenate(chunks, mem); err != nil {
				return nil, err
			}
		}
	}
	for j := range r.Fields {
		if r.FileIdx[j] >= 0 {
			continue
		}
		v := r.Part.Hive[r.HiveIdx[j]]
		if v == hiveNull {
			cols[j] = array.MakeArrayOfNull(mem, fields[j].Type, int(nrows))
			continue
		}
		var sc scalar.Scalar = scalar.NewStringScalar(v)
		if r.HiveTypes[r.HiveIdx[j]] == "int64" {
			n, _ := strconv.ParseInt(v, 10, 64)
			sc = scalar.NewInt64Scalar(n)
		}
		if cols[j], err = scalar.MakeArrayFromScalar(sc, int(nrows), mem); err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(schema, cols, nrows), nil
}

// minMax are a column chunk's statistics, as int64, float64 or string.
type minMax struct {
	ok       bool
	kind     byte // 'i', 'f' or 's'
	iMin     int64
	iMax     int64
	fMin     float64
	fMax     float64
	sMin     string
	sMax     string
	allNulls bool
}

func chunkStats(rg *metadata.RowGroupMetaData, idx int) minMax {
	cc, err := rg.ColumnChunk(idx)
	if err != nil {
		return minMax{}
	}
	if set, err := cc.StatsSet(); err != nil || !set {
		return minMax{}
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		return minMax{}
	}
	switch s := st.(type) {
	case *metadata.Int64Statistics:
		return minMax{ok: true, kind: 'i', iMin: s.Min(), iMax: s.Max()}
	case *metadata.Int32Statistics:
		return minMax{ok: true, kind: 'i', iMin: int64(s.Min()), iMax: int64(s.Max())}
	case *metadata.Float64Statistics:
		return minMax{ok: true, kind: 'f', fMin: s.Min(), fMax: s.Max()}
	case *metadata.ByteArrayStatistics:
		return minMax{ok: true, kind: 's', sMin: string(s.Min()), sMax: string(s.Max())}
	}
	return minMax{}
}

// rowGroupMayMatch is false only when the statistics prove no row can satisfy pred;
// anything it cannot judge may match.
func rowGroupMayMatch(pred dataframe.Expr, rg *metadata.RowGroupMetaData, fileSchema *arrow.Schema) bool {
	stats := func(col string) minMax {
		idx := fileSchema.FieldIndices(col)
		if len(idx) == 0 {
			return minMax{}
		}
		return chunkStats(rg, idx[0])
	}
	var may func(e dataframe.Expr) bool
	may = func(e dataframe.Expr) bool {
		switch e.Op {
		case "and":
			return may(e.Args[0]) && may(e.Args[1])
		case "or":
			return may(e.Args[0]) || may(e.Args[1])
		case "between":
			return may(e.Args[0].Ge(e.Args[1])) && may(e.Args[0].Le(e.Args[2]))
		case "eq", "lt", "le", "gt", "ge":
		default:
			return true
		}
		c, l, op := e.Args[0], e.Args[1], e.Op
		if c.Op == "lit" && l.Op == "col" {
			c, l = l, c
			op = map[string]string{"eq": "eq", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}[op]
		}
		if c.Op != "col" || l.Op != "lit" || l.Lit == nil {
			return true
		}
		m := stats(c.Name)
		if !m.ok {
			return true
		}
		cmpTo := func(lo, hi int) bool { // lo: sign of min - v, hi: sign of max - v
			switch op {
			case "eq":
				return lo <= 0 && hi >= 0
			case "lt":
				return lo < 0
			case "le":
				return lo <= 0
			case "gt":
				return hi > 0
			case "ge":
				return hi >= 0
			}
			return true
		}
		switch v := l.Lit.(type) {
		case int64:
			switch m.kind {
			case 'i':
				return cmpTo(cmpOrdered(m.iMin, v), cmpOrdered(m.iMax, v))
			case 'f':
				return cmpTo(cmpOrdered(m.fMin, float64(v)), cmpOrdered(m.fMax, float64(v)))
			}
		case float64:
			switch m.kind {
			case 'i':
				return cmpTo(cmpOrdered(float64(m.iMin), v), cmpOrdered(float64(m.iMax), v))
			case 'f':
				return cmpTo(cmpOrdered(m.fMin, v), cmpOrdered(m.fMax, v))
			}
		case string:
			if m.kind == 's' {
				return cmpTo(cmpOrdered(m.sMin, v), cmpOrdered(m.sMax, v))
			}
		}
		return true
	}
	return may(pred)
}

// Write computes df and writes one Parquet file per partition — the * in pattern
// ("out/part-*.parquet") becomes the partition number — compressed with compression:
// "snappy", "zstd", "gzip" or "none". It returns the files written.
func Write(ctx context.Context, df *dataframe.DataFrame, pattern, compression string, opts ...gask.Option) ([]string, error) {
	if _, ok := codecs[compression]; !ok {
		return nil, fmt.Errorf("parquet: write: unknown compression %q: want snappy, zstd, gzip or none", compression)
	}
	return df.WriteFiles(ctx, "parquet", compression, pattern, opts...)
}

var codecs = map[string]compress.Compression{
	"snappy": compress.Codecs.Snappy, "zstd": compress.Codecs.Zstd,
	"gzip": compress.Codecs.Gzip, "none": compress.Codecs.Uncompressed,
}

func init() {
	dataframe.RegisterWriter("parquet", func(ctx context.Context, f *os.File, rec arrow.RecordBatch, compression string) error {
		tbl := array.NewTableFromRecords(rec.Schema(), []arrow.RecordBatch{rec})
		defer tbl.Release()
		props := pq.NewWriterProperties(pq.WithCompression(codecs[compression]),
			pq.WithAllocator(compute.GetAllocator(ctx)), pq.WithStats(true))
		// WriteTable closes a sink that can be closed; the caller owns the file.
		sink := struct{ io.Writer }{f}
		return pqarrow.WriteTable(tbl, sink, max(rec.NumRows(), 1), props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	})
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

// cmpOrdered is cmp.Compare except that NaN compares equal to everything, so that a
// NaN statistic or literal never prunes a row group.
func cmpOrdered[T int64 | float64 | string](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// checkArrowSchema verifies the Arrow schema a Parquet file may carry (ARROW:schema,
// an IPC message in base64) before Arrow Go decodes it: Arrow Go trusts its vector
// lengths, and a corrupt one can exhaust memory (see internal/arrowcheck).
func checkArrowSchema(pf *file.Reader) error {
	v := pf.MetaData().KeyValueMetadata().FindValue("ARROW:schema")
	if v == nil {
		return nil
	}
	enc := *v
	var b []byte
	var err error
	if len(enc)%4 == 0 {
		b, err = base64.StdEncoding.DecodeString(enc)
	}
	if len(b) == 0 || err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(enc); err != nil {
			return nil // not base64: Arrow Go reports it
		}
	}
	return arrowcheck.SchemaMessage(b)
}
