package bag

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStrCounter counts many keys (through several growths) against a map, in
// order of first appearance.
func TestStrCounter(t *testing.T) {
	c := newStrCounter()
	want := map[string]int{}
	var order []string
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		k := fmt.Sprint(r.IntN(5000) * r.IntN(20))
		if r.IntN(10) == 0 {
			k = "" // the empty string is a key too
		}
		if _, ok := want[k]; !ok {
			order = append(order, k)
		}
		want[k]++
		c.add(k)
	}
	if !slices.Equal(c.keys, order) {
		t.Fatalf("%d keys, want %d in order of first appearance", len(c.keys), len(order))
	}
	for i, k := range c.keys {
		if c.vals[i] != want[k] {
			t.Fatalf("%q: %d, want %d", k, c.vals[i], want[k])
		}
	}
}
