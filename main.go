package gask

import (
	"encoding/gob"
	"testing"

	"github.com/gask-dev/gask/sched/procs"
)

// Main makes the program able to serve as its own worker process, which the procs
// scheduler (and the distributed one) start by re-executing the program's binary. Call
// it first thing in main, after registering functions (gask.Register in init
// functions or just before it):
//
//	func main() {
//		gask.Main()
//		...
//	}
//
// In the program the user started, Main returns at once. In a worker it serves tasks
// until the program that started it closes its session or exits, then exits, and
// never returns.
func Main() {
	procs.Serve()
	procs.MarkMain()
}

// MainTest is Main for test binaries: call it first in TestMain, so that `go test`
// and `go test -bench` binaries can serve as workers of the tests they run. In the
// test process it returns at once, and TestMain goes on (m.Run, goleak, ...):
//
//	func TestMain(m *testing.M) {
//		gask.MainTest(m)
//		os.Exit(m.Run())
//	}
func MainTest(m *testing.M) {
	_ = m
	Main()
}

// RegisterType makes values of type T able to travel between processes inside
// interface values (task arguments, []any results, map[string]any fields), which
// encoding/gob requires for every concrete type it carries there. Call it from an init
// function for the types of a program's own records, as gob.Register. Arrow record
// batches and array blocks have codecs of their own and need no registration.
func RegisterType[T any]() {
	var zero T
	gob.Register(zero)
}
