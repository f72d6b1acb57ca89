package dataframe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
)

// CumSum replaces the numeric columns named (every numeric column when none is) by
// their running sums down the rows, across partitions (pandas' and Dask's cumsum).
// Missing values stay missing and are skipped, as pandas' skipna. Integers stay
// integers; other numbers become float64.
func (df *DataFrame) CumSum(cols ...string) *DataFrame { return df.cumulative("sum", cols) }

// CumProd is the running product; see CumSum.
func (df *DataFrame) CumProd(cols ...string) *DataFrame { return df.cumulative("prod", cols) }

// CumMax is the running maximum; see CumSum.
func (df *DataFrame) CumMax(cols ...string) *DataFrame { return df.cumulative("max", cols) }

// CumMin is the running minimum; see CumSum.
func (df *DataFrame) CumMin(cols ...string) *DataFrame { return df.cumulative("min", cols) }

// cumSpec is a planned cumulative operation: plain data, the kernels' parameter.
type cumSpec struct {
	Op    string
	Cols  []string
	Float []bool // each column's result is float64 (else int64)
}

func (df *DataFrame) cumulative(op string, cols []string) *DataFrame {
	if df.err != nil {
		return df
	}
	s := df.Schema()
	if len(cols) == 0 {
		for _, f := range s.Fields() {
			if isInteger(f.Type) || isFloat(f.Type) {
				cols = append(cols, f.Name)
			}
		}
	}
	spec := cumSpec{Op: op, Cols: cols}
	fields := slices.Clone(s.Fields())
	for _, c := range cols {
		idx := s.FieldIndices(c)
		if len(idx) == 0 {
			return failed(fmt.Errorf("dataframe: cum%s: unknown column %q (columns: %s)", op, c, strings.Join(df.Columns(), ", ")))
		}
		t := s.Field(idx[0]).Type
		if !isInteger(t) && !isFloat(t) {
			return failed(fmt.Errorf("dataframe: cum%s: column %q is %s, not a number", op, c, t))
		}
		float := isFloat(t)
		spec.Float = append(spec.Float, float)
		fields[idx[0]].Type = arrow.PrimitiveTypes.Int64
		if float {
			fields[idx[0]].Type = arrow.PrimitiveTypes.Float64
		}
		fields[idx[0]].Nullable = true
	}
	src := &cumSource{in: df, spec: spec, sch: arrow.NewSchema(fields, nil)}
	src.key = keyName("cum"+op, []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	return fromSource(src)
}

type cumSource struct {
	in   *DataFrame
	spec cumSpec
	sch  *arrow.Schema
	key  string
}

func (s *cumSource) describe() string {
	return fmt.Sprintf("Cum%s [%s]", s.spec.Op, strings.Join(s.spec.Cols, ", "))
}
func (s *cumSource) input() *DataFrame     { return s.in }
func (s *cumSource) name() string          { return s.key }
func (s *cumSource) schema() *arrow.Schema { return s.sch }
func (s *cumSource) npartitions() int      { return s.in.NPartitions() }

const (
	cumLocalName = "dataframe.cum-local"
	cumCarryName = "dataframe.cum-carry"
	cumApplyName = "dataframe.cum-apply"
)

// shared: each partition's own running values (local), a chain of carries — what
// the partitions before it add up to — and the carry applied to the local values: 3P
// tasks, each partition waiting only for the carries before it.
func (s *cumSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	local := func(j int) graph.Key { return graph.K(s.key+"-local", j) }
	carry := func(j int) graph.Key { return graph.K(s.key+"-carry", j) }
	for j := range in {
		if err := g.Add(graph.Task{Key: local(j), Func: graph.Registered(cumLocalName), Args: []any{s.spec, graph.Input(0)}, Deps: []graph.Key{in[j]}}); err != nil {
			return nil, err
		}
		if j < len(in)-1 {
			// carry(j) is what partitions 0..j add up to.
			t := graph.Task{Key: carry(j), Func: graph.Registered(cumCarryName), Args: []any{s.spec, graph.Input(0)}, Deps: []graph.Key{local(j)}}
			if j > 0 {
				t.Args = append(t.Args, graph.Input(1))
				t.Deps = append(t.Deps, carry(j-1))
			}
			if err := g.Add(t); err != nil {
				return nil, err
			}
		}
		t := graph.Task{Key: graph.K(s.key, j), Func: graph.Registered(cumApplyName), Args: []any{s.spec, graph.Input(0)}, Deps: []graph.Key{local(j)}}
		if j > 0 {
			t.Args = append(t.Args, graph.Input(1))
			t.Deps = append(t.Deps, carry(j-1))
		}
		if err := g.Add(t); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (s *cumSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, i), columns, steps), nil
}

// cumCarry is each column's running value so far; Has is false before any value.
type cumCarry struct {
	F   []float64
	I   []int64
	Has []bool
}

func combine[T int64 | float64](op string, a, b T) T {
	switch op {
	case "sum":
		return a + b
	case "prod":
		return a * b
	case "max":
		return max(a, b)
	}
	return min(a, b)
}

// running appends the running values of vs (missing where present is false) to b;
// with a carry, every present value is instead combined with *carry (the carry of the
// partitions before, applied to local running values).
func running[T int64 | float64](op string, vs []T, present func(int) bool, carry *T, b interface {
	UnsafeAppend(T)
	UnsafeAppendBoolToBitmap(bool)
}) {
	var acc T
	has := false
	for i, v := range vs {
		switch {
		case !present(i):
			b.UnsafeAppendBoolToBitmap(false)
			continue
		case carry != nil:
			acc = combine(op, *carry, v)
		case has:
			acc = combine(op, acc, v)
		default:
			acc, has = v, true
		}
		b.UnsafeAppend(acc)
	}
}

// cumColumn is col's running values or, with a carry, col's values combined with
// column c's carry; col is int64 or float64.
func cumColumn(mem memory.Allocator, op string, col arrow.Array, c int, carry *cumCarry) (arrow.Array, error) {
	switch a := col.(type) {
	case *array.Float64:
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.Reserve(a.Len())
		var from *float64
		if carry != nil {
			from = &carry.F[c]
		}
		vs := a.Float64Values()
		running(op, vs, func(i int) bool { return a.IsValid(i) && !math.IsNaN(vs[i]) }, from, b)
		return b.NewArray(), nil
	case *array.Int64:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.Reserve(a.Len())
		var from *int64
		if carry != nil {
			from = &carry.I[c]
		}
		running(op, a.Int64Values(), a.IsValid, from, b)
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("dataframe: cum%s: column is %s", op, col.DataType())
}

// runColumns replaces spec's columns of rec by their running values within rec.
func runColumns(ctx context.Context, spec cumSpec, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	cols := slices.Clone(rec.Columns())
	fields := slices.Clone(rec.Schema().Fields())
	var made []arrow.Array
	defer func() { releaseArrays(made) }()
	for c, name := range spec.Cols {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("dataframe: cum%s: no column %q", spec.Op, name)
		}
		typ := arrow.DataType(arrow.PrimitiveTypes.Int64)
		if spec.Float[c] {
			typ = arrow.PrimitiveTypes.Float64
		}
		col, err := column(ctx, rec, name, typ)
		if err != nil {
			return nil, err
		}
		out, err := cumColumn(mem, spec.Op, col, c, nil)
		col.Release()
		if err != nil {
			return nil, err
		}
		made = append(made, out)
		cols[idx[0]] = out
		fields[idx[0]] = arrow.Field{Name: name, Type: typ, Nullable: true}
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}

func init() {
	register(cumLocalName, func(ctx context.Context, args []any) (any, error) {
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: cumulative input is %T", args[1])
		}
		return runColumns(ctx, args[0].(cumSpec), rec)
	})
	// The carry through partition j: partition j's last running values, combined
	// with the carry before it.
	register(cumCarryName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(cumSpec)
		local := args[1].(arrow.RecordBatch)
		k := len(spec.Cols)
		out := cumCarry{F: make([]float64, k), I: make([]int64, k), Has: make([]bool, k)}
		if len(args) > 2 {
			prev := args[2].(cumCarry)
			copy(out.F, prev.F)
			copy(out.I, prev.I)
			copy(out.Has, prev.Has)
		}
		for c, name := range spec.Cols {
			col := local.Column(local.Schema().FieldIndices(name)[0])
			for i := col.Len() - 1; i >= 0; i-- { // the last present running value
				if col.IsNull(i) {
					continue
				}
				switch a := col.(type) {
				case *array.Float64:
					if out.Has[c] {
						out.F[c] = combine(spec.Op, out.F[c], a.Value(i))
					} else {
						out.F[c] = a.Value(i)
					}
				case *array.Int64:
					if out.Has[c] {
						out.I[c] = combine(spec.Op, out.I[c], a.Value(i))
					} else {
						out.I[c] = a.Value(i)
					}
				}
				out.Has[c] = true
				break
			}
		}
		return out, nil
	})
	register(cumApplyName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(cumSpec)
		local := args[1].(arrow.RecordBatch)
		if len(args) == 2 {
			local.Retain()
			return local, nil
		}
		carry := args[2].(cumCarry)
		// The local running values already combine this partition's values; combining
		// each with the carry gives the running value from the first row (sum, prod,
		// max and min are associative).
		return runColumnsFrom(ctx, spec, local, &carry)
	})
}

// runColumnsFrom combines every present running value of local with the carry.
func runColumnsFrom(ctx context.Context, spec cumSpec, local arrow.RecordBatch, carry *cumCarry) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	cols := slices.Clone(local.Columns())
	var made []arrow.Array
	defer func() { releaseArrays(made) }()
	for c, name := range spec.Cols {
		idx := local.Schema().FieldIndices(name)[0]
		if !carry.Has[c] {
			continue
		}
		out, err := cumColumn(mem, spec.Op, local.Column(idx), c, carry)
		if err != nil {
			return nil, err
		}
		made = append(made, out)
		cols[idx] = out
	}
	return array.NewRecordBatch(local.Schema(), cols, local.NumRows()), nil
}
