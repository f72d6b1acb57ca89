package bench

import (
	"os"
	"testing"

	"github.com/gask-dev/gask"
)

// TestMain lets the test binary serve as the worker processes of the procs
// benchmarks, which re-execute it.
func TestMain(m *testing.M) {
	gask.MainTest(m)
	os.Exit(m.Run())
}
