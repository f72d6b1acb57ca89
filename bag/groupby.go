package bag

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/shuffle"
)

// Group is a key and every element that has it: an element of GroupBy.
type Group[K, T any] struct {
	Key    K
	Values []T
}

// GroupBy regroups the bag by key into npartitions partitions, through a shuffle
// (Dask's Bag.groupby with shuffle="tasks"): every element of a key lands in one
// Group, in the partition the key's hash picks. Within a group, values keep their
// order (partition by partition); groups are in order of first appearance within
// their partition. The shuffle is the dataframe's: one split task per partition and
// one concat task per output partition. npartitions < 1 keeps the bag's number of
// partitions. For a reduction per group, FoldBy needs no shuffle and is cheaper.
func GroupBy[T any, K comparable](b Bag[T], key func(T) K, npartitions int) Bag[Group[K, T]] {
	if b.err != nil {
		return fail[Group[K, T]](b.err)
	}
	if key == nil {
		return failf[Group[K, T]]("GroupBy with a nil key function")
	}
	if b.src == nil {
		return Bag[Group[K, T]]{}
	}
	if npartitions < 1 {
		npartitions = b.NPartitions()
	}
	// The split's arguments are the number of shards, the spec (of key) and the
	// partition.
	d := describe("groupby", nil, key)
	l := shuffle.Layout{
		Name: tokenFor("groupby"), N: npartitions, SplitArgs: []any{npartitions, d.spec},
		Split: kernelFunc(groupSplitName, "groupby-split"+d.fns, d.unregistered, func(_ context.Context, args []any) (any, error) {
			xs, err := partition[T](-1, args[2])
			if err != nil {
				return nil, err
			}
			n := args[0].(int)
			shards := make([][]KV[K, T], n)
			for _, x := range xs {
				k := key(x)
				j := int(hashKey(k) % uint64(n))
				shards[j] = append(shards[j], KV[K, T]{k, x})
			}
			return shards, nil
		}),
		Concat: graph.RegisteredAs(groupConcatName, func(_ context.Context, args []any) (any, error) {
			shards, err := shuffle.Shards[[][]KV[K, T]](args[0].(int), args[1:])
			if err != nil {
				return nil, fmt.Errorf("bag: groupby: %w", err)
			}
			o := newOrdered[K, []T]()
			for _, s := range shards {
				for _, kv := range s {
					j, _ := o.index(kv.Key)
					o.vals[j] = append(o.vals[j], kv.Value)
				}
			}
			out := make([]Group[K, T], len(o.keys))
			for i, k := range o.keys {
				out[i] = Group[K, T]{k, o.vals[i]}
			}
			return out, nil
		}).WithLabel("groupby-concat"),
	}
	nd := &node{name: l.Name, n: npartitions}
	nd.build = func(g *graph.Graph) error {
		in, err := b.lower(g)
		if err != nil {
			return err
		}
		_, err = l.Add(g, in)
		return err
	}
	return fromNode[Group[K, T]](nd)
}

// hashKey hashes a key the same way in every process (a shuffle's splits can run in
// different ones): integers, floats, strings and booleans directly, anything else
// through its printed form.
func hashKey(k any) uint64 {
	var x uint64
	switch v := k.(type) {
	case int:
		x = uint64(v)
	case int64:
		x = uint64(v)
	case int32:
		x = uint64(v)
	case uint64:
		x = v
	case uint32:
		x = uint64(v)
	case uint:
		x = uint64(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			x = uint64(int64(v)) // 2.0 and 2 group alike
		} else {
			x = math.Float64bits(v)
		}
	case bool:
		if v {
			x = 1
		}
	case string:
		h := fnv.New64a()
		h.Write([]byte(v))
		x = h.Sum64()
	default:
		h := fnv.New64a()
		fmt.Fprintf(h, "%T:%v", k, k)
		x = h.Sum64()
	}
	// splitmix64's finalizer spreads consecutive integers over the partitions.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
