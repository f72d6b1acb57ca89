package h2o

import (
	"fmt"
	"math"
	"strconv"
)

// prettySci is pretty_sci() of the R scripts applied to an integer: its first
// digit, "e", and the number of digits after it (10000000 -> "1e7", 100 -> "1e2",
// 2 -> "2e0", 15000000 -> "1e7").
func prettySci(x int) string {
	s := strconv.Itoa(x)
	return fmt.Sprintf("%se%d", s[:1], len(s)-1)
}

// b2i is R's as.integer for a logical.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appendNum formats a double the way data.table's fwrite does for the values these
// generators produce (non-negative, at most 15 significant digits): the shortest
// digits that round-trip, in scientific notation only when that is strictly
// shorter than fixed notation (R's scipen = 0 rule). Go's 'e' format already
// writes R's two-digit exponents ("1e-04").
func appendNum(b []byte, v float64) []byte {
	var fbuf, sbuf [32]byte
	fixed := strconv.AppendFloat(fbuf[:0], v, 'f', -1, 64)
	sci := strconv.AppendFloat(sbuf[:0], v, 'e', -1, 64)
	if len(sci) < len(fixed) {
		return append(b, sci...)
	}
	return append(b, fixed...)
}

// appendPadded appends the decimal form of v >= 0 zero-padded to at least width
// digits, like sprintf("%0*d", width, v).
func appendPadded(b []byte, v int32, width int) []byte {
	var dbuf [10]byte
	d := strconv.AppendInt(dbuf[:0], int64(v), 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}

// maxRows is the largest table the R scripts can make: they hold row counts and
// keys in R integers.
const maxRows = math.MaxInt32

// checkNAs rejects NA percentages other than 0, the only one implemented.
func checkNAs(nas int) error {
	if nas < 0 || nas > 100 {
		return fmt.Errorf("nas = %d, want a percentage in 0..100", nas)
	}
	if nas != 0 {
		return fmt.Errorf("nas = %d: only nas = 0 (no missing values) is supported", nas)
	}
	return nil
}
