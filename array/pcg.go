package array

import "math/bits"

// pcg is math/rand/v2's PCG (128-bit LCG, DXSM output) with its state in the open:
// newPCG(seed, stream) gives exactly rand.NewPCG(seed, stream)'s values. uniform
// fills a slice from four interleaved positions of the one stream (each lane jumps
// four steps at a time), so the lanes' multiplies overlap instead of waiting on each
// other; the values and their order are the serial stream's.
type pcg struct{ s u128 }

type u128 struct{ hi, lo uint64 }

func (a u128) mul(b u128) u128 {
	hi, lo := bits.Mul64(a.lo, b.lo)
	hi += a.hi*b.lo + a.lo*b.hi
	return u128{hi, lo}
}

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

var (
	pcgMul = u128{2549297995355413924, 4865540595714422341}
	pcgInc = u128{6364136223846793005, 1442695040888963407}
	// four steps at once: s -> s*pcgMul4 + pcgInc4
	pcgMul4, pcgInc4 = func() (u128, u128) {
		m, c := pcgMul, pcgInc
		for range 3 {
			m, c = m.mul(pcgMul), c.mul(pcgMul).add(pcgInc)
		}
		return m, c
	}()
)

func newPCG(seed, stream uint64) *pcg { return &pcg{u128{seed, stream}} }

func (s u128) next() u128 { return s.mul(pcgMul).add(pcgInc) }

// dxsm is PCG's output function of a state.
func dxsm(s u128) uint64 {
	const cheapMul = 0xda942042e4dd58b5
	hi := s.hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= s.lo | 1
	return hi
}

// Uint64 is the stream's next value (rand.Source).
func (p *pcg) Uint64() uint64 {
	p.s = p.s.next()
	return dxsm(p.s)
}

// unit is rand.Float64's value of x, in [0, 1); the int64 conversion is exact (53
// bits) and one instruction, where converting a uint64 branches.
func unit(x uint64) float64 { return float64(int64(x<<11>>11)) / (1 << 53) }

// uniform fills dst with low + (high-low)*u for the stream's next len(dst) values u
// of rand.Float64's formula.
func (p *pcg) uniform(dst []float64, low, high float64) {
	w := high - low
	if len(dst) >= 4 {
		a := p.s.next()
		b := a.next()
		c := b.next()
		d := c.next()
		for ; len(dst) >= 4; dst = dst[4:] {
			dst[0] = low + w*unit(dxsm(a))
			dst[1] = low + w*unit(dxsm(b))
			dst[2] = low + w*unit(dxsm(c))
			dst[3] = low + w*unit(dxsm(d))
			p.s = d
			a = a.mul(pcgMul4).add(pcgInc4)
			b = b.mul(pcgMul4).add(pcgInc4)
			c = c.mul(pcgMul4).add(pcgInc4)
			d = d.mul(pcgMul4).add(pcgInc4)
		}
	}
	for i := range dst {
		dst[i] = low + w*unit(p.Uint64())
	}
}
