package array

import (
	"math/rand/v2"
	"testing"
)

// pcg is rand.PCG's stream, serial or four lanes at a time, across calls of any length.
func TestPCGMatchesRand(t *testing.T) {
	ref := rand.NewPCG(42, 7)
	p := newPCG(42, 7)
	for _, n := range []int{0, 1, 3, 4, 5, 8, 1023, 1024, 2, 17} {
		got := make([]float64, n)
		p.uniform(got, -1, 3)
		for i, v := range got {
			if want := -1 + 4*(float64(ref.Uint64()<<11>>11)/(1<<53)); v != want {
				t.Fatalf("call of %d, value %d: %v, want %v", n, i, v, want)
			}
		}
		if a, b := p.Uint64(), ref.Uint64(); a != b {
			t.Fatalf("after a call of %d: %d, want %d", n, a, b)
		}
	}
}

func BenchmarkUniformFill(b *testing.B) {
	dst := make([]float64, 4096)
	b.Run("pcg4", func(b *testing.B) {
		p := newPCG(1, 2)
		for b.Loop() {
			p.uniform(dst, 0, 1)
		}
		b.SetBytes(8 * 4096)
	})
	b.Run("randPCG", func(b *testing.B) {
		p := rand.NewPCG(1, 2)
		for b.Loop() {
			for i := range dst {
				dst[i] = float64(p.Uint64()<<11>>11) / (1 << 53)
			}
		}
		b.SetBytes(8 * 4096)
	})
}
