package dataframe

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask/graph"
)

// Repartition changes the number of partitions to n, keeping the rows in order (Dask's
// repartition(npartitions=n)): fewer partitions concatenate neighbours, more cut each
// partition into pieces of equal row counts (without copying). Each output partition
// depends on one input partition, or a run of neighbours: n + P tasks at most.
func (df *DataFrame) Repartition(n int) *DataFrame {
	if df.err != nil {
		return df
	}
	if n < 1 {
		return failed(fmt.Errorf("dataframe: repartition into %d partitions", n))
	}
	src := &repartSource{in: df, n: n}
	src.key = keyName("repartition", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprint(n)}})
	return fromSource(src)
}

type repartSource struct {
	in  *DataFrame
	n   int
	key string
}

func (s *repartSource) describe() string      { return fmt.Sprintf("Repartition to %d", s.n) }
func (s *repartSource) input() *DataFrame     { return s.in }
func (s *repartSource) name() string          { return s.key }
func (s *repartSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *repartSource) npartitions() int      { return s.n }

const repartCutName = "dataframe.repartition-cut"

func (s *repartSource) tasks(key graph.Key, j int, columns []string, steps []Step) ([]graph.Task, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	p := len(in)
	out := graph.K(s.key, j)
	if s.n <= p {
		// Output j: input partitions [j·p/n, (j+1)·p/n).
		deps := in[j*p/s.n : (j+1)*p/s.n]
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(concatPartsName), Args: inputs(len(deps)), Deps: deps}); err != nil {
			return nil, err
		}
	} else {
		// Input i is cut into the outputs [⌈i·n/p⌉, ⌈(i+1)·n/p⌉).
		first := func(i int) int { return (i*s.n + p - 1) / p }
		i := j * p / s.n
		for first(i+1) <= j {
			i++
		}
		for first(i) > j {
			i--
		}
		cut := graph.K(s.key+"-cut", i)
		if _, ok := g.Task(cut); !ok {
			if err := g.Add(graph.Task{Key: cut, Func: graph.Registered(repartCutName), Args: []any{first(i+1) - first(i), graph.Input(0)}, Deps: []graph.Key{in[i]}}); err != nil {
				return nil, err
			}
		}
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(pickName), Args: []any{j - first(i), graph.Input(0)}, Deps: []graph.Key{cut}}); err != nil {
			return nil, err
		}
	}
	if out != key {
		if err := g.Add(pipelineTask(key, out, columns, steps)); err != nil {
			return nil, err
		}
	}
	return g.Tasks(), nil
}

func init() {
	// A partition cut into k slices of (nearly) equal row counts.
	register(repartCutName, func(_ context.Context, args []any) (any, error) {
		k := args[0].(int)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: repartition input is %T", args[1])
		}
		rows := rec.NumRows()
		out := make(recordList, k)
		for q := range k {
			out[q] = rec.NewSlice(rows*int64(q)/int64(k), rows*int64(q+1)/int64(k))
		}
		return out, nil
	})
}
