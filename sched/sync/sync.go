package sync

import (
	"context"

	"github.com/gask-dev/gask/sched"
)

// Scheduler runs every task in the goroutine that waits for results, one at a time, in
// a deterministic order. Use it to debug: a breakpoint in a task function is hit in the
// caller's goroutine, and with Repanic a panic stops the debugger at the faulting line.
type Scheduler struct {
	repanic bool
}

// Option configures the sync scheduler.
type Option func(*Scheduler)

// Repanic makes a panicking task panic in the caller instead of returning an error
// (by default the panic becomes an error naming the task, with the stack attached).
func Repanic() Option { return func(s *Scheduler) { s.repanic = true } }

// New returns a sync scheduler.
func New(opts ...Option) *Scheduler {
	s := &Scheduler{}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Open implements sched.Scheduler.
func (s *Scheduler) Open(ctx context.Context, cfg sched.Config) (sched.Session, error) {
	return sched.NewEngine(ctx, sched.EngineConfig{Config: cfg, Runners: 0, Repanic: s.repanic, Name: "sync"}), nil
}

// String implements sched.Scheduler.
func (s *Scheduler) String() string { return "sync" }
