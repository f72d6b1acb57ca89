package dataframe

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/arrowcheck"
)

// FileWriter writes one partition to an open file; option is the format's setting
// (such as a compression codec).
type FileWriter func(ctx context.Context, f *os.File, rec arrow.RecordBatch, option string) error

var writers = struct {
	sync.RWMutex
	m map[string]FileWriter
}{m: map[string]FileWriter{}}

// RegisterWriter adds a file format to WriteFiles (at init; a name registered twice
// panics). Formats in other packages, such as dataframe/parquet, register this way.
func RegisterWriter(format string, w FileWriter) {
	writers.Lock()
	defer writers.Unlock()
	if _, dup := writers.m[format]; dup {
		panic(fmt.Sprintf("dataframe: writer %q registered twice", format))
	}
	writers.m[format] = w
}

// WriteFiles computes the DataFrame and writes one file per partition in a registered
// format: the * in pattern becomes the partition number. Each file is written to a
// temporary name and renamed, so a failure leaves no partial file; errors name the file.
func (df *DataFrame) WriteFiles(ctx context.Context, format, option, pattern string, opts ...gask.Option) ([]string, error) {
	f := format
	if option != "" {
		f += ":" + option
	}
	return df.write(ctx, f, pattern, opts)
}

// writeSpec is the plain-data description of one partition's write.
type writeSpec struct {
	Format string // "csv" or "ipc"
	Path   string
}

const writeName = "dataframe.write"

func init() {
	register(writeName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(writeSpec)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: write %s: input is %T", spec.Path, args[1])
		}
		if err := writeFile(ctx, spec, rec); err != nil {
			return nil, fmt.Errorf("dataframe: write %s: %w", spec.Path, err)
		}
		return spec.Path, nil
	})
}

// WriteFile writes one record batch to path in a registered format (see
// RegisterWriter), through a temporary file renamed at the end, so a failed write never
// leaves a partial file under the final name.
func WriteFile(ctx context.Context, format, option, path string, rec arrow.RecordBatch) error {
	f := format
	if option != "" {
		f += ":" + option
	}
	return writeFile(ctx, writeSpec{Format: f, Path: path}, rec)
}

