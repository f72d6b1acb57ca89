// Package threads is the default scheduler: a pool of goroutines (by default
// runtime.GOMAXPROCS(0) of them) that take ready tasks from the shared engine's stack.
//
// Cancelling the context stops it promptly: no new task starts and running tasks see
// their context cancelled. With fail-fast sessions (gask.Compute) the first task error
// cancels the rest and is returned as a *sched.TaskError naming the key. Panics become
// errors. Every goroutine of a session has exited when the session is closed, so none
// outlives Compute.
package threads
