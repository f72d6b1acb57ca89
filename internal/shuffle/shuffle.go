// Package shuffle is the task layout every collection's all-to-all shuffle shares
// (dataframe.Shuffle, bag.GroupBy): one split task per input partition, which cuts
// its partition into n shards, and one concat task per output partition, which takes
// its shard of every split — P + n tasks, not P × n. The shards are ordinary stored
// results of the scheduler, released once every concat task that needs them ran.
package shuffle

import (
	"fmt"

	"github.com/gask-dev/gask/graph"
)

// Layout describes one shuffle.
type Layout struct {
	// Name is the key name of the output partitions, (Name, j); the splits are
	// (Name+"-split", i).
	Name string
	// N is the number of output partitions.
	N int
	// Split runs once per input partition with SplitArgs followed by the partition,
	// and returns its N shards (a slice of N values).
	Split     graph.Func
	SplitArgs []any
	// Concat runs once per output partition j with j followed by every split's result
	// in input order (see Shards).
	Concat graph.Func
}

// SplitKey is the key of input partition i's split task.
func (l Layout) SplitKey(i int) graph.Key { return graph.K(l.Name+"-split", i) }

// Key is the key of output partition j.
func (l Layout) Key(j int) graph.Key { return graph.K(l.Name, j) }

// Add adds the split tasks of the inputs and the N concat tasks to g (inputs must be
// in g or known to the scheduler) and returns the output keys.
func (l Layout) Add(g *graph.Graph, inputs []graph.Key) ([]graph.Key, error) {
	splits, err := l.AddSplits(g, inputs)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Key, l.N)
	for j := range out {
		out[j] = l.Key(j)
		args := make([]any, 1, len(splits)+1)
		args[0] = j
		for i := range splits {
			args = append(args, graph.Input(i))
		}
		if err := g.Add(graph.Task{Key: out[j], Func: l.Concat, Args: args, Deps: splits}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddSplits adds only the split tasks of the inputs and returns their keys, for a
// consumer that takes its shard of every split itself (a hash join reads shard j of
// both sides' splits in one task) instead of the concat tasks.
func (l Layout) AddSplits(g *graph.Graph, inputs []graph.Key) ([]graph.Key, error) {
	if l.N < 1 {
		return nil, fmt.Errorf("shuffle into %d partitions", l.N)
	}
	splits := make([]graph.Key, len(inputs))
	for i, k := range inputs {
		splits[i] = l.SplitKey(i)
		args := append(append(make([]any, 0, len(l.SplitArgs)+1), l.SplitArgs...), graph.Input(0))
		if err := g.Add(graph.Task{Key: splits[i], Func: l.Split, Args: args, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return splits, nil
}

// Shards picks shard j of every split result (each an L, a slice of shards), as a
// concat task receives them.
func Shards[L ~[]S, S any](j int, splits []any) ([]S, error) {
	out := make([]S, 0, len(splits))
	for i, a := range splits {
		l, ok := a.(L)
		if !ok || j < 0 || j >= len(l) {
			return nil, fmt.Errorf("shard %d of split %d (%T)", j, i, a)
		}
		out = append(out, l[j])
	}
	return out, nil
}
