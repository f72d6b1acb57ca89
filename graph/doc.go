// Package graph is gask's task graph: keys, tasks, the function registry, and the
// graph-level passes — validation, Cull, Fuse, Order and DOT output.
//
// A Key is a name plus an optional partition index, printed like Dask's
// ('read-csv-8f3a', 3). A Task is a Func, its Args and the Keys it depends on; the
// dependencies are always explicit, never found by scanning arguments. An Input(i) in
// Args marks where the i-th dependency's result goes.
//
// A Func is either registered under a stable name (Register, at init; workers that run
// the same binary find it by that name) or a closure, which only in-process schedulers
// run. CheckShippable names the tasks that cannot leave the process.
//
// Validate reports a missing dependency (*MissingDependencyError) or a cycle
// (*CycleError) with the keys involved. Order assigns depth-first static priorities in
// the spirit of dask.order, so intermediates are released early. Fuse folds linear
// chains into one task each.
package graph
