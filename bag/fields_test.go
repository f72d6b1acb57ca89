package bag

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestFieldsSeqStep checks FlatMap(b, strings.Fields)'s in-process split against
// strings.Fields on random strings of ASCII and Unicode spaces, letters past ASCII
// and invalid UTF-8.
func TestFieldsSeqStep(t *testing.T) {
	alphabet := []string{" ", "  ", "\t", "\n", "\v", "\f", "\r", "a", "bc", "é", "\u00a0", "\u0085", "\u2003", "\u3000", "\xff", "\xc2", "x"}
	r := rand.New(rand.NewPCG(3, 4))
	split := fieldsSeqStep(context.Background(), 0)
	for range 20000 {
		var sb strings.Builder
		for range r.IntN(12) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := sb.String()
		var got []string
		if err := split(s, func(w string) error { got = append(got, w); return nil }); err != nil {
			t.Fatal(err)
		}
		if want := strings.Fields(s); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	}
}
