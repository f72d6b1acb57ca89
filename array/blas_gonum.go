//go:build !openblas

package array

// BLAS names the BLAS implementation per-block linear algebra uses: gonum's pure Go by
// default, "openblas" with the build tag openblas (see blas_openblas.go).
const BLAS = "gonum"
