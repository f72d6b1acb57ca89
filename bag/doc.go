// Package bag is Dask's bag for Go: a lazy, partitioned collection Bag[T] of
// arbitrary Go values, for semi-structured data (log lines, JSON records) before it
// becomes a dataframe.
//
// Build a bag with FromSlice, FromSliceSize or FromDelayed; transform it with package
// functions (Go methods cannot add type parameters, so whatever changes the element
// type is a function): Map, MapErr, Filter, Remove, FlatMap, Flatten, Pluck,
// PluckIndex, RandomSample, Join, MapPartitions, Repartition, Accumulate. Nothing runs
// until Compute (or Take, Persist, or a reduction's Compute); the computation runs on
// any gask scheduler (gask.WithScheduler).
//
// Consecutive per-element steps fuse: Map, Filter, FlatMap, Pluck, RandomSample and
// Join between two stored partitions run as one task per partition, streaming each
// element through all the steps without building intermediate slices.
//
// # Reductions
//
// Reductions run as trees of tasks, each combining up to SplitEvery partial results
// (Dask's split_every, default 8): Reduction and Fold (per partition, then combine),
// FoldBy (grouped, without a shuffle), Count, Sum, Mean, Min, Max, Var, Std, Any,
// All, Frequencies, TopK, Distinct and DistinctBy. A scalar reduction is an Item[T];
// Frequencies, FoldBy, TopK and Distinct are one-partition bags. Take(k) computes only
// the leading partitions it needs.
//
// # Errors
//
// A bag built from bad arguments carries the error (Err) and Compute returns it. A
// user function that returns an error (MapErr, MapPartitions) or panics fails the
// computation with an error naming the function and the partition; a panic's
// *sched.PanicError holds the stack.
package bag