// writeFile writes rec to a temporary file next to the target and renames it, so a
// failed write never leaves a partial file under the final name.
func writeFile(ctx context.Context, spec writeSpec, rec arrow.RecordBatch) (err error) {
	if err := os.MkdirAll(filepath.Dir(spec.Path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(spec.Path), "."+filepath.Base(spec.Path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	switch spec.Format {
	case "csv":
		err = writeCSV(tmp, rec)
	case "ipc":
		w, werr := ipc.NewFileWriter(tmp, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(compute.GetAllocator(ctx)))
		if werr != nil {
			return werr
		}
		if err = w.Write(rec); err != nil {
			w.Close()
			return err
		}
		err = w.Close()
	default:
		name, option, _ := strings.Cut(spec.Format, ":")
		writers.RLock()
		w, ok := writers.m[name]
		writers.RUnlock()
		if !ok {
			return fmt.Errorf("unknown format %q", name)
		}
		err = w(ctx, tmp, rec, option)
	}
	if err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), spec.Path)
}

// writeCSV writes a header and the rows as pandas' to_csv does: nulls empty, booleans
// True/False, floats in their shortest form, fields quoted when they need it.
func writeCSV(f *os.File, rec arrow.RecordBatch) error {
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(fieldNames(rec.Schema())); err != nil {
		return err
	}
	row := make([]string, rec.NumCols())
	for i := 0; i < int(rec.NumRows()); i++ {
		for c, col := range rec.Columns() {
			row[c] = csvValue(col, i)
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvValue(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.Boolean:
		if a.Value(i) {
			return "True"
		}
		return "False"
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.String:
		return a.Value(i)
	}
	if n, ok := intValue(col, i); ok {
		return strconv.FormatInt(n, 10)
	}
	return col.ValueStr(i)
}

// writeCollection computes a DataFrame and writes one file per partition.
type writeCollection struct {
	df      *DataFrame
	format  string
	pattern string
	key     string
}

func (w *writeCollection) paths() []string {
	out := make([]string, w.df.NPartitions())
	for i := range out {
		out[i] = strings.Replace(w.pattern, "*", strconv.Itoa(i), 1)
	}
	return out
}

func (w *writeCollection) Graph() (*graph.Graph, error) {
	g, err := w.df.Graph()
	if err != nil {
		return nil, err
	}
	for i, k := range w.df.Keys() {
		spec := writeSpec{Format: w.format, Path: w.paths()[i]}
		if err := g.Add(graph.Task{Key: graph.K(w.key, i), Func: graph.Registered(writeName), Args: []any{spec, graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (w *writeCollection) Keys() []graph.Key {
	keys := make([]graph.Key, w.df.NPartitions())
	for i := range keys {
		keys[i] = graph.K(w.key, i)
	}
	return keys
}

func (w *writeCollection) Finalize(results []any) ([]string, error) {
	out := make([]string, len(results))
	for i, r := range results {
		out[i], _ = r.(string)
	}
	return out, nil
}

func (df *DataFrame) write(ctx context.Context, format, pattern string, opts []gask.Option) ([]string, error) {
	if df.err != nil {
		return nil, df.err
	}
	if strings.Count(pattern, "*") != 1 {
		return nil, fmt.Errorf("dataframe: write %s: the path needs one * for the partition number", pattern)
	}
	w := &writeCollection{df: df, format: format, pattern: pattern, key: graph.Token("write-" + format)}
	return gask.Compute[[]string](ctx, w, opts...)
}

// ToCSV computes the DataFrame and writes one CSV file per partition: the * in pattern
// ("out/part-*.csv") becomes the partition number. It returns the files written.
// Values are written as pandas' to_csv writes them, so pandas and ReadCSV read them back.
func (df *DataFrame) ToCSV(ctx context.Context, pattern string, opts ...gask.Option) ([]string, error) {
	return df.write(ctx, "csv", pattern, opts)
}

// ToIPC computes the DataFrame and writes one Arrow IPC (Feather v2) file per
// partition, named like ToCSV's.
func (df *DataFrame) ToIPC(ctx context.Context, pattern string, opts ...gask.Option) ([]string, error) {
	return df.write(ctx, "ipc", pattern, opts)
}

// ipcSource reads Arrow IPC files: one partition per record batch.
type ipcSource struct {
	parts []ipcPart
	sch   *arrow.Schema
	key   string
}

type ipcPart struct {
	Path  string
	Batch int
}

// ReadIPC reads Arrow IPC (Feather v2) files — a path or a glob — one partition per
// record batch. The files must share a schema; a mismatch names both files.
func ReadIPC(pattern string) *DataFrame {
	paths, err := expandPaths("ipc", pattern)
	if err != nil {
		return failed(err)
	}
	src := &ipcSource{}
	for _, p := range paths {
		sch, n, err := ipcFooter(p)
		if err != nil {
			return failed(fmt.Errorf("dataframe: read ipc %s: %w", p, err))
		}
		if src.sch == nil {
			src.sch = sch
		} else if !src.sch.Equal(sch) {
			return failed(fmt.Errorf("dataframe: read ipc: %s has schema %s, but %s has %s", p, sch, paths[0], src.sch))
		}
		for b := range n {
			src.parts = append(src.parts, ipcPart{Path: p, Batch: b})
		}
	}
	src.key = keyName("read-ipc", paths, nil)
	return fromSource(src)
}

func ipcFooter(path string) (_ *arrow.Schema, _ int, err error) {
	defer func() {
		if r := recover(); r != nil { // a corrupt file must not crash the planner
			err = fmt.Errorf("corrupt file: %v", r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	// Arrow Go trusts the metadata: verify it first (see internal/arrowcheck).
	if err := arrowcheck.File(f, st.Size()); err != nil {
		return nil, 0, err
	}
	r, err := ipc.NewFileReader(f)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	return r.Schema(), r.NumRecords(), nil
}

const ipcReadName = "dataframe.read-ipc"

func init() {
	register(ipcReadName, func(ctx context.Context, args []any) (any, error) {
		p := args[0].(ipcPart)
		columns, _ := args[1].([]string)
		steps, _ := args[2].([]Step)
		f, err := os.Open(p.Path)
		if err != nil {
			return nil, fmt.Errorf("dataframe: read ipc: %w", err)
		}
		defer f.Close()
		r, err := ipc.NewFileReader(f, ipc.WithAllocator(compute.GetAllocator(ctx)))
		if err != nil {
			return nil, fmt.Errorf("dataframe: read ipc %s: %w", p.Path, err)
		}
		defer r.Close()
		rec, err := r.RecordBatch(p.Batch)
		if err != nil {
			return nil, fmt.Errorf("dataframe: read ipc %s batch %d: %w", p.Path, p.Batch, err)
		}
		return applySteps(ctx, rec, columns, steps)
	})
}

func (s *ipcSource) describe() string {
	files := map[string]bool{}
	var names []string
	for _, p := range s.parts {
		if !files[p.Path] {
			files[p.Path] = true
			names = append(names, filepath.Base(p.Path))
		}
	}
	return "ReadIPC " + strings.Join(names, ", ")
}
func (s *ipcSource) name() string          { return s.key }
func (s *ipcSource) schema() *arrow.Schema { return s.sch }
func (s *ipcSource) npartitions() int      { return len(s.parts) }

func (s *ipcSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return []graph.Task{{Key: key, Func: graph.Registered(ipcReadName), Args: []any{s.parts[i], columns, steps}}}, nil
}
