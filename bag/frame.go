package bag

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/graph"
)

// ToDataFrame makes a DataFrame of a bag of structs, one partition per partition
// (Dask's Bag.to_dataframe). Exported fields become columns, named by a `gask:"name"`
// tag or the field name, as dataframe.FromRecords; pointer fields are nullable.
func ToDataFrame[T any](b Bag[T]) *dataframe.DataFrame {
	if b.err != nil {
		return dataframe.Failed(b.err)
	}
	schema, err := dataframe.RecordSchema[T]()
	if err != nil {
		return dataframe.Failed(fmt.Errorf("bag: ToDataFrame: %w", err))
	}
	g, err := b.Graph()
	if err != nil {
		return dataframe.Failed(err)
	}
	conv := func(ctx context.Context, rows []T) (arrow.RecordBatch, error) {
		return dataframe.RecordBatchOf(ctx, rows)
	}
	return dataframe.FromSource(&frameSource[T]{b: b, g: g, keys: b.Keys(), sch: schema, name: tokenFor("bag-to-dataframe"), conv: conv})
}

// MapsToDataFrame makes a DataFrame of a bag of maps, such as ReadJSON's
// map[string]any, with the given schema, one partition per partition (Dask's
// Bag.to_dataframe with meta). Each field of the schema is a column filled from the
// maps' values under its name; a missing key or a nil value is null, an error for a
// field that is not nullable. Keys outside the schema are ignored. Column types:
// boolean, the integer types, float32, float64, string and large string, and
// timestamps. Numbers convert from any Go number (JSON's float64 too, when the
// integer column can hold it exactly) and json.Number; timestamps from time.Time or
// an RFC 3339 string. A value that does not convert is an error naming the
// partition, the element and the key.
func MapsToDataFrame(b Bag[map[string]any], schema *arrow.Schema) *dataframe.DataFrame {
	if b.err != nil {
		return dataframe.Failed(b.err)
	}
	if schema == nil || schema.NumFields() == 0 {
		return dataframe.Failed(errors.New("bag: MapsToDataFrame needs a schema with fields"))
	}
	for _, f := range schema.Fields() {
		if !convertible(f.Type) {
			return dataframe.Failed(fmt.Errorf("bag: MapsToDataFrame: column %q has type %s, which maps do not convert to", f.Name, f.Type))
		}
	}
	g, err := b.Graph()
	if err != nil {
		return dataframe.Failed(err)
	}
	conv := func(ctx context.Context, rows []map[string]any) (arrow.RecordBatch, error) {
		return mapsRecord(ctx, schema, rows)
	}
	return dataframe.FromSource(&frameSource[map[string]any]{b: b, g: g, keys: b.Keys(), sch: schema, name: tokenFor("bag-maps-to-dataframe"), conv: conv})
}

type frameSource[T any] struct {
	b    Bag[T]
	g    *graph.Graph
	keys []graph.Key
	sch  *arrow.Schema
	name string
	conv func(ctx context.Context, rows []T) (arrow.RecordBatch, error)
}

func (s *frameSource[T]) Describe() string {
	return fmt.Sprintf("Bag[%s].ToDataFrame", reflect.TypeFor[T]())
}
func (s *frameSource[T]) Name() string          { return s.name }
func (s *frameSource[T]) Schema() *arrow.Schema { return s.sch }
func (s *frameSource[T]) NPartitions() int      { return len(s.keys) }

// Tasks are the bag's tasks that partition i needs and the conversion task.
func (s *frameSource[T]) Tasks(key graph.Key, i int, columns []string, steps []dataframe.Step) ([]graph.Task, error) {
	var out []graph.Task
	seen := map[graph.Key]bool{}
	stack := []graph.Key{s.keys[i]}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		seen[k] = true
		t, ok := s.g.Task(k)
		if !ok {
			return nil, fmt.Errorf("bag: ToDataFrame: no task %s", k)
		}
		out = append(out, *t)
		stack = append(stack, t.Deps...)
	}
	conv := func(ctx context.Context, args []any) (any, error) {
		rows, err := partition[T](i, args[0])
		if err != nil {
			return nil, err
		}
		rec, err := s.conv(ctx, rows)
		if err != nil {
			return nil, fmt.Errorf("bag: ToDataFrame partition %d: %w", i, err)
		}
		defer rec.Release()
		return dataframe.ApplySteps(ctx, rec, columns, steps)
	}
	return append(out, graph.Task{Key: key, Func: graph.Closure("bag-to-dataframe", conv), Args: []any{graph.Input(0)}, Deps: []graph.Key{s.keys[i]}}), nil
}
