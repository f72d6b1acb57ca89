// Package schedtest is the one scheduler matrix every test suite runs on: the same
// tests on sync, threads and procs, so every pipeline is shown to run in one
// goroutine, in a pool and in worker processes.
package schedtest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

// Procs is the matrix's subprocess scheduler: 2 worker processes, kept between
// sessions so a suite of many small computations does not start processes for each.
var Procs = procs.New(procs.Workers(2), procs.KeepAlive(time.Minute))

// Main is TestMain for a package whose tests use All: the test binary serves as its
// own worker processes (gask.MainTest), the kept workers are stopped after the tests,
// and goroutine leaks fail the run.
func Main(m *testing.M) {
	gask.MainTest(m)
	code := m.Run()
	Procs.Close()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// VerifyNone is goleak.VerifyNone for tests that run on All: it first stops the
// worker processes Procs keeps between sessions (the next session starts new ones),
// whose connections' goroutines are not leaks.
func VerifyNone(t *testing.T) {
	t.Helper()
	Procs.Close()
	goleak.VerifyNone(t)
}

// All returns the schedulers of the matrix: sync, threads (3 goroutines) and procs.
func All() []sched.Scheduler {
	return []sched.Scheduler{schedsync.New(), threads.New(threads.Workers(3)), Procs}
}

// Local returns the in-process schedulers, for what cannot leave the process by
// design (closures, unregistered functions).
func Local() []sched.Scheduler {
	return []sched.Scheduler{schedsync.New(), threads.New(threads.Workers(3))}
}
