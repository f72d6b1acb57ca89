package array

import (
	"fmt"
	"slices"
)

// ChunkSpec says how an array is cut into blocks: Chunks (a block size per axis),
// ChunksOf (explicit, possibly irregular, sizes) or AutoChunks (Dask's chunks="auto").
type ChunkSpec struct {
	sizes    []int
	explicit [][]int
	auto     int64 // target block bytes; 0 when not auto
}

// DefaultAutoBytes is the block size AutoChunks aims at, Dask's array.chunk-size.
const DefaultAutoBytes = 128 << 20

// Chunks cuts each axis into blocks of the given size (the last one smaller when the
// size does not divide the axis). One size applies to every axis; -1 (or a size at
// least the axis length) keeps the axis whole.
func Chunks(sizes ...int) ChunkSpec { return ChunkSpec{sizes: slices.Clone(sizes)} }

// ChunksOf gives every block size explicitly, per axis; the sizes of an axis must
// add up to its length. Zero-length blocks are allowed.
func ChunksOf(chunks [][]int) ChunkSpec {
	c := make([][]int, len(chunks))
	for i := range chunks {
		c[i] = slices.Clone(chunks[i])
	}
	return ChunkSpec{explicit: c}
}

// AutoChunks picks blocks of about 128 MiB (DefaultAutoBytes), as Dask's chunks="auto":
// starting from the whole array it halves the longest block side until a block fits.
func AutoChunks() ChunkSpec { return ChunkSpec{auto: DefaultAutoBytes} }

// AutoChunksBytes is AutoChunks aiming at blocks of n bytes.
func AutoChunksBytes(n int64) ChunkSpec { return ChunkSpec{auto: max(n, 8)} }

func (c ChunkSpec) String() string {
	switch {
	case c.auto > 0:
		return fmt.Sprintf("auto(%d bytes)", c.auto)
	case c.explicit != nil:
		return fmt.Sprint(c.explicit)
	}
	return fmt.Sprint(c.sizes)
}

// normalize turns a spec into block sizes per axis of shape.
func (c ChunkSpec) normalize(shape []int) ([][]int, error) {
	if _, err := numel(shape); err != nil {
		return nil, err
	}
	out := make([][]int, len(shape))
	switch {
	case c.explicit != nil:
		if len(c.explicit) != len(shape) {
			return nil, fmt.Errorf("array: chunks %v have %d axes, shape %v has %d", c.explicit, len(c.explicit), shape, len(shape))
		}
		for a, cs := range c.explicit {
			sum := 0
			for _, s := range cs {
				if s < 0 {
					return nil, fmt.Errorf("array: chunks %v: negative block size on axis %d", c.explicit, a)
				}
				sum += s
			}
			if sum != shape[a] {
				return nil, fmt.Errorf("array: chunks %v: axis %d blocks add up to %d, shape %v has %d", c.explicit, a, sum, shape, shape[a])
			}
			if len(cs) == 0 {
				return nil, fmt.Errorf("array: chunks %v: axis %d has no block", c.explicit, a)
			}
			out[a] = slices.Clone(cs)
		}
		return out, nil
	case c.auto > 0:
		side := slices.Clone(shape)
		target := max(c.auto/8, 1)
		for {
			n := int64(1)
			for _, s := range side {
				n *= int64(max(s, 1))
			}
			if n <= target {
				break
			}
			big := 0
			for a := range side {
				if side[a] > side[big] {
					big = a
				}
			}
			side[big] = (side[big] + 1) / 2
		}
		for a := range shape {
			out[a] = regular(shape[a], side[a])
		}
		return out, nil
	}
	sizes := c.sizes
	if len(sizes) == 1 && len(shape) != 1 {
		sizes = slices.Repeat(sizes, len(shape))
	}
	if len(sizes) != len(shape) {
		return nil, fmt.Errorf("array: chunks %v for shape %v: want one block size per axis (%d) or one for all", c.sizes, shape, len(shape))
	}
	for a, s := range sizes {
		switch {
		case s == -1:
			s = shape[a]
		case s <= 0:
			return nil, fmt.Errorf("array: chunks %v: block size %d on axis %d (want a positive size or -1)", c.sizes, s, a)
		}
		out[a] = regular(shape[a], s)
	}
	return out, nil
}

// regular cuts n into blocks of size s (one empty block when n is 0).
func regular(n, s int) []int {
	if n == 0 {
		return []int{0}
	}
	s = max(min(s, n), 1)
	out := make([]int, 0, (n+s-1)/s)
	for left := n; left > 0; left -= s {
		out = append(out, min(s, left))
	}
	return out
}
