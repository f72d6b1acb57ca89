package dataframe

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/shuffle"
)

// Shuffle hash-partitions the DataFrame on the columns into n partitions: rows whose
// values in the columns are equal end up in the same partition (Dask's
// DataFrame.shuffle). Equal values of different integer widths, or an integer and the
// equal float, go to the same partition; strings go alike whether plain or categories.
//
// It takes one split task per input partition, which cuts its partition into n Arrow
// shards by a hash of the columns, and one concat task per output partition, which
// joins its shard of every split: P + n tasks, not P × n. The shards are ordinary
// stored results of the scheduler. Null keys hash alike, so they land together.
func (df *DataFrame) Shuffle(on []string, n int) *DataFrame {
	if df.err != nil {
		return df
	}
	if n < 1 {
		return failed(fmt.Errorf("dataframe: shuffle into %d partitions", n))
	}
	types, err := hashKeyTypes(df.Schema(), on, "shuffle")
	if err != nil {
		return failed(err)
	}
	src := &shuffleSource{in: df, on: on, types: types, n: n}
	src.key = keyName("shuffle", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%q/%v/%d", on, types, n)}})
	return fromSource(src)
}

// hashKeyTypes are the types the columns are hashed as: int64, float64, string or
// bool (dates and timestamps as their int64 values).
func hashKeyTypes(s *arrow.Schema, on []string, what string) ([]string, error) {
	if len(on) == 0 {
		return nil, fmt.Errorf("dataframe: %s: no key columns", what)
	}
	types := make([]string, len(on))
	for i, c := range on {
		idx := s.FieldIndices(c)
		if len(idx) == 0 {
			return nil, fmt.Errorf("dataframe: %s: unknown column %q (columns: %s)", what, c, strings.Join(fieldNamesOf(s), ", "))
		}
		t := s.Field(idx[0]).Type
		if isTemporal(t) {
			types[i] = "int64"
			continue
		}
		nt, ok := normType(t)
		if !ok {
			return nil, fmt.Errorf("dataframe: %s: cannot hash column %q of type %s", what, c, t)
		}
		types[i] = typeName(nt)
	}
	return types, nil
}

func fieldNamesOf(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}

// keyColumns are rec's columns on, as the grouper and rowHashes read them: cast to
// types, except categories (read through their codes) and dates and timestamps (their
// int64 values). The caller releases them.
func keyColumns(ctx context.Context, rec arrow.RecordBatch, on, types []string) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(on))
	for i, c := range on {
		idx := rec.Schema().FieldIndices(c)
		if len(idx) == 0 {
			releaseArrays(out)
			return nil, fmt.Errorf("dataframe: no key column %q", c)
		}
		a := rec.Column(idx[0])
		switch {
		case isCategory(a.DataType()) && types[i] == "string":
			a.Retain()
			out[i] = a
		case isTemporal(a.DataType()):
			out[i] = temporalToInt64(compute.GetAllocator(ctx), a)
		default:
			var err error
			if out[i], err = column(ctx, rec, c, castTypes[types[i]]); err != nil {
				releaseArrays(out)
				return nil, fmt.Errorf("dataframe: key column %q: %w", c, err)
			}
		}
	}
	return out, nil
}

type shuffleSource struct {
	in    *DataFrame
	on    []string
	types []string
	n     int
	key   string
}

func (s *shuffleSource) describe() string {
	return fmt.Sprintf("Shuffle on [%s]", strings.Join(s.on, ", "))
}
func (s *shuffleSource) input() *DataFrame     { return s.in }
func (s *shuffleSource) name() string          { return s.key }
func (s *shuffleSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *shuffleSource) npartitions() int      { return s.n }

const (
	shuffleSplitName  = "dataframe.shuffle-split"
	shuffleConcatName = "dataframe.shuffle-concat"
)

func (s *shuffleSource) shared() (*graph.Graph, error) {
	return shuffleTasks(s.in, s.key, s.on, s.types, s.n)
}

func (s *shuffleSource) tasks(key graph.Key, part int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, part), columns, steps), nil
}

// shuffleTasks lowers in and adds its split tasks and the n concat tasks, keyed
// (name, j), in the layout every shuffle shares (internal/shuffle).
func shuffleTasks(in *DataFrame, name string, on, types []string, n int) (*graph.Graph, error) {
	g := graph.New(0)
	up, err := in.optimized()
	if err != nil {
		return nil, err
	}
	inKeys, err := up.lower(g)
	if err != nil {
		return nil, err
	}
	l := shuffle.Layout{Name: name, N: n, Split: graph.Registered(shuffleSplitName), SplitArgs: []any{on, types, n}, Concat: graph.Registered(shuffleConcatName)}
	if _, err := l.Add(g, inKeys); err != nil {
		return nil, err
	}
	return g, nil
}

func init() {
	register(shuffleSplitName, func(ctx context.Context, args []any) (any, error) {
		on, types, n := args[0].([]string), args[1].([]string), args[2].(int)
		rec, ok := args[3].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: shuffle input is %T", args[3])
		}
		keys, err := keyColumns(ctx, rec, on, types)
		if err != nil {
			return nil, err
		}
		defer releaseArrays(keys)
		return splitByHash(ctx, rec, keys, n)
	})
	register(shuffleConcatName, func(ctx context.Context, args []any) (any, error) {
		parts, err := shards(args[0].(int), args[1:])
		if err != nil {
			return nil, fmt.Errorf("dataframe: shuffle: %w", err)
		}
		return concatRecords(ctx, parts)
	})
}

// shards picks shard j of every split (a recordList each), borrowed.
func shards(j int, splits []any) ([]arrow.RecordBatch, error) {
	return shuffle.Shards[recordList](j, splits)
}

// splitByHash spreads rec's rows over n records by a hash of the key columns (keys are
// rec's key columns as keyColumns gives them).
func splitByHash(ctx context.Context, rec arrow.RecordBatch, keys []arrow.Array, n int) (recordList, error) {
	rows := int(rec.NumRows())
	h := make([]uint64, rows)
	rowHashes(keys, rows, false, h)
	parts := make([][]int, n)
	for i, hv := range h {
		j := int(mix64(hv) % uint64(n))
		parts[j] = append(parts[j], i)
	}
	return takeParts(ctx, rec, parts)
}

// takeParts cuts rec into one record per list of rows.
func takeParts(ctx context.Context, rec arrow.RecordBatch, parts [][]int) (recordList, error) {
	out := make(recordList, 0, len(parts))
	for _, p := range parts {
		r, err := takeRows(ctx, rec, p)
		if err != nil {
			out.Release()
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
