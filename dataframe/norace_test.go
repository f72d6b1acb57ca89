//go:build !race

package dataframe_test

// raceEnabled reports a run under the race detector (see race_test.go).
const raceEnabled = false
