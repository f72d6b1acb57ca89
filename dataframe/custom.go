package dataframe

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
)

// Custom is an aggregation made of its parts, like Dask's dd.Aggregation: Chunk folds
// a group's values (of type T: int64, float64, string or bool, matching the column)
// into a state S, starting from Init; Merge combines two states (partial results of
// different partitions); Final turns a state into the group's value (R: int64,
// float64, string or bool). States travel between tasks gob-encoded, so S must be
// gob-encodable. Missing values are skipped. The functions run in this process.
type Custom[T, S, R any] struct {
	Init  func() S
	Chunk func(S, T) S
	Merge func(S, S) S
	Final func(S) R
}

var customs = struct {
	sync.RWMutex
	m map[string]customDef
}{m: map[string]customDef{}}

// customDef is a Custom with its types erased, for the kernels.
type customDef struct {
	in, out arrow.DataType
	newAcc  func() accumulator
}

func arrowTypeOf[X any]() (arrow.DataType, bool) {
	switch reflect.TypeFor[X]().Kind() {
	case reflect.Int64:
		return arrow.PrimitiveTypes.Int64, true
	case reflect.Float64:
		return arrow.PrimitiveTypes.Float64, true
	case reflect.String:
		return arrow.BinaryTypes.String, true
	case reflect.Bool:
		return arrow.FixedWidthTypes.Boolean, true
	}
	return nil, false
}

// Of applies the custom aggregation to a column; name its output with As.
func (c Custom[T, S, R]) Of(col string) Agg {
	in, ok1 := arrowTypeOf[T]()
	out, ok2 := arrowTypeOf[R]()
	if !ok1 || !ok2 || c.Init == nil || c.Chunk == nil || c.Merge == nil || c.Final == nil {
		return Agg{Func: "custom", Column: col, Name: col, Custom: "invalid"}
	}
	id := graph.Token("custom")
	customs.Lock()
	customs.m[id] = customDef{in: in, out: out, newAcc: func() accumulator { return &customAcc[T, S, R]{c: c, out: out} }}
	customs.Unlock()
	return Agg{Func: "custom", Column: col, Name: col, Custom: id}
}

func lookupCustom(id string) (customDef, error) {
	customs.RLock()
	defer customs.RUnlock()
	d, ok := customs.m[id]
	if !ok {
		return customDef{}, fmt.Errorf("dataframe: custom aggregation %s is not defined in this process (its functions are Go closures: run it in process)", id)
	}
	return d, nil
}

// customAcc runs a Custom per group.
type customAcc[T, S, R any] struct {
	c      Custom[T, S, R]
	out    arrow.DataType
	states []S
	has    []bool
}

func (a *customAcc[T, S, R]) grow(n int) {
	a.states, a.has = growTo(a.states, n), growTo(a.has, n)
}

func (a *customAcc[T, S, R]) fold(g int32, s S) {
	if !a.has[g] {
		a.states[g], a.has[g] = s, true
		return
	}
	a.states[g] = a.c.Merge(a.states[g], s)
}

func (a *customAcc[T, S, R]) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g < 0 || !valid(col, r) {
			continue
		}
		if !a.has[g] {
			a.states[g], a.has[g] = a.c.Init(), true
		}
		a.states[g] = a.c.Chunk(a.states[g], cellValue(col, r).(T))
	}
}

func (a *customAcc[T, S, R]) stateWidth() int { return 1 }

func (a *customAcc[T, S, R]) state(mem memory.Allocator) ([]string, []arrow.Array) {
	b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	defer b.Release()
	var buf bytes.Buffer
	for g, ok := range a.has {
		if !ok {
			b.AppendNull()
			continue
		}
		buf.Reset()
		if err := gob.NewEncoder(&buf).Encode(&a.states[g]); err != nil {
			panic(fmt.Sprintf("dataframe: custom aggregation state %T cannot be gob-encoded: %v", a.states[g], err))
		}
		b.Append(buf.Bytes())
	}
	return []string{"state"}, []arrow.Array{b.NewArray()}
}

func (a *customAcc[T, S, R]) merge(ids []int32, cols []arrow.Array) {
	c := cols[0].(*array.Binary)
	for r, g := range ids {
		if g < 0 || c.IsNull(r) {
			continue
		}
		var s S
		if err := gob.NewDecoder(bytes.NewReader(c.Value(r))).Decode(&s); err != nil {
			panic(fmt.Sprintf("dataframe: decode custom aggregation state: %v", err))
		}
		a.fold(g, s)
	}
}

func (a *customAcc[T, S, R]) final(mem memory.Allocator) arrow.Array {
	b := array.NewBuilder(mem, a.out)
	defer b.Release()
	for g, ok := range a.has {
		if !ok {
			b.AppendNull()
			continue
		}
		switch v := any(a.c.Final(a.states[g])).(type) {
		case int64:
			b.(*array.Int64Builder).Append(v)
		case float64:
			b.(*array.Float64Builder).Append(v)
		case string:
			b.(*array.StringBuilder).Append(v)
		case bool:
			b.(*array.BooleanBuilder).Append(v)
		}
	}
	return b.NewArray()
}
