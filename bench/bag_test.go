package bench

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask/bag"
)

// wordText writes a text file of about size bytes: lines of 1-16 words drawn from a
// Zipf-distributed vocabulary of 50,000 words, like natural text.
func wordText(b *testing.B, size int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "words.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 49_999)
	vocab := make([]string, 50_000)
	for i := range vocab {
		n := 2 + i%9
		var sb strings.Builder
		for j := range n {
			sb.WriteByte(byte('a' + (i*7+j*13)%26))
		}
		vocab[i] = sb.String()
	}
	written := 0
	for written < size {
		n := 1 + r.IntN(16)
		for j := range n {
			if j > 0 {
				w.WriteByte(' ')
				written++
			}
			word := vocab[zipf.Uint64()]
			w.WriteString(word)
			written += len(word)
		}
		w.WriteByte('\n')
		written++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkBagWordCount is the bag word count: ReadText in 4 MB blocks, split into
// words, Frequencies, TopK(100). 64 MB of text (1 GB with GASK_BENCH_FULL).
func BenchmarkBagWordCount(b *testing.B) {
	size := 64 << 20
	if full() {
		size = 1 << 30
	}
	path := wordText(b, size)
	ctx := context.Background()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		words := bag.FlatMap(bag.ReadText(path, 4<<20, ""), strings.Fields)
		top, err := bag.TopK(bag.Frequencies(words, false), 100, func(kv bag.KV[string, int]) int { return kv.Value }).Compute(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(top) != 100 {
			b.Fatalf("%d words", len(top))
		}
	}
}
