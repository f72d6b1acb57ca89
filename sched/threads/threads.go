package threads

import (
	"context"
	"fmt"
	"runtime"

	"github.com/gask-dev/gask/sched"
)

// Scheduler runs tasks on a pool of goroutines, the default scheduler.
type Scheduler struct {
	workers int
}

// Option configures the threads scheduler.
type Option func(*Scheduler)

// Workers sets the pool size (default runtime.GOMAXPROCS(0)).
func Workers(n int) Option { return func(s *Scheduler) { s.workers = n } }

// New returns a threads scheduler.
func New(opts ...Option) *Scheduler {
	s := &Scheduler{}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Size is the number of goroutines a session runs tasks on.
func (s *Scheduler) Size() int {
	if s.workers > 0 {
		return s.workers
	}
	return runtime.GOMAXPROCS(0)
}

// Open implements sched.Scheduler. The session's goroutines exit when it is closed.
func (s *Scheduler) Open(ctx context.Context, cfg sched.Config) (sched.Session, error) {
	if s.workers < 0 {
		return nil, fmt.Errorf("threads: %d workers", s.workers)
	}
	return sched.NewEngine(ctx, sched.EngineConfig{Config: cfg, Runners: s.Size(), Name: "threads"}), nil
}

// String implements sched.Scheduler.
func (s *Scheduler) String() string { return "threads" }
