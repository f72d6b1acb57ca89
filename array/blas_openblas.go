//go:build openblas

package array

// With the build tag openblas, per-block BLAS (matrix products, and the BLAS calls
// inside gonum's LAPACK: QR, SVD, LU) runs on OpenBLAS through cgo
// (gonum.org/v1/netlib/blas/netlib), linked against -lopenblas (Debian: apt-get install
// libopenblas-dev). Without the tag gask uses gonum's pure-Go BLAS and needs no cgo.
//
//	go test -tags openblas ./array/
//
// OpenBLAS runs its own threads inside each call; set OPENBLAS_NUM_THREADS=1 to leave
// all parallelism to gask's scheduler.

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// BLAS names the BLAS implementation per-block linear algebra uses.
const BLAS = "openblas"

func init() { blas64.Use(netlib.Implementation{}) }
