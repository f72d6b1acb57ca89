//go:build openblas

package array_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gask-dev/gask/array"
)

// TestOpenBLASInUse checks that with the tag the goldens run on OpenBLAS.
func TestOpenBLASInUse(t *testing.T) {
	if array.BLAS != "openblas" {
		t.Fatalf("BLAS is %q", array.BLAS)
	}
	if got := fmt.Sprintf("%T", blas64.Implementation()); got != "netlib.Implementation" {
		t.Fatalf("blas64 implementation is %s, want netlib.Implementation", got)
	}
}
