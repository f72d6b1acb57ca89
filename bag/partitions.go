package bag

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/graph"
)

func tokenFor(prefix string) string { return graph.Token(prefix) }

// over makes a node of n partitions computed from b's partitions: deps(j) lists the
// input partitions output j reads and task(j) its function and leading arguments
// (the inputs follow them).
func over[T any](b Bag[T], prefix string, n int, deps func(j int) []int, task func(j int) (graph.Func, []any)) *node {
	nd := &node{name: tokenFor(prefix), n: n}
	nd.build = func(g *graph.Graph) error {
		in, err := b.lower(g)
		if err != nil {
			return err
		}
		for j := range n {
			fn, args := task(j)
			var ks []graph.Key
			for x, d := range deps(j) {
				ks = append(ks, in[d])
				args = append(args, graph.Input(x))
			}
			if err := add(g, graph.Task{Key: nd.key(j), Func: fn, Args: args, Deps: ks}); err != nil {
				return err
			}
		}
		return nil
	}
	return nd
}

// MapPartitions applies fn to every partition as a whole (Dask's
// Bag.map_partitions).
func MapPartitions[T, U any](b Bag[T], fn func([]T) ([]U, error)) Bag[U] {
	if b.err != nil {
		return fail[U](b.err)
	}
	if fn == nil {
		return failf[U]("MapPartitions with a nil function")
	}
	if b.src == nil {
		return Bag[U]{}
	}
	// The tasks' arguments are the spec, the partition's index and the partition.
	d := describe("map-partitions", nil, fn)
	label := fnLabel(fn)
	nd := over(b, "map-partitions", b.NPartitions(), func(j int) []int { return []int{j} }, func(j int) (graph.Func, []any) {
		local := func(_ context.Context, args []any) (any, error) {
			xs, err := partition[T](j, args[2])
			if err != nil {
				return nil, err
			}
			out, err := fn(xs)
			if err != nil {
				return nil, fmt.Errorf("bag: MapPartitions %s: partition %d: %w", label, j, err)
			}
			if out == nil {
				out = []U{}
			}
			return out, nil
		}
		return kernelFunc(mapPartitionsName, "map-partitions"+d.fns, d.unregistered, local), []any{d.spec, j}
	})
	return fromNode[U](nd)
}

// Repartition changes the number of partitions to n, as Dask's Bag.repartition:
// fewer partitions concatenate neighbours; more split each partition into nearly
// equal pieces (the last partition takes the remainder of the division).
func Repartition[T any](b Bag[T], n int) Bag[T] {
	if b.err != nil {
		return b
	}
	if n < 1 {
		return failf[T]("Repartition into %d partitions", n)
	}
	p := b.NPartitions()
	if n == p || p == 0 {
		return b
	}
	if n < p {
		bounds := make([]int, n+1)
		for j := range bounds {
			bounds[j] = int(float64(j) * float64(p) / float64(n))
		}
		bounds[n] = p
		nd := over(b, "repartition", n, func(j int) []int {
			var ds []int
			for i := bounds[j]; i < bounds[j+1]; i++ {
				ds = append(ds, i)
			}
			return ds
		}, func(int) (graph.Func, []any) { return graph.Registered(concatName), nil })
		return fromNode[T](nd)
	}
	div, mod := n/p, n%p
	from := make([]int, 0, n)  // the input partition of each output
	piece := make([]int, 0, n) // its piece of that input
	of := make([]int, 0, n)    // in how many pieces that input is split
	for i := range p {
		k := div
		if i == p-1 {
			k += mod
		}
		for x := range k {
			from, piece, of = append(from, i), append(piece, x), append(of, k)
		}
	}
	nd := over(b, "repartition", n, func(j int) []int { return []int{from[j]} }, func(j int) (graph.Func, []any) {
		return graph.Registered(splitName), []any{piece[j], of[j]}
	})
	return fromNode[T](nd)
}

// Accumulate is the running fold of binop over the whole bag, in order, starting from
// initial, which is its first element (Dask's Bag.accumulate with initial): it has one
// element more than the bag. Each partition waits for the last value of the one
// before it.
func Accumulate[T, A any](b Bag[T], binop func(A, T) A, initial A) Bag[A] {
	if b.err != nil {
		return fail[A](b.err)
	}
	if binop == nil {
		return failf[A]("Accumulate with a nil function")
	}
	if b.src == nil {
		return Bag[A]{}
	}
	d := describe("accumulate", initial, binop)
	type carry struct {
		out  []A
		last A
	}
	name := tokenFor("accumulate")
	nd := &node{name: name, n: b.NPartitions()}
	nd.build = func(g *graph.Graph) error {
		in, err := b.lower(g)
		if err != nil {
			return err
		}
		// A carry task's arguments are the spec, the partition's index, the
		// partition and (past the first) the carry of the one before.
		for i, k := range in {
			step := func(_ context.Context, args []any) (any, error) {
				xs, err := partition[T](i, args[2])
				if err != nil {
					return nil, err
				}
				acc := initial
				out := make([]A, 0, len(xs)+1)
				if i == 0 {
					out = append(out, acc)
				} else {
					acc = args[3].(carry).last
				}
				for _, x := range xs {
					acc = binop(acc, x)
					out = append(out, acc)
				}
				return carry{out, acc}, nil
			}
			deps := []graph.Key{k}
			args := []any{d.spec, i, graph.Input(0)}
			if i > 0 {
				deps = append(deps, graph.K(name+"-carry", i-1))
				args = append(args, graph.Input(1))
			}
			f := kernelFunc(accumulateName, "accumulate"+d.fns, d.unregistered, step)
			if err := add(g, graph.Task{Key: graph.K(name+"-carry", i), Func: f, Args: args, Deps: deps}); err != nil {
				return err
			}
			pick := func(_ context.Context, args []any) (any, error) { return args[0].(carry).out, nil }
			out := graph.RegisteredAs(accumulateOutName, pick).WithLabel("accumulate-out")
			if err := add(g, graph.Task{Key: nd.key(i), Func: out, Args: []any{graph.Input(0)}, Deps: []graph.Key{graph.K(name+"-carry", i)}}); err != nil {
				return err
			}
		}
		return nil
	}
	return fromNode[A](nd)
}
