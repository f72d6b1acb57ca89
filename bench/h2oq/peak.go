package h2oq

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/gask-dev/gask"
)

// SchedulerOptions is the option choosing the named scheduler ("threads", "sync",
// "threads:4"), none for "" (GASK_SCHEDULER or the default).
func SchedulerOptions(name string) ([]gask.Option, error) {
	if name == "" {
		return nil, nil
	}
	s, err := gask.SchedulerFromName(name)
	if err != nil {
		return nil, err
	}
	return []gask.Option{gask.WithScheduler(s)}, nil
}

// StartProfile writes a CPU profile to path until stop is called; with no path it
// does nothing.
func StartProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// ResetPeak resets the process's peak resident memory (VmHWM) to its current size
// (Linux: clear_refs 5), so that the next PeakField measures one step.
func ResetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakField is " peak_rss_mib=N", the peak resident memory since ResetPeak, for a
// runner's output line; "" where /proc does not say.
func PeakField() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return fmt.Sprintf(" peak_rss_mib=%.0f", kb/1024)
			}
		}
	}
	return ""
}
