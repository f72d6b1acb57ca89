package array

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzNPYHeader feeds the header reader the starts of real .npy files and mutations
// of them: it must never panic, and a header it accepts must survive being written
// again (for C order) and read back.
func FuzzNPYHeader(f *testing.F) {
	files, _ := filepath.Glob("../testdata/array/store/*.npy")
	if len(files) < 10 {
		f.Fatalf("%d seed files", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 256)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := readNPYHeader(bytes.NewReader(data))
		if err != nil {
			return
		}
		if h.offset > int64(len(data)) {
			t.Fatalf("data offset %d past the %d bytes read", h.offset, len(data))
		}
		again, err := readNPYHeader(bytes.NewReader(npyHeaderBytes(h.elem, h.shape)))
		if err != nil {
			t.Fatalf("rewritten header of %q: %v", data, err)
		}
		if !slices.Equal(again.shape, h.shape) || again.elem.descr() != h.elem.descr() || again.offset%64 != 0 {
			t.Fatalf("header %+v rewritten as %+v", h, again)
		}
	})
}

// countingReader counts ReadAt calls.
type countingReader struct {
	r     *bytes.Reader
	calls int
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.calls++
	return c.r.ReadAt(p, off)
}

// TestReadRegion checks both ways of reading a block: its whole span in one call when
// that is not much more than the block, each contiguous run otherwise.
func TestReadRegion(t *testing.T) {
	shape := []int{300, 300}
	raw := make([]byte, 7+300*300*8)
	for i := range 300 * 300 {
		binary.LittleEndian.PutUint64(raw[7+i*8:], uint64(i))
	}
	for _, tc := range []struct {
		start, shape []int
		calls        int
	}{
		{[]int{10, 0}, []int{20, 300}, 1},   // whole rows: one run
		{[]int{10, 20}, []int{5, 30}, 1},    // small span: one read
		{[]int{0, 290}, []int{200, 3}, 200}, // span far bigger than the block: per run
		{[]int{299, 299}, []int{1, 1}, 1},
		{[]int{5, 5}, []int{0, 3}, 0},
	} {
		c := &countingReader{r: bytes.NewReader(raw)}
		got, err := readRegion(c, 7, 8, shape, tc.start, tc.shape)
		if err != nil {
			t.Fatal(err)
		}
		if c.calls != tc.calls {
			t.Errorf("region %v+%v: %d reads, want %d", tc.start, tc.shape, c.calls, tc.calls)
		}
		k := 0
		for i := range tc.shape[0] {
			for j := range tc.shape[1] {
				want := uint64((tc.start[0]+i)*300 + tc.start[1] + j)
				if g := binary.LittleEndian.Uint64(got[k*8:]); g != want {
					t.Fatalf("region %v+%v element (%d, %d) = %d, want %d", tc.start, tc.shape, i, j, g, want)
				}
				k++
			}
		}
	}
}
