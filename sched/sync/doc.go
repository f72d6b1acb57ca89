// Package sync is the debugging scheduler: it runs every task in the caller's
// goroutine, one at a time, in the deterministic order given by the graph's static
// priorities.
//
// A panic in a task becomes a *sched.TaskError naming the task key, whose
// *sched.PanicError carries the stack; with Repanic the panic propagates instead, so a
// debugger stops at the faulting line. Choose it with gask.WithScheduler(sync.New()) or
// GASK_SCHEDULER=sync, without changing the pipeline.
//
// The package name shadows the standard library's sync; import it under another name:
//
//	import schedsync "github.com/gask-dev/gask/sched/sync"
package sync
