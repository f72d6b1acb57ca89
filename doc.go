// Package gask is Dask for Go: lazy, partitioned collections computed in parallel on a
// scheduler you can swap without changing code.
//
// This package holds what every collection shares: Compute, ComputeAll and Persist
// for any Collection; scheduler choice; Delayed values (typed lazy calls of ordinary Go
// functions); a futures Client; the function registry; Visualize; and progress bars.
//
// # Delayed
//
// Delay1 … Delay4 (and the error-returning Delay1E … Delay4E, and DelaySlice for
// fan-in) turn a function into one that records a task instead of running it:
//
//	multiply := gask.Delay2(func(a, b int) int { return a * b })
//	x := multiply(gask.Value(2), gask.Value(3))
//	y := multiply(gask.Value(3), gask.Value(4))
//	z, err := multiply(x, y).Compute(ctx) // 72
//
// # Choosing a scheduler
//
// The scheduler is chosen, in order, by the WithScheduler option, by
// SetDefaultScheduler, and by the environment variable GASK_SCHEDULER (sync, threads,
// threads:N, procs or procs:N); the default is threads, a goroutine pool of GOMAXPROCS
// workers. The sync scheduler runs every task in the caller's goroutine in a fixed
// order, for debugging: run a failing pipeline with GASK_SCHEDULER=sync and set a
// breakpoint in the task. The procs scheduler (package sched/procs) runs every task in
// worker processes that re-execute the program's binary: the program calls Main first
// in main (a test package MainTest first in TestMain).
//
// # Futures
//
// A Client runs work submitted over time: Submit, Map, Map2, Scatter, ComputeOn and
// PersistOn return at once; Future.Result, Gather, Wait and AsCompleted collect. A
// failed task fails only the futures that need it; Cancel (or the garbage collector)
// releases a future's data.
//
// # Tasks that leave the process
//
// Every task is a function reference plus arguments. A function registered with
// Register (at init, under a stable name) can run on any scheduler, including worker
// processes running the same binary; a plain closure runs in process only (procs
// refuses it before anything runs, naming it), and the graph can tell which tasks are
// which (graph.Graph.CheckShippable). A program's own types carried in interface
// values between processes are registered with RegisterType.
//
// # Errors
//
// A failing or panicking task makes Compute return an error naming the task's key (a
// *sched.TaskError; a panic's *sched.PanicError carries the stack); the rest of the
// computation is cancelled and no goroutine outlives Compute. A dependency cycle or a
// missing dependency is reported with the keys involved before anything runs.
package gask
