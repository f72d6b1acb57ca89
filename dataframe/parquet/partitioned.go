package parquet

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/graph"
)

// hiveNull is the directory value of a null key, as Hive and Dask write it.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// WritePartitioned writes df under dir split by the values of the on columns, one
// hive-style directory per value (dir/year=2026/city=paris/part-3.parquet), as Dask's
// to_parquet(partition_on=...) does: each partition writes one file into every
// directory its rows fall in, without the on columns, which Read turns back into
// columns. It returns the files written.
func WritePartitioned(ctx context.Context, df *dataframe.DataFrame, dir string, on []string, compression string, opts ...gask.Option) ([]string, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	if _, ok := codecs[compression]; !ok {
		return nil, fmt.Errorf("parquet: write: unknown compression %q: want snappy, zstd, gzip or none", compression)
	}
	if len(on) == 0 {
		return nil, fmt.Errorf("parquet: write partitioned: no columns to partition on")
	}
	for _, c := range on {
		if !slices.Contains(df.Columns(), c) {
			return nil, fmt.Errorf("parquet: write partitioned: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", "))
		}
	}
	w := &hiveWrite{df: df, spec: hiveSpec{Dir: dir, On: on, Compression: compression}, key: graph.Token("write-parquet-partitioned")}
	return gask.Compute[[]string](ctx, w, opts...)
}

type hiveSpec struct {
	Dir         string
	On          []string
	Compression string
	Part        int
}

type hiveWrite struct {
	df   *dataframe.DataFrame
	spec hiveSpec
	key  string
}

const hiveWriteName = "parquet.write-partitioned"

func (w *hiveWrite) Graph() (*graph.Graph, error) {
	g, err := w.df.Graph()
	if err != nil {
		return nil, err
	}
	for i, k := range w.df.Keys() {
		spec := w.spec
		spec.Part = i
		if err := g.Add(graph.Task{Key: graph.K(w.key, i), Func: graph.Registered(hiveWriteName), Args: []any{spec, graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (w *hiveWrite) Keys() []graph.Key {
	keys := make([]graph.Key, w.df.NPartitions())
	for i := range keys {
		keys[i] = graph.K(w.key, i)
	}
	return keys
}

func (w *hiveWrite) Finalize(results []any) ([]string, error) {
	var out []string
	for _, r := range results {
		ps, _ := r.([]string)
		out = append(out, ps...)
	}
	return out, nil
}

func init() {
	graph.Register(hiveWriteName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(hiveSpec)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("parquet: write partitioned: input is %T", args[1])
		}
		return writeHive(ctx, spec, rec)
	})
}

// writeHive writes rec's rows grouped by the on columns' values.
func writeHive(ctx context.Context, spec hiveSpec, rec arrow.RecordBatch) ([]string, error) {
	onIdx := make([]int, len(spec.On))
	for i, c := range spec.On {
		onIdx[i] = rec.Schema().FieldIndices(c)[0]
	}
	var keepIdx []int
	var keepFields []arrow.Field
	for i, f := range rec.Schema().Fields() {
		if !slices.Contains(onIdx, i) {
			keepIdx, keepFields = append(keepIdx, i), append(keepFields, f)
		}
	}
	// Rows of each directory, in order of first appearance.
	groups := map[string][]int64{}
	var order []string
	for r := 0; r < int(rec.NumRows()); r++ {
		parts := make([]string, len(onIdx))
		for j, c := range onIdx {
			col := rec.Column(c)
			v := hiveNull
			if col.IsValid(r) {
				v = url.PathEscape(col.ValueStr(r))
			}
			parts[j] = spec.On[j] + "=" + v
		}
		d := filepath.Join(parts...)
		if _, ok := groups[d]; !ok {
			order = append(order, d)
		}
		groups[d] = append(groups[d], int64(r))
	}
	mem := compute.GetAllocator(ctx)
	var written []string
	for _, d := range order {
		b := array.NewInt64Builder(mem)
		b.AppendValues(groups[d], nil)
		idx := b.NewArray()
		b.Release()
		cols := make([]arrow.Array, len(keepIdx))
		var err error
		for j, c := range keepIdx {
			if cols[j], err = compute.TakeArray(ctx, rec.Column(c), idx); err != nil {
				break
			}
		}
		idx.Release()
		if err != nil {
			releaseArrays(cols)
			return nil, fmt.Errorf("parquet: write partitioned: %w", err)
		}
		part := array.NewRecordBatch(arrow.NewSchema(keepFields, nil), cols, int64(len(groups[d])))
		releaseArrays(cols)
		path := filepath.Join(spec.Dir, d, fmt.Sprintf("part-%d.parquet", spec.Part))
		err = dataframe.WriteFile(ctx, "parquet", spec.Compression, path, part)
		part.Release()
		if err != nil {
			return nil, fmt.Errorf("parquet: %w", err)
		}
		written = append(written, path)
	}
	return written, nil
}
