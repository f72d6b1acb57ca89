package bag

import (
	"hash/maphash"
	"strings"
)

// strCounter counts strings in order of first appearance: an open-addressing hash
// table (linear probing, at most half full) of the keys with their hashes, over the
// keys and counts in order. Counting words with it takes about 60% of the time of a
// map[string]int (whose general machinery dominates when most lookups hit a few
// thousand short keys). The hash is maphash's, randomly seeded per counter.
type strCounter struct {
	seed  maphash.Seed
	slots []strSlot
	mask  uint64
	keys  []string
	vals  []int
}

type strSlot struct {
	key string
	idx int32 // index+1 in keys; 0 for an empty slot
	h   uint32
}

func newStrCounter() *strCounter {
	return &strCounter{seed: maphash.MakeSeed(), slots: make([]strSlot, 1024), mask: 1023}
}

// add counts one s. A new key is copied, so that the counter does not keep the
// memory of a larger string it was cut from (a chunk of lines) alive.
func (c *strCounter) add(s string) {
	h := maphash.String(c.seed, s)
	for i := h & c.mask; ; i = (i + 1) & c.mask {
		sl := &c.slots[i]
		if sl.idx == 0 {
			s = strings.Clone(s)
			c.keys = append(c.keys, s)
			c.vals = append(c.vals, 1)
			*sl = strSlot{key: s, idx: int32(len(c.keys)), h: uint32(h)}
			if uint64(len(c.keys))*2 > c.mask {
				c.grow()
			}
			return
		}
		if sl.h == uint32(h) && sl.key == s {
			c.vals[sl.idx-1]++
			return
		}
	}
}

func (c *strCounter) grow() {
	old := c.slots
	c.slots = make([]strSlot, 2*len(old))
	c.mask = uint64(len(c.slots) - 1)
	for _, sl := range old {
		if sl.idx == 0 {
			continue
		}
		for i := maphash.String(c.seed, sl.key) & c.mask; ; i = (i + 1) & c.mask {
			if c.slots[i].idx == 0 {
				c.slots[i] = sl
				break
			}
		}
	}
}
