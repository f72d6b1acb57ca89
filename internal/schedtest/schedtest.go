// Package schedtest is the one scheduler matrix every test suite runs on: the same
// tests on sync, threads and procs, so every pipeline is shown to run in one
// goroutine, in a pool and in worker processes.
package schedtest

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

// Main is TestMain for a package whose tests use All: the test binary serves as its
// own worker processes (gask.MainTest), and goroutine leaks fail the run.
func Main(m *testing.M) {
	gask.MainTest(m)
	goleak.VerifyTestMain(m)
}

// All returns the schedulers of the matrix: sync, threads (3 goroutines) and procs (2
// worker processes).
func All() []sched.Scheduler {
	return []sched.Scheduler{schedsync.New(), threads.New(threads.Workers(3)), procs.New(procs.Workers(2))}
}

// Local returns the in-process schedulers, for tests of closures, which cannot leave
// the process by design.
func Local() []sched.Scheduler {
	return []sched.Scheduler{schedsync.New(), threads.New(threads.Workers(3))}
}
