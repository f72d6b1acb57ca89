//go:build race

package dataframe_test

// raceEnabled reports a run under the race detector, which skips shipcheck: it checks
// what tasks carry, not how goroutines share it, and the plain run covers it.
const raceEnabled = true
