package sched

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gask-dev/gask/graph"
)

// Scheduler runs task graphs. A scheduler knows nothing about collections: it gets
// graphs, runs their tasks and hands back results by key.
type Scheduler interface {
	// Open starts a session, a place to submit graphs and collect results. ctx bounds
	// the session: cancelling it stops every task.
	Open(ctx context.Context, cfg Config) (Session, error)
	// String is the scheduler's name, as GASK_SCHEDULER spells it.
	String() string
}

// Config says how a session behaves.
type Config struct {
	// FailFast cancels the whole session at the first task error, which every later
	// Wait returns (gask.Compute). Without it a failed task fails only the keys that
	// depend on it (futures).
	FailFast bool
	// Callbacks observe the session's tasks (progress bars, profilers).
	Callbacks Callbacks
}

// Session holds the tasks of one computation (gask.Compute) or of one futures Client.
// A result is kept while some pinned key or unfinished task needs it, and released the
// moment the last one is done with it. Sessions are safe for concurrent use.
type Session interface {
	// Submit adds g's tasks. Tasks whose keys the session already has are shared, not
	// added again; g may depend on such keys. Each key in pin is held (its result kept)
	// until Release; tasks that nothing pins or needs are never run.
	Submit(g *graph.Graph, pin []graph.Key) error
	// Wait blocks until at least n of keys have finished (succeeded or failed) and
	// returns the indices of the finished ones. It returns early with ctx's error, the
	// session's failure (FailFast) or ErrClosed.
	Wait(ctx context.Context, keys []graph.Key, n int) ([]int, error)
	// Result returns a finished key's result, or its *TaskError.
	Result(key graph.Key) (any, error)
	// Release drops one pin of each key. A key nothing else needs is forgotten: its
	// result freed, or, when it has not run yet, it and the tasks only it needed are
	// cancelled.
	Release(keys ...graph.Key)
	// Stats reports counts and the bytes of results held.
	Stats() Stats
	// Close cancels what is left, waits for running tasks to return and frees every
	// result. No goroutine of the session outlives Close.
	Close() error
}

// Callbacks are called around every task, outside any lock, from the goroutine that
// runs the task. They must be safe for concurrent use.
type Callbacks struct {
	// Submit is called with the number of new tasks each Submit adds.
	Submit func(ntasks int)
	// Start is called before a task runs.
	Start func(TaskInfo)
	// Finish is called after a task has run, with its duration, result size and error.
	Finish func(TaskInfo)
}

func (c Callbacks) empty() bool { return c.Submit == nil && c.Start == nil && c.Finish == nil }

// Join returns callbacks that call each of cs in turn.
func Join(cs ...Callbacks) Callbacks {
	var out Callbacks
	for _, c := range cs {
		c := c
		if c.Submit != nil {
			prev := out.Submit
			out.Submit = func(n int) {
				if prev != nil {
					prev(n)
				}
				c.Submit(n)
			}
		}
		if c.Start != nil {
			prev := out.Start
			out.Start = func(i TaskInfo) {
				if prev != nil {
					prev(i)
				}
				c.Start(i)
			}
		}
		if c.Finish != nil {
			prev := out.Finish
			out.Finish = func(i TaskInfo) {
				if prev != nil {
					prev(i)
				}
				c.Finish(i)
			}
		}
	}
	return out
}

// TaskInfo describes one task run.
type TaskInfo struct {
	Key    graph.Key
	Func   string    // the function's label
	Worker int       // which runner ran it (0 for the caller's goroutine)
	Start  time.Time // when it started
	End    time.Time // when it finished (zero in Start callbacks)
	Size   int64     // measured bytes of the result
	Err    error
}

// Stats are a session's counters.
type Stats struct {
	Submitted int   // tasks added
	Run       int   // tasks that ran (succeeded or failed)
	Failed    int   // tasks whose function returned an error or panicked
	Held      int   // results held now
	Bytes     int64 // measured bytes of the results held now
	PeakBytes int64 // the most Bytes ever was
}

// ErrClosed is returned by a session used after Close.
var ErrClosed = errors.New("sched: session closed")

// TaskError is a task's failure: the error its function returned or its panic, with the
// task's key. It is what Compute returns and what a failed future's Result returns.
type TaskError struct {
	Key  graph.Key
	Func string
	Err  error
}

func (e *TaskError) Error() string {
	return fmt.Sprintf("task %s (%s): %v", e.Key, e.Func, e.Err)
}

func (e *TaskError) Unwrap() error { return e.Err }

// PanicError is a recovered panic in a task function; Stack is the goroutine's stack at
// the panic.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	s := fmt.Sprintf("panic: %v", e.Value)
	if loc := panicSite(e.Stack); loc != "" {
		s += " [at " + loc + "]"
	}
	return s
}

// Unwrap exposes a panic value that is itself an error (such as a runtime error).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// panicSite finds the file:line of the frame that panicked in a debug.Stack dump: the
// first frame that is not in the runtime after the innermost panic call (a re-panic
// from a deferred function sits above the original).
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.HasPrefix(lines[i], "panic(") {
			continue
		}
		for j := i + 2; j+1 < len(lines); j += 2 {
			if strings.HasPrefix(lines[j], "runtime.") {
				continue
			}
			loc := strings.TrimSpace(lines[j+1])
			if k := strings.LastIndex(loc, " +0x"); k > 0 {
				loc = loc[:k]
			}
			return loc
		}
	}
	return ""
}
