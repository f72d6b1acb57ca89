package h2o

// A re-implementation of the pieces of R's random number machinery that the
// db-benchmark generators use, so that with the same seed we draw the same stream
// R >= 3.6 draws:
//
//   - RNGkind "Mersenne-Twister" seeded by set.seed(seed) (RNG_Init in
//     src/main/RNG.c: 50 LCG scrambling steps, then 625 LCG outputs fill
//     .Random.seed, whose first word, mti, FixupSeeds sets to 624);
//   - unif_rand() = fixup(MT_genrand());
//   - R_unif_index(dn) with sample.kind "Rejection" (rbits plus rejection);
//   - sample.int(n, k, replace=TRUE) and sample.int(n, k) without replacement (the
//     non-hash branch of do_sample in src/main/random.c);
//   - runif(n, min=0, max);
//   - round(x, digits) with the R >= 4.0.0 algorithm (src/nmath/fround.c: the nearer
//     of the two decimal candidates, ties to the even last digit).
//
// Every operation below mirrors the C code's floating-point steps on purpose: the
// output has to match R bit for bit, so none of it may be "simplified".

import (
	"math"
	"math/bits"
)

// Mersenne-Twister MT19937 parameters, and the scale factors of RNG.c.
const (
	mtN        = 624
	mtM        = 397
	matrixA    = 0x9908b0df // constant vector a
	upperMask  = 0x80000000 // most significant w-r bits
	lowerMask  = 0x7fffffff // least significant r bits
	temperingB = 0x9d2c5680
	temperingC = 0xefc60000

	i2to32m1    = 2.328306437080797e-10  // 1/(2^32 - 1), used by fixup
	mtToUnitDbl = 2.3283064365386963e-10 // 2^-32, MT_genrand's reals in [0,1)
)

// rng is R's default generator state after set.seed.
type rng struct {
	mt  [mtN]uint32
	mti int
}

// newRNG mimics set.seed(seed) with the default Mersenne-Twister kind.
func newRNG(seed uint32) *rng {
	for range 50 { // initial scrambling
		seed = 69069*seed + 1
	}
	// RNG_Init fills all 625 words of .Random.seed; word 0 is mti, which
	// FixupSeeds(initial) then sets to N so the first draw regenerates the block.
	var dummy [mtN + 1]uint32
	for j := range dummy {
		seed = 69069*seed + 1
		dummy[j] = seed
	}
	r := &rng{mti: mtN}
	copy(r.mt[:], dummy[1:])
	return r
}

// genrand is MT_genrand: the next 32-bit output as a real in [0, 1).
func (r *rng) genrand() float64 {
	mag01 := [2]uint32{0, matrixA}
	if r.mti >= mtN { // generate N words at one time
		mt := &r.mt
		var kk int
		for kk = 0; kk < mtN-mtM; kk++ {
			y := (mt[kk] & upperMask) | (mt[kk+1] & lowerMask)
			mt[kk] = mt[kk+mtM] ^ (y >> 1) ^ mag01[y&1]
		}
		for ; kk < mtN-1; kk++ {
			y := (mt[kk] & upperMask) | (mt[kk+1] & lowerMask)
			mt[kk] = mt[kk+(mtM-mtN)] ^ (y >> 1) ^ mag01[y&1]
		}
		y := (mt[mtN-1] & upperMask) | (mt[0] & lowerMask)
		mt[mtN-1] = mt[mtM-1] ^ (y >> 1) ^ mag01[y&1]
		r.mti = 0
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= (y << 7) & temperingB
	y ^= (y << 15) & temperingC
	y ^= y >> 18
	return float64(y) * mtToUnitDbl
}

// unif is unif_rand() for Mersenne-Twister: genrand kept strictly inside (0, 1).
func (r *rng) unif() float64 {
	x := r.genrand()
	if x <= 0 {
		return 0.5 * i2to32m1
	}
	if 1-x <= 0 {
		return 1 - 0.5*i2to32m1
	}
	return x
}

// rbits returns a random integer in [0, 2^nbits), built from 16 bits per draw.
func (r *rng) rbits(nbits int) int64 {
	var v int64
	for n := 0; n <= nbits; n += 16 {
		v1 := int64(math.Floor(r.unif() * 65536))
		v = 65536*v + v1
	}
	return v & (int64(1)<<uint(nbits) - 1)
}

// unifIndex is R_unif_index(n) with sample.kind "Rejection": uniform in [0, n).
func (r *rng) unifIndex(n int) int {
	if n <= 0 {
		return 0
	}
	nb := bits.Len(uint(n - 1)) // ceil(log2(n)) for integer n >= 1
	for {
		if dv := r.rbits(nb); dv < int64(n) {
			return int(dv)
		}
	}
}

// sampleReplace is sample.int(n, k, replace=TRUE): k values in 1..n.
func (r *rng) sampleReplace(n, k int) []int32 {
	out := make([]int32, k)
	for i := range out {
		out[i] = int32(r.unifIndex(n) + 1)
	}
	return out
}

// sampleNoReplace is sample.int(n, k) without replacement: k distinct values in
// 1..n. This is do_sample's non-hash branch, which R uses unless n > 1e7 and
// k <= n/2; the generators only call it with k == n.
func (r *rng) sampleNoReplace(n, k int) []int32 {
	x := make([]int32, n)
	for i := range x {
		x[i] = int32(i)
	}
	out := make([]int32, k)
	for i := range out {
		j := r.unifIndex(n)
		out[i] = x[j] + 1
		n--
		x[j] = x[n]
	}
	return out
}

// runif is runif(n, min=0, max=max). (R computes min + (max-min)*u, which for
// min = 0 is exactly max*u.)
func (r *rng) runif(n int, max float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		var u float64
		for {
			u = r.unif()
			if u > 0 && u < 1 {
				break
			}
		}
		out[i] = max * u
	}
	return out
}

// roundR is R's round(x, dig) for dig > 0 (the R >= 4.0.0 algorithm).
func roundR(x float64, dig int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	sgn := 1.0
	if x < 0 {
		sgn = -1
		x = -x
	}
	const dblDig = 15 // DBL_DIG: x already has no more digits than that
	if (float64(math.Ilogb(x))+0.5)*math.Log10(2)+float64(dig) > dblDig {
		return sgn * x
	}
	p10 := math.Pow(10, float64(dig))
	x10 := p10 * x
	i10 := math.Floor(x10)
	xd := i10 / p10
	xu := math.Ceil(x10) / p10
	du := xu - x
	dd := x - xd
	if du < dd || (du == dd && math.Mod(i10, 2) == 1) {
		return sgn * xu
	}
	return sgn * xd
}

// roundAll rounds every element of v in place with roundR and returns v.
func roundAll(v []float64, dig int) []float64 {
	for i := range v {
		v[i] = roundR(v[i], dig)
	}
	return v
}
